// A store shared through JetStream KV, from the command line, against a real nats-server with
// JetStream: the everyday commands, two homes editing one account at once (two processes),
// export to nsc's layout and import back, watch, each error code, and no seed in any revision
// of any bucket.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeAccount } from '../../src/claims/nats/decode.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { kvKeys } from '../../src/store/kv/kv-store.js';
import { CLI_PATH, cli, runCli, tempHome } from '../helpers/cli.js';
import { everyKvRevision, rawPut, startJetStream } from '../helpers/jetstream.js';
import { freePort, type RunningServer } from '../helpers/nats-server.js';

const SEED = /S[OAUNCX][A-Z2-7]{56}/;
let server: RunningServer;
const homes: string[] = [];

function home(): string {
  const h = tempHome('sigchain-kvcli-');
  homes.push(h);
  return h;
}

function json(r: { stdout: string }): Record<string, any> {
  return JSON.parse(r.stdout);
}

before(async () => {
  server = await startJetStream();
});
after(async () => {
  await server.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

describe('sigchain with --store nats://… (JetStream KV)', () => {
  it('runs the common commands against the KV store, and keeps only keys and the context in the home', async () => {
    const h = home();
    const env = { SIGCHAIN_STORE: `${server.url}/common` };
    await cli(h, ['add', 'operator', 'O'], env);
    await cli(h, ['add', 'account', 'A'], env);
    await cli(h, ['add', 'user', 'U'], env);
    await cli(h, ['add', 'user', 'V'], env);
    await cli(h, ['edit', 'account', 'A', '--description', 'shared', '--tag', 'team:x'], env);
    await cli(h, ['edit', 'user', 'U', '--tag', 'svc'], env);
    const acct = json(await cli(h, ['describe', 'account', 'A', '--json'], env));
    assert.equal(acct.nats.description, 'shared');
    assert.deepEqual(acct.nats.tags, ['team:x']);
    assert.deepEqual(json(await cli(h, ['list', 'accounts', '--json'], env)).accounts.map((a: { name: string }) => a.name), ['A', 'SYS']);
    assert.deepEqual(json(await cli(h, ['list', 'users', '--json'], env)).users.map((u: { name: string }) => u.name), ['U', 'V']);
    assert.equal(json(await cli(h, ['describe', 'user', 'U', '--json'], env)).nats.tags[0], 'svc');
    await cli(h, ['revocations', 'add-user', '-n', 'U'], env);
    const revoked = json(await cli(h, ['revocations', 'list-users', '--json'], env));
    assert.equal(JSON.stringify(revoked).includes(json(await cli(h, ['describe', 'user', 'U', '--json'], env)).sub), true);
    await cli(h, ['revoke', 'jti', join(h, 'creds', 'O', 'A', 'V.creds')], env);
    assert.equal((await cli(h, ['revocations', 'list-jtis', '--json'], env)).stdout.match(/"jti"/g)?.length, 1);
    const v = await runCli(h, ['verify', join(h, 'creds', 'O', 'A', 'V.creds'), '--json'], env);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /TOKEN_REVOKED/);
    // Nothing of the store was written to the home's stores folder; keys and context were.
    assert.equal(existsSync(join(h, 'stores', 'O')), false);
    assert.ok(existsSync(join(h, 'keys')) && existsSync(join(h, 'config.json')));
    // A second home sees the same store, with its own (empty) context and no keys.
    const other = home();
    assert.deepEqual(json(await cli(other, ['list', 'accounts', '--json', '--store', `${server.url}/common`])).accounts.map((a: { name: string }) => a.name), ['A', 'SYS']);
  });

  it('two processes with separate homes edit one account 100 times each through KV: every change is there', async () => {
    const a = home();
    const env = { SIGCHAIN_STORE: `${server.url}/two` };
    await cli(a, ['add', 'operator', 'O'], env);
    await cli(a, ['add', 'account', 'A'], env);
    // The second machine holds its own copy of the operator key (keys never go to KV).
    const b = home();
    cpSync(join(a, 'keys'), join(b, 'keys'), { recursive: true });
    const editor = fileURLToPath(new URL('../helpers/kv-editor.js', import.meta.url));
    const run = (h: string, prefix: string) =>
      new Promise<{ done: number; conflicts: number }>((resolve, reject) => {
        const child = spawn(process.execPath, [editor, h, `${server.url}/two`, prefix, '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`editor exited ${code}: ${err}`))));
      });
    const [ra, rb] = await Promise.all([run(a, 'a'), run(b, 'b')]);
    assert.equal(ra.done + rb.done, 200);
    const tags = decodeAccount((await cli(a, ['describe', 'account', 'A', '--raw'], env)).stdout.trim()).nats.tags ?? [];
    for (const p of ['a', 'b']) for (let i = 0; i < 100; i++) assert.ok(tags.includes(`${p}-${i}`), `${p}-${i} is there`);
    assert.equal(tags.length, 200);
    process.stdout.write(`# two writers: ${ra.conflicts + rb.conflicts} conflicts re-applied\n`);
  });

  it('store export writes nsc’s layout (no keys) and store import loads it into another bucket, never rolling a newer token back', async () => {
    const h = home();
    const env = { SIGCHAIN_STORE: `${server.url}/exp` };
    await cli(h, ['add', 'operator', 'O'], env);
    await cli(h, ['add', 'account', 'A'], env);
    await cli(h, ['add', 'user', 'U'], env);
    await cli(h, ['revoke', 'jti', join(h, 'creds', 'O', 'A', 'U.creds')], env);
    const dir = join(h, 'export');
    const exp = json(await cli(h, ['store', 'export', dir, '--json'], env));
    assert.equal(exp.entities.length, 6); // O, A, A's revocations, U, SYS, sys: nothing else
    assert.equal(readFileSync(join(dir, 'O', '.nsc'), 'utf8'), '{"managed":false,"name":"O","kind":"operator","version":"1"}');
    for (const f of ['O/O.jwt', 'O/accounts/A/A.jwt', 'O/accounts/A/users/U.jwt', 'O/accounts/SYS/users/sys.jwt', 'O/accounts/A/revocations.json']) assert.ok(statSync(join(dir, f)).isFile(), f);
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
    for (const f of files) assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), SEED, f);
    assert.equal(files.some((f) => f.endsWith('.nk') || f.endsWith('.creds')), false);
    assert.equal((await runCli(h, ['store', 'export', dir], env)).code, 1, 'an existing operator folder is refused');
    // The folder is a directory store sigchain (and nsc) read in place.
    assert.deepEqual(json(await cli(h, ['list', 'users', '--json', '--data-dir', dir, '--operator', 'O', '-a', 'A'], { SIGCHAIN_STORE: '' })).users.map((u: { name: string }) => u.name), ['U']);

    const env2 = { SIGCHAIN_STORE: `${server.url}/imp` };
    const imp = json(await cli(h, ['store', 'import', dir, '--json'], env2));
    assert.deepEqual([...new Set(imp.entities.map((e: { status: string }) => e.status))], ['added']);
    assert.match((await cli(h, ['revocations', 'list-jtis', '--json'], env2)).stdout, /"jti"/, 'the revoked jti came along');
    // A newer account in the target is kept: an import never rolls back.
    await new Promise((r) => setTimeout(r, 1100));
    await cli(h, ['edit', 'account', 'A', '--description', 'newer'], env2);
    const again = json(await cli(h, ['store', 'import', dir, '--json'], env2));
    assert.equal(again.entities.find((e: { name: string }) => e.name === 'O/A').status, 'kept');
    assert.equal(json(await cli(h, ['describe', 'account', 'A', '--json'], env2)).nats.description, 'newer');
  });

  it('watch --json prints one JSON object a line as changes land, and exits 0 on SIGINT', async () => {
    const h = home();
    const env = { SIGCHAIN_STORE: `${server.url}/watched` };
    await cli(h, ['add', 'operator', 'O'], env);
    await cli(h, ['add', 'account', 'A'], env);
    const child: ChildProcess = spawn(process.execPath, [CLI_PATH, 'watch', '--json'], { env: { PATH: process.env.PATH, HOME: h, SIGCHAIN_HOME: h, SIGCHAIN_KEYRING_BACKEND: 'file', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    await new Promise((r) => setTimeout(r, 600));
    await cli(h, ['add', 'user', 'U'], env);
    const deadline = Date.now() + 5000;
    while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    const line = JSON.parse(out.split('\n')[0]!);
    assert.deepEqual(Object.keys(line).sort(), ['account', 'kind', 'name', 'op', 'operator', 'public_key', 'revision']);
    assert.equal(line.op, 'put');
    assert.equal(line.kind, 'user');
    assert.equal(line.name, 'U');
    assert.match(line.public_key, /^U[A-Z2-7]{55}$/);
    assert.ok(line.revision > 0);
  });

  it('each fault has its code: no bucket, a foreign bucket, no server, an entry that does not verify, a bulk command', async () => {
    const h = home();
    const code = async (args: string[], env: NodeJS.ProcessEnv) => {
      const r = await runCli(h, [...args, '--json'], env);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      return json(r).error.code as string;
    };
    assert.equal(await code(['describe', 'operator'], { SIGCHAIN_STORE: `${server.url}/nothing` }), 'KV_BUCKET_MISSING');
    await rawPut(server.url, 'otherapp', 'setting', 'x', { history: 1 });
    assert.equal(await code(['add', 'operator', 'O'], { SIGCHAIN_STORE: `${server.url}/otherapp` }), 'KV_BUCKET_SHAPE');
    const t = Date.now();
    assert.equal(await code(['list', 'accounts'], { SIGCHAIN_STORE: `nats://127.0.0.1:${await freePort()}` }), 'STORE_UNREACHABLE');
    assert.ok(Date.now() - t < 5000);
    const env = { SIGCHAIN_STORE: `${server.url}/faults` };
    await cli(h, ['add', 'operator', 'O'], env);
    await cli(h, ['add', 'account', 'A'], env);
    await cli(h, ['add', 'account', 'B'], env);
    const token = (await cli(h, ['describe', 'account', 'A', '--raw'], env)).stdout.trim();
    await rawPut(server.url, 'faults', kvKeys.account('O', 'A'), token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    assert.equal(await code(['describe', 'account', 'A'], env), 'KV_ENTRY_INVALID');
    assert.equal(await code(['edit', 'account', 'A', '--tag', 'x'], env), 'KV_ENTRY_INVALID');
    assert.equal(json(await cli(h, ['describe', 'account', 'B', '--json'], env)).name, 'B', 'the others stay readable');
    const signingKey = KeyPair.create('operator').publicKey;
    assert.equal(await code(['keys', 'compromised', signingKey], env), 'KV_UNSUPPORTED');
  });

  it('the bulk and everyday-ops commands work on KV too: add user with several names, list users, keys list, validate (a bad entry named), expirations, exports and imports, delete user', async () => {
    const h = home();
    const env = { SIGCHAIN_STORE: `${server.url}/bulk` };
    await cli(h, ['add', 'operator', 'O'], env);
    await cli(h, ['add', 'account', 'A'], env);
    await cli(h, ['add', 'account', 'B'], env);
    const added = json(await cli(h, ['add', 'user', 'u1', 'u2', 'u3', '-a', 'A', '--json'], env));
    assert.deepEqual(added.users.map((u: { name: string }) => u.name), ['u1', 'u2', 'u3']);
    const taken = await runCli(h, ['add', 'user', 'u4', 'u2', '-a', 'A', '--json'], env);
    assert.equal(json(taken).error.code, 'STORE_EXISTS');
    assert.deepEqual(json(await cli(h, ['list', 'users', '-a', 'A', '--json'], env)).users.map((u: { name: string }) => u.name), ['u1', 'u2', 'u3'], 'nothing written by the refused batch');
    const keys = json(await cli(h, ['keys', 'list', '--json'], env)).keys.map((k: { public_key: string }) => k.public_key);
    for (const u of added.users) assert.ok(keys.includes(u.public_key));
    assert.equal((await runCli(h, ['validate', '--all-accounts', '--json'], env)).code, 0);
    await cli(h, ['add', 'export', '-a', 'A', '-s', 'feed.>'], env);
    await cli(h, ['add', 'import', '-a', 'B', '--src-account', 'A', '--remote-subject', 'feed.>'], env);
    const refused = await runCli(h, ['delete', 'account', 'A', '--json'], env);
    assert.equal(json(refused).error.code, 'ACCOUNT_IN_USE');
    assert.equal((await runCli(h, ['expirations', '--json'], env)).code, 0, 'nothing expires');
    // A user entry that does not verify is named by validate; the others are judged.
    const token = (await cli(h, ['describe', 'user', 'u2', '-a', 'A', '--raw'], env)).stdout.trim();
    await rawPut(server.url, 'bulk', kvKeys.user('O', 'A', 'u2'), token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
    const v = await runCli(h, ['validate', '--all-accounts', '--json'], env);
    assert.equal(v.code, 1);
    const problems = JSON.parse(v.stdout) as Array<{ entity: string; code: string }>;
    assert.deepEqual(problems.map((p) => [p.entity, p.code]), [['user A/u2', 'KV_ENTRY_INVALID']]);
    await cli(h, ['delete', 'user', 'u1', '-a', 'A'], env);
    assert.deepEqual(json(await cli(h, ['list', 'users', '-a', 'A', '--json'], env)).users.map((u: { name: string }) => u.name), ['u2', 'u3']);
  });

  it('holds no seed in any revision of any bucket', async () => {
    const revisions = await everyKvRevision(server.url);
    assert.ok(revisions.length > 50, `${revisions.length} revisions scanned`);
    for (const r of revisions) assert.doesNotMatch(r.value, SEED, `${r.bucket} ${r.key} revision ${r.revision}`);
  });
});
