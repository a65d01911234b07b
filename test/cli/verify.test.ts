// `sigchain verify` on the command line: several --chain files after one flag (as a shell
// expands `--chain accounts/*.jwt`), the token before them or after `--`, and one --json shape
// whatever the outcome: `valid` always, `error` beside the verdict when refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { cli, runCli, tempHome } from '../helpers/cli.js';
import { payload } from './fixtures-a.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('sigchain verify (command line)', () => {
  const home = tempHome('sigchain-cli-verify-');
  const empty = tempHome('sigchain-cli-verify-empty-');
  const store = join(home, 'stores', 'O');
  const creds = join(home, 'creds', 'O', 'A', 'U.creds');
  const files = { operator: join(store, 'O.jwt'), account: join(store, 'accounts', 'A', 'A.jwt'), sys: join(store, 'accounts', 'SYS', 'SYS.jwt') };
  let operatorKey = '';

  before(async () => {
    await cli(home, ['add', 'operator', 'O']);
    await cli(home, ['add', 'account', 'A']);
    await cli(home, ['add', 'user', 'U']);
    operatorKey = payload(readFileSync(files.operator, 'utf8')).sub as string;
  });

  it('takes several --chain files after one flag, the token first or after --', async () => {
    const first = await runCli(empty, ['verify', creds, '--chain', files.sys, files.account, '--trust', operatorKey, '--json']);
    assert.equal(first.code, 0, first.stdout);
    const v = JSON.parse(first.stdout) as Json;
    assert.equal(v.valid, true);
    assert.deepEqual(v.chain.map((l: Json) => l.kind), ['user', 'account', 'operator']);
    const after = await runCli(empty, ['verify', '--json', '--trust', files.operator, '--chain', files.sys, files.account, '--', creds]);
    assert.equal(after.code, 0, after.stdout);
    assert.equal((JSON.parse(after.stdout) as Json).chain[2].source, 'policy', 'the --trust file was read as the operator JWT');
    const repeated = await runCli(empty, ['verify', creds, '--chain', files.account, '--chain', files.sys, '--trust', operatorKey]);
    assert.equal(repeated.code, 0, repeated.stderr);
  });

  it('refuses with USAGE (exit 2) when the token is left among the --chain files', async () => {
    const r = await runCli(empty, ['verify', '--chain', files.account, creds, '--json']);
    assert.equal(r.code, 2, r.stdout);
    const out = JSON.parse(r.stdout) as Json;
    assert.deepEqual([out.valid, out.error.code], [false, 'USAGE']);
    assert.match(out.error.message, /Usage: sigchain verify/);
  });

  it('prints valid:false with the verdict and the error beside it when the chain is invalid (exit 1)', async () => {
    const r = await runCli(empty, ['verify', creds, '--chain', files.account, '--json']);
    assert.equal(r.code, 1, r.stdout);
    const out = JSON.parse(r.stdout) as Json;
    assert.equal(Object.keys(out)[0], 'valid', 'valid comes first, as on success');
    assert.equal(out.valid, false);
    assert.deepEqual(out.errors.map((e: Json) => e.code), ['ISSUER_NOT_TRUSTED']);
    assert.deepEqual(out.chain.map((l: Json) => l.kind), ['user', 'account']);
    assert.equal(out.error.code, 'ISSUER_NOT_TRUSTED');
    assert.match(out.error.message, /not valid: 1 error/);
    assert.deepEqual(out.error.details, { at: out.errors[0].at, ...(out.errors[0].field ? { field: out.errors[0].field } : {}), error_count: 1 });
  });

  it('prints valid:false when the input cannot be read at all (exit 1)', async () => {
    const r = await runCli(empty, ['verify', join(empty, 'nope.creds'), '--json']);
    assert.equal(r.code, 1, r.stdout);
    const out = JSON.parse(r.stdout) as Json;
    assert.deepEqual([out.valid, out.error.code], [false, 'IO_ERROR']);
  });
});
