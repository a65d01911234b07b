// Where tokens come from: arguments (inline, path, -), files, --chain files and folders, --trust
// values and streams; each bounded before it is read, each text through the one reader.
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { formatCreds } from '../../src/claims/nats/index.js';
import { SigchainError } from '../../src/errors.js';
import {
  MAX_TOKEN_FILE_SIZE,
  loadChainFiles,
  looksLikeToken,
  readBoundedFile,
  readBoundedStream,
  readTokenArg,
  readTokenFile,
  readTokenOrJti,
  readTrustArgs,
} from '../../src/input/index.js';
import { memoryResolverConfig } from '../../src/nats/server-config.js';
import { memoryResolver } from '../../src/trust/index.js';
import { makeAccount, makeOperator, makeSystemAccount, makeUser } from '../trust/helpers.js';

const op = makeOperator();
const sys = makeSystemAccount(op);
const acct = makeAccount(op);
const user = makeUser(acct);
const other = makeUser(acct);
const dir = mkdtempSync(join(tmpdir(), 'sigchain-input-'));

function at(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function refused(c: string, ...mustInclude: string[]) {
  return (e: unknown) => e instanceof SigchainError && e.code === c && mustInclude.every((s) => e.message.includes(s)) && !e.message.includes(user.key.seed.slice(2, 20));
}

/** A sparse file of `size` bytes: nothing is written, so it costs no disk. */
function sparse(name: string, size: number): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return p;
}

describe('readTokenArg', () => {
  const creds = at('u.creds', formatCreds(user.jwt, user.key.seed));

  it('takes a token inline, a path (creds, .jwt, decorated) or - for stdin, the same way for every command', async () => {
    assert.deepEqual(await readTokenArg(user.jwt), { token: user.jwt, source: 'The token given' });
    assert.equal((await readTokenArg(creds)).token, user.jwt);
    assert.equal((await readTokenArg(at('a.jwt', `${acct.jwt}\n`))).token, acct.jwt);
    assert.equal((await readTokenArg('-', { readStdin: async () => `${acct.jwt}\n` })).token, acct.jwt);
    assert.equal((await readTokenFile(creds)).token, user.jwt);
  });

  it('judges an inline near-token as MALFORMED_TOKEN, not as a missing file (IO_ERROR)', async () => {
    for (const bad of [`${user.jwt}.extra`, `${user.jwt}==`, `${user.jwt.slice(0, 30)}+${user.jwt.slice(31)}`, 'eyJhbGciOi', 'abc.def.ghi.jkl']) {
      await assert.rejects(readTokenArg(bad), refused('MALFORMED_TOKEN'), bad.slice(-10));
    }
    await assert.rejects(readTokenArg(join(dir, 'nope.creds')), refused('IO_ERROR', 'no such file exists'));
    await assert.rejects(readTokenArg('nope.creds'), refused('IO_ERROR', 'no such file exists'));
    // A pasted seed is named, never echoed.
    await assert.rejects(readTokenArg(user.key.seed), refused('MALFORMED_TOKEN', 'seed'));
  });

  it('checks a creds file given as a path as a user credential', async () => {
    await assert.rejects(readTokenArg(at('acct.creds', formatCreds(user.jwt, user.key.seed).replace(user.jwt, acct.jwt))), refused('WRONG_CLAIM_TYPE', 'acct.creds'));
    await assert.rejects(readTokenArg(at('mix.creds', formatCreds(user.jwt, user.key.seed).replace(user.key.seed, other.key.seed))), refused('CREDS_KEY_MISMATCH', 'mix.creds'));
  });

  it('refuses a 100 MB file quickly without reading it (TOKEN_TOO_LARGE), and bounds stdin', async () => {
    const huge = sparse('huge.jwt', 100 * 1024 * 1024);
    const t0 = performance.now();
    await assert.rejects(readTokenArg(huge), refused('TOKEN_TOO_LARGE', 'huge.jwt'));
    await assert.rejects(readTokenFile(huge), refused('TOKEN_TOO_LARGE'));
    await assert.rejects(loadChainFiles([huge]), refused('TOKEN_TOO_LARGE'));
    await assert.rejects(readBoundedFile(huge, 1024), refused('TOKEN_TOO_LARGE'));
    assert.ok(performance.now() - t0 < 2000);
    await assert.rejects(readTokenArg('-', { readStdin: async () => 'a'.repeat(MAX_TOKEN_FILE_SIZE + 1) }), refused('TOKEN_TOO_LARGE'));
  });

  it('readTokenOrJti: a token as readTokenArg takes it, else a jti', async () => {
    assert.deepEqual(await readTokenOrJti('GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q'), { jti: 'GT4NUNMEF7ZMWCRBXVVUDKQT6ZYPZ77W4JRQXD3L24HKUJECQH7Q' });
    assert.equal(((await readTokenOrJti(creds)) as { token: string }).token, user.jwt);
    assert.equal(((await readTokenOrJti(user.jwt)) as { token: string }).token, user.jwt);
    await assert.rejects(readTokenOrJti(`${user.jwt}==`), refused('MALFORMED_TOKEN'));
  });

  it('looksLikeToken tells a token attempt from a file name', () => {
    assert.equal(looksLikeToken('eyJx'), true);
    assert.equal(looksLikeToken('a.b.c.d'), true);
    assert.equal(looksLikeToken('user.creds'), false);
    assert.equal(looksLikeToken('my.user.creds'), false);
    assert.equal(looksLikeToken('./a.b.c'), false);
  });
});

describe('readBoundedStream', () => {
  it('reads a stream to its end, and stops one chunk past the limit', async () => {
    assert.equal(await readBoundedStream(Readable.from([Buffer.from('ab'), 'cd']), 4), 'abcd');
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.alloc(64 * 1024, 0x41);
      }
    }
    await assert.rejects(readBoundedStream(endless(), 1024 * 1024), refused('TOKEN_TOO_LARGE'));
    assert.ok(pulled <= 17, `pulled ${pulled} chunks`);
  });
});

describe('loadChainFiles', () => {
  it('reads raw JWT files, creds files (the JWT only), decorated JWTs and server configs', async () => {
    at('op.jwt', `${op.jwt}\n`);
    at('user.creds', formatCreds(user.jwt, user.key.seed));
    at('acct.txt', `-----BEGIN NATS ACCOUNT JWT-----\n${acct.jwt}\n------END NATS ACCOUNT JWT------\n`);
    at('server.conf', memoryResolverConfig({ operatorJwt: op.jwt, accountJwts: [sys.jwt, acct.jwt] }));
    const tokens = await loadChainFiles(['op.jwt', 'user.creds', 'acct.txt', 'server.conf'].map((f) => join(dir, f)));
    assert.deepEqual(tokens.slice(0, 4), [op.jwt, user.jwt, acct.jwt, op.jwt]);
    assert.deepEqual(tokens.slice(4).sort(), [acct.jwt, sys.jwt].sort());
    assert.ok(!tokens.some((t) => t.includes(user.key.seed)), 'no seed is ever read as a token');
    const r = memoryResolver(tokens);
    assert.equal(r.account(acct.id.publicKey), acct.jwt);
    assert.equal(r.account(sys.id.publicKey), sys.jwt);
  });

  it('walks an nsc-style store folder for *.jwt and *.creds, leaving *.nk seed files and dot-files alone', async () => {
    const store = join(dir, 'stores', 'O');
    mkdirSync(join(store, 'accounts', 'A', 'users'), { recursive: true });
    writeFileSync(join(store, 'O.jwt'), op.jwt);
    writeFileSync(join(store, 'accounts', 'A', 'A.jwt'), acct.jwt);
    writeFileSync(join(store, 'accounts', 'A', 'users', 'U.jwt'), user.jwt);
    writeFileSync(join(store, 'accounts', 'A', 'U.nk'), user.key.seed);
    writeFileSync(join(store, '.hidden.jwt'), `${op.jwt}==`);
    writeFileSync(join(store, '.nsc'), '{"name":"O","kind":"operator"}');
    // A link named like a token file that leads to a seed file is not followed.
    symlinkSync(join(store, 'accounts', 'A', 'U.nk'), join(store, 'seed-link.jwt'));
    symlinkSync(join(dir, 'nowhere'), join(store, 'dangling.jwt'));
    const tokens = await loadChainFiles([store]);
    assert.deepEqual([...tokens].sort(), [op.jwt, acct.jwt, user.jwt].sort());
  });

  it('ends on a folder holding a symlink loop, reading each folder once', async () => {
    const loop = join(dir, 'loop');
    mkdirSync(join(loop, 'a', 'b'), { recursive: true });
    writeFileSync(join(loop, 'a', 'A.jwt'), acct.jwt);
    symlinkSync(loop, join(loop, 'a', 'b', 'up'));
    symlinkSync(join(loop, 'a'), join(loop, 'a', 'self'));
    symlinkSync(join(loop, 'x'), join(loop, 'y'));
    symlinkSync(join(loop, 'y'), join(loop, 'x'));
    const tokens = await loadChainFiles([loop]);
    assert.deepEqual(tokens, [acct.jwt]);
  });

  it('refuses a malformed token in any file, a bad creds file, a file with no JWT and a missing path, naming them', async () => {
    await assert.rejects(loadChainFiles([at('pad.jwt', `${acct.jwt}==\n`)]), refused('MALFORMED_TOKEN', 'pad.jwt'));
    const folder = join(dir, 'bad-folder');
    mkdirSync(folder);
    writeFileSync(join(folder, 'A.jwt'), acct.jwt);
    writeFileSync(join(folder, 'B.jwt'), `${acct.jwt}.extra`);
    await assert.rejects(loadChainFiles([folder]), refused('MALFORMED_TOKEN', 'B.jwt'));
    await assert.rejects(loadChainFiles([at('acct.creds', formatCreds(user.jwt, user.key.seed).replace(user.jwt, acct.jwt))]), refused('WRONG_CLAIM_TYPE', 'acct.creds'));
    await assert.rejects(loadChainFiles([at('notes.txt', 'no tokens here')]), refused('MALFORMED_TOKEN', 'notes.txt'));
    await assert.rejects(loadChainFiles([join(dir, 'missing.jwt')]), refused('IO_ERROR', 'missing.jwt'));
  });
});

describe('readTrustArgs', () => {
  it('passes keys on, reads files and judges inline tokens whole', async () => {
    const file = at('trust-op.jwt', `${op.jwt}\n`);
    assert.deepEqual(await readTrustArgs([op.id.publicKey, file, op.jwt]), [op.id.publicKey, op.jwt, op.jwt]);
    await assert.rejects(readTrustArgs([`${op.jwt}==`]), refused('MALFORMED_TOKEN'));
    await assert.rejects(readTrustArgs([join(dir, 'nope.jwt')]), refused('USAGE'));
    await assert.rejects(readTrustArgs([at('empty.conf', 'listen: 4222')]), refused('USAGE'));
  });
});
