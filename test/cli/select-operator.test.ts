// `sigchain select operator`: the current operator, as the context file and `env` show it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { addOperator } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';

it('select operator switches the context; unknown names are refused and change nothing', async (t) => {
  const h = home(t);
  const ws = wsOf(h);
  await addOperator(ws, 'O1');
  await addOperator(ws, 'O2', { systemAccount: false }); // now current, no accounts
  const r = await cli(h, ['select', 'operator', 'O1']);
  assert.match(r.stderr, /^\[ OK \] selected operator "O1" \(current account "SYS"\)$/m);
  const ctxFile = join(h, 'config.json');
  assert.equal(JSON.parse(readFileSync(ctxFile, 'utf8')).operator, 'O1');
  assert.deepEqual(json((await cli(h, ['select', 'operator', 'O2', '--json'])).stdout), { operator: 'O2', account: null });
  const before = readFileSync(ctxFile, 'utf8');
  const bad = await runCli(h, ['select', 'operator', 'O9', '--json']);
  assert.equal(bad.code, 1);
  assert.equal(json(bad.stdout).error.code, 'STORE_NOT_FOUND');
  assert.match(json(bad.stdout).error.message, /O1, O2/, 'lists the operators there are');
  assert.equal(readFileSync(ctxFile, 'utf8'), before);
  assert.equal((await runCli(h, ['select', 'operator'])).code, 2, 'NAME is required');
});
