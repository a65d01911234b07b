// `sigchain validate`: exit 0 with nothing to fix, 1 with one line per problem (or the JSON
// array), 2 for a bad command line; the operator and the current account unless --all-accounts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addAccount, addOperator, addUser } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, wsOf } from './fixtures-a.js';

async function store(t: { after(fn: () => void): void }) {
  const h = home(t);
  const ws = wsOf(h);
  await addOperator(ws, 'O');
  await addAccount(ws, 'B');
  await addAccount(ws, 'A');
  await ws.select('O', 'A');
  await addUser(ws, 'U', { account: 'A' });
  return { h, ws };
}

describe('validate', () => {
  it('exits 0 and prints [] with --json when there is nothing to fix', async (t) => {
    const { h } = await store(t);
    const r = await cli(h, ['validate', '--json']);
    assert.deepEqual(JSON.parse(r.stdout), []);
    const human = await cli(h, ['validate']);
    assert.equal(human.stdout, '');
    assert.match(human.stderr, /\[ OK \] Judged 3 tokens \(operator O, account A\): no problems\./);
  });

  it('one line per problem naming the entity and the code; exit 1; --all-accounts reaches other accounts', async (t) => {
    const { h, ws } = await store(t);
    await addUser(ws, 'OLD', { account: 'A', expiry: 1577836800 });
    await addUser(ws, 'GONE', { account: 'B', expiry: 1577836800 });
    const r = await runCli(h, ['validate']);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(': ').slice(0, 2).join(': ')), ['user A/OLD: TOKEN_EXPIRED']);
    const all = await runCli(h, ['validate', '--all-accounts', '--json']);
    assert.equal(all.code, 1);
    const problems = JSON.parse(all.stdout) as Array<Record<string, string>>;
    assert.deepEqual(problems.map((p) => Object.keys(p)), [['entity', 'code', 'message'], ['entity', 'code', 'message']]);
    assert.deepEqual(problems.map((p) => [p.entity, p.code]).sort(), [['user A/OLD', 'TOKEN_EXPIRED'], ['user B/GONE', 'TOKEN_EXPIRED']]);
    const b = await runCli(h, ['validate', '-a', 'B', '--json']);
    assert.deepEqual((JSON.parse(b.stdout) as Array<{ entity: string }>).map((p) => p.entity), ['user B/GONE']);
  });

  it('--at judges at a later time: what will have expired by then', async (t) => {
    const { h, ws } = await store(t);
    await addUser(ws, 'SOON', { account: 'A', expiry: Math.floor(Date.now() / 1000) + 86400 });
    assert.equal((await runCli(h, ['validate'])).code, 0);
    const later = await runCli(h, ['validate', '--at', '30d', '--json']);
    assert.equal(later.code, 1);
    assert.deepEqual((JSON.parse(later.stdout) as Array<{ entity: string; code: string }>).map((p) => [p.entity, p.code]), [['user A/SOON', 'TOKEN_EXPIRED']]);
  });

  it('exit 2 for a bad command line; a missing account is a coded refusal', async (t) => {
    const { h } = await store(t);
    assert.equal((await runCli(h, ['validate', '--nope'])).code, 2);
    assert.equal((await runCli(h, ['validate', 'extra'])).code, 2);
    assert.equal((await runCli(h, ['validate', '--all-accounts', '-a', 'A'])).code, 2);
    const missing = await runCli(h, ['validate', '-a', 'NOPE', '--json']);
    assert.equal(missing.code, 1);
    assert.equal(JSON.parse(missing.stdout).error.code, 'STORE_NOT_FOUND');
  });
});
