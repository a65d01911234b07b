// `sigchain list operators`: the grid, the current marker, JSON, and a damaged operator.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { it } from 'node:test';
import { addOperator } from '../../src/workspace/index.js';
import { cli } from '../helpers/cli.js';
import { home, json, paths, wsOf } from './fixtures-a.js';

it('list operators marks the current one, lists a damaged one as unreadable, and --json', async (t) => {
  const h = home(t);
  assert.match((await cli(h, ['list', 'operators'])).stdout, /^No operators in /);
  const ws = wsOf(h);
  const o1 = await addOperator(ws, 'O1', { systemAccount: false });
  const o2 = await addOperator(ws, 'O2', { systemAccount: false });
  const text = (await cli(h, ['list', 'operators'])).stdout;
  assert.match(text, /│\s+Operators\s+│/);
  assert.match(text, new RegExp(`│ O1\\s+│ ${o1.operator.publicKey} │`));
  assert.match(text, new RegExp(`│ O2 \\*\\s+│ ${o2.operator.publicKey} │`));
  writeFileSync(paths.operatorJwt(h, 'O1'), 'not a jwt');
  const r = await cli(h, ['list', 'operators', '--json']);
  const out = json(r.stdout);
  assert.deepEqual(out.operators[1], { name: 'O2', public_key: o2.operator.publicKey, current: true });
  assert.equal(out.operators[0].name, 'O1');
  assert.equal(out.operators[0].public_key, null);
  assert.equal(out.operators[0].error, '(unreadable: STORE_CORRUPT)');
  assert.equal(out.warnings.length, 1, 'the damage is reported as a warning');
  assert.match(r.stderr, /^\[WARN\] .*O1\.jwt does not hold a valid JWT/m);
});
