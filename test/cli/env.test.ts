// `sigchain env`: where things live and why, the current context, and nsc's `env -o/-a`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { addAccount, addOperator } from '../../src/workspace/index.js';
import { cli } from '../helpers/cli.js';
import { home, json, wsOf } from './fixtures-a.js';

it('env on an empty home shows every folder with its source and no context', async (t) => {
  const h = home(t);
  const r = await cli(h, ['env']);
  assert.match(r.stdout, /sigchain Environment/);
  assert.match(r.stdout, new RegExp(`│ Stores Dir\\s+│ ${join(h, 'stores')}\\s+│ \\$SIGCHAIN_HOME \\+ /stores\\s+│`));
  assert.match(r.stdout, /│ Current Operator\s+│\s+│ none selected/);
  const out = json((await cli(h, ['env', '--json', '--keystore-dir', join(h, 'ks')])).stdout);
  assert.equal(out.mode, 'sigchain');
  assert.deepEqual(out.paths, { home: h, stores_dir: join(h, 'stores'), keystore_dir: join(h, 'ks'), config_dir: h, config_file: join(h, 'config.json') });
  assert.equal(out.operator, null);
  assert.deepEqual(out.store, { kind: 'directory', location: join(h, 'stores') });
  assert.match(r.stdout, /│ Store\s+│ .*stores\s+│ the stores folder/);
  // A KV store is named (and env still answers when its server is down: it is where to look).
  const kv = json((await cli(h, ['env', '--json', '--store', 'nats://127.0.0.1:1/shared'])).stdout);
  assert.deepEqual(kv.store, { kind: 'nats-kv', location: 'nats://127.0.0.1:1/shared' });
  assert.deepEqual(out.settings.find((s: { name: string }) => s.name === 'Keystore Dir'), { name: 'Keystore Dir', value: join(h, 'ks'), source: 'flag --keystore-dir' });
});

it('env --operator/--account sets the context as nsc env -o/-a does; a damaged context file still shows paths', async (t) => {
  const h = home(t);
  const ws = wsOf(h);
  await addOperator(ws, 'O1');
  await addAccount(ws, 'A', { operator: 'O1' });
  await addOperator(ws, 'O2');
  const out = json((await cli(h, ['env', '-o', 'O1', '-a', 'A', '--json'])).stdout);
  assert.equal(out.operator, 'O1');
  assert.equal(out.account, 'A');
  const text = (await cli(h, ['env'])).stdout;
  assert.match(text, /│ Current Operator\s+│ O1\s+│ selected/);
  assert.match(text, /│ Current Account\s+│ A\s+│ selected/);

  writeFileSync(join(h, 'config.json'), '{not json');
  const damaged = await cli(h, ['env']);
  assert.match(damaged.stderr, /^\[WARN\] .*config\.json is not a JSON object/m);
  assert.match(damaged.stdout, /│ Current Operator\s+│ \(unreadable: STORE_CORRUPT\)/);
});
