// `sigchain keys compromised`: the dry run changes nothing and shows the blast radius and the
// command to apply; --apply replaces the key, re-issues, reports, and tells what to do on servers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCreds } from '../../src/input/creds.js';
import { decodeAccount, decodeUser } from '../../src/claims/nats/decode.js';
import { addAccount, addOperator, addUser, editAccount } from '../../src/workspace/index.js';
import { buildUserStore } from '../helpers/big-store.js';
import { CLI_PATH, cli, runCli } from '../helpers/cli.js';
import { snapshot } from '../workspace/helpers.js';
import { freshHome, refused, row, rowValues } from './fixtures-b.js';

/** O (signing key), A with the leaked key `bad` (users u1..u3) and another key (user keep), B. */
async function store() {
  const { home, ws } = freshHome();
  const o = await addOperator(ws, 'O', { generateSigningKey: true });
  const a = await addAccount(ws, 'A');
  const bad = (await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] })).added[0]!.publicKey;
  const other = (await editAccount(ws, { account: 'A', addSigningKeys: ['generate'] })).added[0]!.publicKey;
  for (const u of ['u1', 'u2', 'u3']) await addUser(ws, u, { account: 'A', signer: await ws.keys.getKey(bad) });
  await addUser(ws, 'keep', { account: 'A', signer: await ws.keys.getKey(other) });
  await addAccount(ws, 'B');
  return { home, ws, o, a, bad, other };
}

describe('keys compromised', () => {
  test('a dry run changes nothing, shows the blast radius and the exact command to apply', async () => {
    const { home, bad, o } = await store();
    const before = snapshot(home);
    const r = await cli(home, ['keys', 'compromised', bad]);
    assert.deepEqual(snapshot(home), before, 'nothing changed');
    assert.equal(row(r.stdout, 'Key'), bad);
    assert.equal(row(r.stdout, 'Kind'), 'account signing key');
    assert.equal(row(r.stdout, 'Listed by'), 'account "A" (operator "O")');
    assert.equal(row(r.stdout, 'Re-signed with'), `signing key ${o.signingKey!.publicKey}`);
    assert.equal(row(r.stdout, 'Users'), '3 (3 creds files to rewrite)');
    assert.equal(row(r.stdout, 'Untouched'), '1 token signed by other keys');
    assert.match(r.stdout, /Dry run: nothing was changed\. To apply:\n {2}sigchain keys compromised [A-Z0-9]{56} --apply\n/);
    assert.ok(r.stdout.includes(`sigchain keys compromised ${bad} --apply`));

    const j = await cli(home, ['keys', 'compromised', bad, '--json']);
    const out = JSON.parse(j.stdout) as { dry_run: boolean; status: string; reissue: Array<{ kind: string; name: string; creds: string }>; apply_command: string; parents: Array<{ name: string; scope: unknown }> };
    assert.equal(out.dry_run, true);
    assert.equal(out.status, 'listed');
    assert.deepEqual(out.reissue.map((x) => `${x.kind}:${x.name}:${x.creds}`).sort(), ['user:u1:key-store', 'user:u2:key-store', 'user:u3:key-store']);
    assert.equal(out.apply_command, `sigchain keys compromised ${bad} --apply`);
    assert.equal(out.parents[0]!.scope, null);
    assert.deepEqual(snapshot(home), before);
  });

  test('--apply replaces the key, re-issues, rewrites creds and says what to do next', async () => {
    const { home, ws, bad, other } = await store();
    const op = await ws.operator();
    const keepBefore = readFileSync(join(home, 'stores', 'O', 'accounts', 'A', 'users', 'keep.jwt'), 'utf8');
    const r = await cli(home, ['keys', 'compromised', bad, '--apply']);
    const fresh = row(r.stdout, 'New signing key').split(' ')[0]!;
    assert.match(fresh, /^A[A-Z0-9]{55}$/);
    assert.equal(row(r.stdout, 'Key'), `${bad} (retired in the key store)`);
    assert.equal(row(r.stdout, 'Seed stored at'), join(home, 'keys', 'A', fresh.slice(1, 3), `${fresh}.nk`));
    assert.equal(row(r.stdout, 'Re-issued'), '0 accounts, 3 users, 0 activations');
    assert.equal(row(r.stdout, 'Creds written'), '3');
    assert.match(row(r.stdout, 'Took'), /^[\d.]+ s \(reading the store [\d.]+ s, parents [\d.]+ s, users [\d.]+ s, sync to disk [\d.]+ s\)$/);
    assert.match(r.stdout, /Next:\n {2}- Account JWTs changed: regenerate the server configuration \(`sigchain nats server-config`\) and reload the servers \(SIGHUP/);
    assert.match(r.stderr, new RegExp(`\\[ OK \\] added signing key "${fresh}" to account "A" in place of "${bad}"`));
    assert.match(r.stderr, /^3\/3 users re-issued \(100%, [\d.]+ s\)$/m, 'plain progress line when stderr is not a terminal');

    const acct = decodeAccount(await op.readAccountJwt('A'));
    assert.deepEqual((acct.nats.signing_keys as string[]).sort(), [fresh, other].sort());
    for (const u of ['u1', 'u2', 'u3']) {
      const token = await op.readUserJwt('A', u);
      assert.equal(decodeUser(token).iss, fresh);
      assert.equal(parseCreds(readFileSync(join(home, 'creds', 'O', 'A', `${u}.creds`), 'utf8')).jwt, token);
    }
    assert.equal(readFileSync(join(home, 'stores', 'O', 'accounts', 'A', 'users', 'keep.jwt'), 'utf8'), keepBefore);

    const again = await cli(home, ['keys', 'compromised', bad, '--apply']);
    assert.match(again.stdout, /No operator or account in the store lists .* nothing to re-issue/);
  });

  test('--apply --json for an operator signing key: one JSON object with the new key and the restart reminder', async () => {
    const { home, o } = await store();
    const r = await cli(home, ['keys', 'compromised', o.signingKey!.publicKey, '--apply', '--json']);
    const out = JSON.parse(r.stdout) as {
      status: string;
      role: string;
      replacements: Array<{ public_key: string; kind: string; stored_at: string }>;
      resigned: Array<{ kind: string; as: string }>;
      reissued: Array<{ kind: string; name: string }>;
      next: string[];
      retired: boolean;
      seconds: number;
      phases: Record<string, number>;
    };
    assert.equal(out.status, 'done');
    assert.deepEqual(Object.keys(out.phases).sort(), ['parents', 'scan', 'sync', 'users']);
    assert.ok(Object.values(out.phases).every((v) => typeof v === 'number' && v >= 0 && v <= out.seconds), 'phases are seconds within the run');
    assert.equal(out.role, 'operator');
    assert.equal(out.replacements[0]!.kind, 'operator');
    assert.match(out.replacements[0]!.public_key, /^O/);
    assert.deepEqual(out.resigned.map((x) => `${x.kind}:${x.as}`), ['operator:identity']);
    assert.deepEqual(out.reissued.map((x) => `${x.kind}:${x.name}`).sort(), ['account:A', 'account:B', 'account:SYS']);
    assert.ok(out.next.some((n) => /restart every server/.test(n)));
    assert.equal(out.retired, true);
    assert.doesNotMatch(r.stderr, /users re-issued/, 'no progress lines under --json');
  });

  test('an identity key is refused with its code; a seed is refused without being echoed', async () => {
    const { home, a, ws } = await store();
    const e = await refused(home, ['keys', 'compromised', a.account.publicKey], 'COMPROMISED_KEY_IS_IDENTITY');
    assert.match(e.message, /identity key of account "A"/);
    const seed = (await ws.keys.getKey(a.account.publicKey)).seed;
    const r = await refused(home, ['keys', 'compromised', seed], 'SEED_IN_ARGUMENT');
    assert.ok(!`${r.stdout}${r.stderr}`.includes(seed.slice(2, 20)));
  });

  test('blocked without an operator key: the dry run says why, --apply refuses, -K with a .nk file unblocks', async () => {
    const { home, ws, bad, o } = await store();
    const skSeed = (await ws.keys.getKey(o.signingKey!.publicKey)).seed;
    await ws.keys.removeKey(o.signingKey!.publicKey);
    await ws.keys.removeKey(o.operator.publicKey);
    const dry = await cli(home, ['keys', 'compromised', bad]);
    assert.match(row(dry.stdout, 'Re-signed with'), /BLOCKED \(NO_APPROPRIATE_SIGNING_KEY\)/);
    assert.match(dry.stderr, /\[WARN\] account "A" cannot be re-signed yet/);
    const before = snapshot(home);
    await refused(home, ['keys', 'compromised', bad, '--apply'], 'NO_APPROPRIATE_SIGNING_KEY');
    assert.deepEqual(snapshot(home), before, 'a refused --apply changes nothing');
    const nk = join(home, 'op-sk.nk');
    writeFileSync(nk, skSeed);
    chmodSync(nk, 0o600);
    const planned = await cli(home, ['keys', 'compromised', bad, '-K', nk]);
    assert.ok(planned.stdout.includes(`sigchain keys compromised ${bad} --apply -K ${nk}`), planned.stdout);
    const r = await cli(home, ['keys', 'compromised', bad, '--apply', '-K', nk]);
    assert.equal(rowValues(r.stdout, 'Re-signed')[0], `account "A" with signing key ${o.signingKey!.publicKey}`);
    const viaSeed = await runCli(home, ['keys', 'compromised', bad, '-K', skSeed]);
    assert.ok(!viaSeed.stdout.includes(skSeed), 'a seed given with -K is never echoed');
  });

  test('killed (SIGKILL) mid-way: a re-run finishes with the same key, every user re-issued once', async () => {
    const { home } = freshHome();
    const s = await buildUserStore(home, 3000);
    const child = spawn(process.execPath, [CLI_PATH, 'keys', 'compromised', s.signingKey, '--apply'], { env: { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let killedAt = '';
    child.stderr.on('data', (d: Buffer) => {
      const line = d.toString().match(/^([\d,]+)\/3,000 users re-issued/m);
      if (line && !killedAt) {
        killedAt = line[1]!;
        child.kill('SIGKILL');
      }
    });
    await new Promise((resolve) => child.on('close', resolve));
    assert.ok(killedAt, 'it was killed while re-issuing');
    const journal = join(home, 'stores', 'O', `.compromise-${s.signingKey}.json`);
    const fresh = (JSON.parse(readFileSync(journal, 'utf8')) as { parents: Array<{ replacement: string }> }).parents[0]!.replacement;
    const usersDir = join(home, 'stores', 'O', 'accounts', 'A', 'users');
    const done = s.users.filter((u) => decodeUser(readFileSync(join(usersDir, `${u.name}.jwt`), 'utf8')).iss === fresh).length;
    assert.ok(done < 3000, `killed mid-way (${done} done)`);

    const dry = await cli(home, ['keys', 'compromised', s.signingKey]);
    assert.match(dry.stdout, /To finish the interrupted run:/);
    const r = await cli(home, ['keys', 'compromised', s.signingKey, '--apply', '--json']);
    const out = JSON.parse(r.stdout) as { resumed: boolean; replacements: Array<{ public_key: string }>; reissued: unknown[]; creds_written: number };
    assert.equal(out.resumed, true);
    assert.equal(out.replacements[0]!.public_key, fresh, 'the same replacement key');
    assert.equal(out.reissued.length, 3000 - done, 'only what was left');
    for (const u of s.users) {
      const token = readFileSync(join(usersDir, `${u.name}.jwt`), 'utf8');
      assert.equal(decodeUser(token).iss, fresh, u.name);
      assert.deepEqual(parseCreds(readFileSync(join(home, 'creds', 'O', 'A', `${u.name}.creds`), 'utf8')), { jwt: token, seed: u.seed });
    }
    assert.deepEqual(readdirSync(usersDir).filter((n) => n.startsWith('.')), [], 'no temp files left');
  });

  test('progress on a non-terminal stderr: a few plain lines, not one per user', async () => {
    const { home } = freshHome();
    const s = await buildUserStore(home, 600);
    const r = await runCli(home, ['keys', 'compromised', s.signingKey, '--apply']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => /users re-issued/.test(l));
    assert.ok(lines.length >= 1 && lines.length <= 11, `${lines.length} progress lines:\n${lines.join('\n')}`);
    assert.match(lines.at(-1)!, /^600\/600 users re-issued \(100%/);
    assert.equal(row(r.stdout, 'Re-issued'), '0 accounts, 600 users, 0 activations');
  });
});
