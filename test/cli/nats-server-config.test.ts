// `nats server-config`: the memory-resolver configuration for the store's operator.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { decodeAccount, decodeOperator } from '../../src/claims/nats/decode.js';
import { addAccount, addOperator, editOperator } from '../../src/workspace/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';
import { cli, runCli } from '../helpers/cli.js';
import { freshHome, refused } from './fixtures-b.js';

/** The `pub: token` entries inside `resolver_preload { … }`. */
function preload(config: string): Map<string, string> {
  const block = /^resolver_preload: \{\n([\s\S]*?)^\}/m.exec(config);
  assert.ok(block, config);
  return new Map([...block[1]!.matchAll(/^ {2}(A[A-Z2-7]{55}): (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('nats server-config', () => {
  let home: string;
  let ws: Workspace;

  before(async () => {
    ({ home, ws } = freshHome());
    await addOperator(ws, 'O', { generateSigningKey: true });
    await addAccount(ws, 'A');
    await addAccount(ws, 'B');
  });

  test('prints the operator JWT, the system account, resolver MEMORY and every account preloaded', async () => {
    const op = await ws.operator();
    const operator = await op.readOperatorJwt();
    const r = await cli(home, ['nats', 'server-config']);
    assert.match(r.stdout, new RegExp(`^operator: ${operator.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^system_account: ${decodeOperator(operator).nats.system_account}$`, 'm'));
    assert.match(r.stdout, /^resolver: MEMORY$/m);
    const expected = new Map<string, string>();
    for (const name of await op.listAccounts()) {
      const token = await op.readAccountJwt(name);
      expected.set(decodeAccount(token).sub, token);
    }
    assert.equal(expected.size, 3);
    assert.deepEqual(preload(r.stdout), expected);
    assert.equal(r.stderr, '');
  });

  test('-o writes the same configuration to a file', async () => {
    const out = join(home, 'conf', 'server.conf');
    // -o creates no folder (issue 12): it must exist.
    mkdirSync(join(home, 'conf'), { recursive: true });
    const r = await cli(home, ['nats', 'server-config', '-o', out, '--operator', 'O']);
    assert.match(r.stderr, /\[ OK \] wrote nats-server configuration for operator "O" with 3 account\(s\)/);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(out, 'utf8'), (await cli(home, ['nats', 'server-config'])).stdout);
    assert.equal(statSync(out).mode & 0o777, 0o644, 'public tokens only: readable by the server user');
    const j = JSON.parse((await cli(home, ['nats', 'server-config', '-o', out, '--json'])).stdout) as { path: string; accounts: Array<{ name: string }> };
    assert.equal(j.path, out);
    assert.deepEqual(j.accounts.map((a) => a.name), ['A', 'B', 'SYS']);
    const help = (await cli(home, ['nats', 'server-config', '--help'])).stdout;
    assert.match(help, /SIGHUP/);
    assert.match(help, /RESTARTED/);
  });

  test('warns about accounts the operator no longer trusts; refuses unknown operators and extra words', async () => {
    const old = decodeOperator(await (await ws.operator()).readOperatorJwt()).nats.signing_keys![0]!;
    await editOperator(ws, { addSigningKeys: ['generate'], removeSigningKeys: [old] });
    const r = await cli(home, ['nats', 'server-config', '--listen', '127.0.0.1:4333']);
    assert.match(r.stdout, /^listen: 127\.0\.0\.1:4333$/m);
    for (const name of ['A', 'B', 'SYS']) assert.match(r.stderr, new RegExp(`\\[WARN\\] Account "${name}" is signed by ${old}`));
    await refused(home, ['nats', 'server-config', '--operator', 'Nope'], 'STORE_NOT_FOUND');
    await refused(home, ['nats', 'server-config', 'extra'], 'USAGE');
    const empty = await runCli(freshHome().home, ['nats', 'server-config', '--json']);
    assert.equal(empty.code, 1);
    assert.equal((JSON.parse(empty.stdout) as { error: { code: string } }).error.code, 'STORE_NOT_FOUND');
  });
});
