// `sigchain select account`: the current account, and what commands then act on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { addAccount, addOperator } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, paths, wsOf } from './fixtures-a.js';

it('select account makes `add user` without -a land in that account', async (t) => {
  const h = home(t);
  const ws = wsOf(h);
  await addOperator(ws, 'O1');
  await addOperator(ws, 'O2');
  await addAccount(ws, 'B', { operator: 'O1' });
  const r = await cli(h, ['select', 'account', 'B', '--operator', 'O1', '--json']);
  assert.deepEqual(json(r.stdout), { operator: 'O1', account: 'B' });
  const saved = JSON.parse(readFileSync(join(h, 'config.json'), 'utf8'));
  assert.equal(saved.operator, 'O1');
  assert.equal(saved.account, 'B');
  await cli(h, ['add', 'user', 'ub']);
  assert.ok(readFileSync(paths.userJwt(h, 'O1', 'B', 'ub'), 'utf8').length > 0);
  const bad = await runCli(h, ['select', 'account', 'nope', '--json']);
  assert.equal(json(bad.stdout).error.code, 'STORE_NOT_FOUND');
  assert.match(json(bad.stdout).error.message, /B, SYS/);
});
