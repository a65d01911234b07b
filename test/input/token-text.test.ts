// The one reader of token text: a bare token, an armored block's whole line, a creds file as a
// user credential, every token of a server config; anything not exactly a strict token is
// MALFORMED_TOKEN (never a substring), and hostile text reads in linear time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCreds } from '../../src/claims/nats/index.js';
import { SigchainError, isSigchainError } from '../../src/errors.js';
import { MAX_TOKEN_FILE_SIZE, isTokenShaped, jwtsInText, tokenFromText } from '../../src/input/index.js';
import { memoryResolverConfig } from '../../src/nats/server-config.js';
import { makeAccount, makeOperator, makeSystemAccount, makeUser } from '../trust/helpers.js';

const op = makeOperator();
const sys = makeSystemAccount(op);
const acct = makeAccount(op);
const user = makeUser(acct);
const other = makeUser(acct);

function refused(c: string, ...mustInclude: string[]) {
  return (e: unknown) => e instanceof SigchainError && e.code === c && mustInclude.every((s) => e.message.includes(s)) && !e.message.includes(user.key.seed.slice(2, 20));
}

function decorated(kind: string, token: string): string {
  return `-----BEGIN NATS ${kind} JWT-----\n${token}\n------END NATS ${kind} JWT------\n`;
}

/** The attacks of issue 8: each is a genuine token with something around or inside it. */
function variants(t: string): Record<string, string> {
  return {
    'fourth segment': `${t}.extra`,
    'empty fourth segment': `${t}.`,
    padding: `${t}==`,
    'one pad': `${t}=`,
    plus: `${t.slice(0, 30)}+${t.slice(31)}`,
    slash: `${t.slice(0, 30)}/${t.slice(31)}`,
    'leading part': `x.${t}`,
    'two parts': t.slice(0, t.lastIndexOf('.')),
    'inner space': `${t.slice(0, 30)} ${t.slice(30)}`,
    'empty payload': `${t.slice(0, t.indexOf('.'))}..${t.slice(t.lastIndexOf('.') + 1)}`,
  };
}

describe('isTokenShaped', () => {
  it('is exactly three non-empty base64url parts', () => {
    assert.equal(isTokenShaped(user.jwt), true);
    assert.equal(isTokenShaped('a.b.c'), true);
    for (const [name, bad] of Object.entries(variants(user.jwt))) assert.equal(isTokenShaped(bad), false, name);
    assert.equal(isTokenShaped(''), false);
    assert.equal(isTokenShaped(42 as never), false);
  });
});

describe('tokenFromText', () => {
  it('reads a bare token (trimmed), a decorated JWT and the user JWT of a creds file', () => {
    assert.equal(tokenFromText(`  ${user.jwt}\r\n`), user.jwt);
    // Only ASCII whitespace is set aside: a byte-order mark or a no-break space is refused, as every
    // store reader refuses it (test/workspace/reader-agreement.test.ts).
    assert.throws(() => tokenFromText(`\ufeff${user.jwt}\n`), (e) => isSigchainError(e, 'MALFORMED_TOKEN') && /byte-order mark/.test(e.message));
    assert.throws(() => tokenFromText(`${user.jwt}\u00a0`), (e) => isSigchainError(e, 'MALFORMED_TOKEN') && /only base64url/.test(e.message));
    assert.equal(tokenFromText(decorated('ACCOUNT', acct.jwt)), acct.jwt);
    assert.equal(tokenFromText(decorated('ACCOUNT', acct.jwt).replace(/\n/g, '\r\n')), acct.jwt);
    assert.equal(tokenFromText(formatCreds(user.jwt, user.key.seed)), user.jwt);
  });

  it('refuses every attack variant as MALFORMED_TOKEN: bare, in an armored block and in a creds file', () => {
    for (const [name, bad] of Object.entries(variants(user.jwt))) {
      assert.throws(() => tokenFromText(bad, 'pasted'), refused('MALFORMED_TOKEN', 'pasted'), `bare: ${name}`);
      assert.throws(() => tokenFromText(decorated('USER', bad), 'u.jwt'), refused('MALFORMED_TOKEN', 'u.jwt'), `armored: ${name}`);
      assert.throws(() => tokenFromText(formatCreds(user.jwt, user.key.seed).replace(user.jwt, bad), 'u.creds'), refused('MALFORMED_TOKEN', 'u.creds'), `creds: ${name}`);
    }
    assert.throws(() => tokenFromText(decorated('USER', `${user.jwt} x`)), refused('MALFORMED_TOKEN'));
  });

  it('refuses empty text, empty or multi-line blocks, unclosed armor, several tokens, and a seed (without echoing it)', () => {
    assert.throws(() => tokenFromText(''), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText(' \n\t '), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText('-----BEGIN NATS USER JWT-----\n\n------END NATS USER JWT------\n'), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText(`-----BEGIN NATS USER JWT-----\n${user.jwt}\n${user.jwt}\n------END NATS USER JWT------\n`), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText(`-----BEGIN NATS USER JWT-----\n${user.jwt}\n`), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText(decorated('ACCOUNT', acct.jwt) + decorated('OPERATOR', op.jwt)), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText(`${op.jwt}\n${user.jwt}`), refused('MALFORMED_TOKEN'));
    assert.throws(() => tokenFromText(user.key.seed), refused('MALFORMED_TOKEN', 'seed'));
  });

  it('checks a creds file as a user credential: WRONG_CLAIM_TYPE, CREDS_KEY_MISMATCH, two JWT blocks', () => {
    const creds = formatCreds(user.jwt, user.key.seed);
    assert.throws(() => tokenFromText(creds.replace(user.jwt, acct.jwt), 'a.creds'), refused('WRONG_CLAIM_TYPE', 'a.creds'));
    assert.throws(() => tokenFromText(creds.replace(user.jwt, op.jwt), 'o.creds'), refused('WRONG_CLAIM_TYPE', 'o.creds'));
    assert.throws(() => tokenFromText(creds.replace(user.key.seed, other.key.seed), 'm.creds'), refused('CREDS_KEY_MISMATCH', 'm.creds'));
    assert.throws(() => tokenFromText(decorated('USER', user.jwt) + creds), refused('MALFORMED_CREDS'));
    // A decorated JWT with a bare seed line beside it is a credential too.
    assert.throws(() => tokenFromText(`${decorated('ACCOUNT', acct.jwt)}\n${user.key.seed}\n`), refused('WRONG_CLAIM_TYPE'));
  });

  it('returns the whole text or refuses it, for the minimal shapes the fuzzer took substrings of', () => {
    for (const t of ['eyJ.e.Z.', 'eyJ.e.u=', 'eyJ.e.u/', 'eyJ.e.W+', '.eyJ.0.u', '6eyJ.A.A', 'eyJ.e.u']) {
      for (const text of [t, formatCreds(user.jwt, user.key.seed).replace(user.jwt, t)]) {
        let got: string | undefined;
        try {
          got = tokenFromText(text);
        } catch (e) {
          assert.ok(e instanceof SigchainError && e.code === 'MALFORMED_TOKEN', `${t}: ${String(e)}`);
        }
        if (got !== undefined) assert.equal(got, t, 'never a substring');
      }
    }
  });

  it('refuses text over its bound at once (TOKEN_TOO_LARGE)', () => {
    assert.throws(() => tokenFromText('a'.repeat(MAX_TOKEN_FILE_SIZE + 1)), refused('TOKEN_TOO_LARGE'));
    assert.throws(() => tokenFromText(`eyJ${'a'.repeat(1024 * 1024)}.b.c`), refused('TOKEN_TOO_LARGE'));
  });
});

describe('jwtsInText', () => {
  it('reads every token of a server config, in order, and of decorated, creds and bare texts', () => {
    const conf = memoryResolverConfig({ operatorJwt: op.jwt, accountJwts: [sys.jwt, acct.jwt] });
    const found = jwtsInText(conf, 'server.conf');
    assert.equal(found[0], op.jwt);
    assert.deepEqual([...found.slice(1)].sort(), [sys.jwt, acct.jwt].sort());
    assert.deepEqual(jwtsInText(`${op.jwt}\n${user.jwt}`), [op.jwt, user.jwt]);
    assert.deepEqual(jwtsInText(decorated('ACCOUNT', acct.jwt) + decorated('OPERATOR', op.jwt)), [acct.jwt, op.jwt]);
    assert.deepEqual(jwtsInText(formatCreds(user.jwt, user.key.seed)), [user.jwt]);
    // Quoted values, KEY:value and KEY=value without spaces, JSON.
    assert.deepEqual(jwtsInText(`operator: "${op.jwt}"\nresolver_preload {${acct.id.publicKey}:${acct.jwt}, X=${sys.jwt}}`), [op.jwt, acct.jwt, sys.jwt]);
    assert.deepEqual(jwtsInText(JSON.stringify({ jwt: acct.jwt, list: [op.jwt] })), [acct.jwt, op.jwt]);
    assert.deepEqual(jwtsInText('no tokens here: listen 0.0.0.0:4222, host a.b.c'), []);
    assert.deepEqual(jwtsInText(''), []);
  });

  it('skips comment lines and never reads a seed as a token', () => {
    assert.deepEqual(jwtsInText(`# old: ${op.jwt}==\n// ${op.jwt}.x\noperator: ${op.jwt}\n${user.key.seed}\n`), [op.jwt]);
  });

  it('refuses a config in which any JWT-like word is not exactly a token, naming the file and line', () => {
    const conf = memoryResolverConfig({ operatorJwt: op.jwt, accountJwts: [sys.jwt, acct.jwt] });
    for (const [name, bad] of Object.entries(variants(acct.jwt))) {
      if (name === 'leading part' || name === 'inner space') continue; // no longer a word that begins like a JWT
      const text = conf.replace(acct.jwt, bad);
      const line = text.slice(0, text.indexOf(bad)).split('\n').length;
      assert.throws(() => jwtsInText(text, 'server.conf'), refused('MALFORMED_TOKEN', 'server.conf', `line ${line}`), name);
    }
    assert.throws(() => jwtsInText(`operator: ${op.jwt}:extra`), refused('MALFORMED_TOKEN'));
    // A JWT inside a longer word is refused, never cut out of it (found by the million-input run).
    for (const word of [`.${acct.jwt}`, `x+${acct.jwt}`, `/${acct.jwt}`, `a.b=${acct.jwt}`]) {
      assert.throws(() => jwtsInText(`${word} ${acct.jwt}`, 'chain.jwt'), refused('MALFORMED_TOKEN', 'chain.jwt'), word.slice(0, 4));
    }
    // KEY=token and KEY:token are config assignments, read as the token.
    assert.deepEqual(jwtsInText(`A=${acct.jwt}\nB:${sys.jwt}`), [acct.jwt, sys.jwt]);
  });

  it('reads hostile text in linear time: dashes, spaces then ---x, MBs of eyJ, tabs and newlines', () => {
    const inputs = [
      '-'.repeat(600),
      `${' '.repeat(100_000)}---x`,
      'eyJ'.repeat(1_000_000),
      `${'eyJ'.repeat(300_000)}.`.repeat(3),
      'eyJ.'.repeat(1_000_000),
      '\t'.repeat(3_000_000),
      '\n'.repeat(3_000_000),
      `${'-----BEGIN X-----\n'.repeat(200_000)}`,
      'a:'.repeat(1_000_000),
    ];
    for (const text of inputs) {
      for (const read of [tokenFromText, jwtsInText]) {
        const t0 = performance.now();
        try {
          read(text);
        } catch (e) {
          assert.ok(e instanceof SigchainError, String(e));
        }
        assert.ok(performance.now() - t0 < 2000, `${read.name} on ${JSON.stringify(text.slice(0, 12))}… took ${performance.now() - t0} ms`);
      }
    }
  });
});
