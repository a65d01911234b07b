// Strict decoding: what Go (and so nats-server) refuses, sigchain refuses, each with its code.
import { clearCaches } from '../../src/bounded-map.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { b64urlDecodeUtf8 } from '../../src/jwt/base64url.js';
import { MAX_TOKEN_SIZE, b64urlDecode, b64urlEncode, decodeJwt, signJwt, verifyJwt } from '../../src/jwt/index.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { throwsCode } from '../nkeys/assert-code.js';
import { GO_USER_TOKEN } from './go-reference.js';

const [H, P, S] = GO_USER_TOKEN.split('.') as [string, string, string];
const account = KeyPair.create('account');
const user = KeyPair.create('user');

/** A token with any header and claims, signed over `header.payload` by `signer`. */
function craft(header: object | string, claims: object | string, signer: KeyPair = account): string {
  const h = b64urlEncode(typeof header === 'string' ? header : JSON.stringify(header));
  const p = b64urlEncode(typeof claims === 'string' ? claims : JSON.stringify(claims));
  return `${h}.${p}.${b64urlEncode(signer.sign(Buffer.from(`${h}.${p}`, 'ascii')))}`;
}

const HEADER = { typ: 'JWT', alg: 'ed25519-nkey' };
const claimsBy = (kp: KeyPair) => ({ jti: 'x', iat: 1, iss: kp.publicKey, sub: user.publicKey, nats: { type: 'user', version: 2 } });

describe('base64url strictness', () => {
  it('the reference token parts decode', () => {
    assert.ok(b64urlDecode(H) && b64urlDecode(P));
    assert.equal(b64urlDecode(S)?.length, 64);
  });

  it('refuses = padding in any part', () => {
    throwsCode(() => decodeJwt(`${H}=.${P}.${S}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(`${H}.${P}=.${S}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(`${H}.${P}.${S}==`), 'MALFORMED_TOKEN');
  });

  it('refuses the standard alphabet (+ and /)', () => {
    assert.ok(S.includes('-') && S.includes('_'), 'fixture has both URL-only characters');
    throwsCode(() => decodeJwt(`${H}.${P}.${S.replaceAll('-', '+')}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(`${H}.${P}.${S.replaceAll('_', '/')}`), 'MALFORMED_TOKEN');
  });

  it('refuses stray characters inside a part', () => {
    // 'ř' (U+0159) and 'Ł' (U+0141) have the low byte of 'Y' and 'A': a decoder reading bytes would take them.
    for (const c of [' ', '\n', '!', '.', '%', 'é', 'ř', 'Ł', '=', '\u0000']) {
      const p = P.slice(0, 20) + c + P.slice(20);
      throwsCode(() => decodeJwt(`${H}.${p}.${S}`), 'MALFORMED_TOKEN');
    }
  });

  it('refuses non-canonical trailing bits (same bytes, different text)', () => {
    // 64 bytes → 86 chars: the last char carries 2 data bits and 4 bits that must be zero.
    const last = S[S.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) | 1]!;
    const bad = S.slice(0, -1) + sibling;
    assert.deepEqual(Buffer.from(bad, 'base64url'), Buffer.from(S, 'base64url'), 'Node alone would accept it');
    throwsCode(() => decodeJwt(`${H}.${P}.${bad}`), 'MALFORMED_TOKEN');
    assert.deepEqual(b64urlDecode('QQ'), Buffer.from('A'));
    assert.equal(b64urlDecode('QR'), undefined);
    assert.deepEqual(b64urlDecode('QUI'), Buffer.from('AB'));
    assert.equal(b64urlDecode('QUJ'), undefined);
    assert.equal(b64urlDecode('Q'), undefined, 'a length base64 cannot produce');
  });
});

describe('base64url against a reference decoder', () => {
  // The obvious strict decoder: the URL alphabet only, then the same length and trailing-bit rules.
  const reference = (text: string): Buffer | undefined => {
    if (text.length % 4 === 1 || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
    const out = Buffer.from(text, 'base64url');
    return b64urlEncode(out) === text ? out : undefined;
  };

  it('agrees on 20,000 random texts over a hostile character set', () => {
    const chars = 'AQYgw09-_+/= .\nřŁé\u0000\u00ff';
    let seed = 7;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % k;
    };
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let t = '';
      const len = rand(12);
      // Mostly valid characters, so both accepted and refused texts are common.
      for (let k = 0; k < len; k++) t += rand(4) ? chars[rand(7)] : chars[rand(chars.length)];
      const ours = b64urlDecode(t);
      const ref = reference(t);
      assert.deepEqual(ours, ref, `disagree on ${JSON.stringify(t)}`);
      assert.equal(b64urlDecodeUtf8(t), ref?.toString('utf8'), `the text decoder disagrees on ${JSON.stringify(t)}`);
      if (ref) accepted++;
    }
    assert.ok(accepted > 1000 && accepted < 19_000, `a useful mix (${accepted} accepted)`);
  });
});

describe('shape', () => {
  it('refuses 2 or 4 parts, and empty text', () => {
    throwsCode(() => decodeJwt(`${H}.${P}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(`${H}.${P}.${S}.${S}`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(`${H}.${P}.`), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(''), 'MALFORMED_TOKEN');
    throwsCode(() => decodeJwt(undefined as unknown as string), 'MALFORMED_TOKEN');
  });

  it('refuses a payload or header that is not a JSON object', () => {
    throwsCode(() => verifyJwt(craft(HEADER, 'not json')), 'MALFORMED_TOKEN');
    throwsCode(() => verifyJwt(craft(HEADER, '[1,2]')), 'MALFORMED_TOKEN');
    throwsCode(() => verifyJwt(craft(HEADER, 'null')), 'MALFORMED_TOKEN');
    throwsCode(() => verifyJwt(craft('{"typ":"JWT",', claimsBy(account))), 'MALFORMED_TOKEN');
  });

  it('refuses a signature that is not 64 bytes', () => {
    const tok = craft(HEADER, claimsBy(account));
    const [h, p, s] = tok.split('.') as [string, string, string];
    throwsCode(() => decodeJwt(`${h}.${p}.${b64urlEncode(Buffer.from(s, 'base64url').subarray(0, 63))}`), 'MALFORMED_TOKEN');
  });

  it('refuses a header type other than JWT (any case is JWT)', () => {
    throwsCode(() => verifyJwt(craft({ typ: 'JWS', alg: 'ed25519-nkey' }, claimsBy(account))), 'MALFORMED_TOKEN');
    assert.equal(verifyJwt(craft({ typ: 'jwt', alg: 'ed25519-nkey' }, claimsBy(account))).claims.iss, account.publicKey);
  });
});

describe('algorithm', () => {
  for (const alg of ['HS256', 'none', 'ed25519', 'Ed25519', 'ED25519-NKEY', undefined]) {
    it(`refuses alg ${JSON.stringify(alg)} with UNSUPPORTED_ALGORITHM`, () => {
      throwsCode(() => verifyJwt(craft({ typ: 'JWT', alg }, claimsBy(account))), 'UNSUPPORTED_ALGORITHM');
    });
  }
});

describe('signature and issuer', () => {
  it('a freshly signed token verifies', () => {
    const tok = signJwt(claimsBy(account), account);
    assert.equal(verifyJwt(tok).claims.iss, account.publicKey);
  });

  it('a tampered payload is BAD_SIGNATURE', () => {
    const tampered = JSON.parse(Buffer.from(P, 'base64url').toString()) as { name: string };
    tampered.name = 'V';
    clearCaches();
    const e = throwsCode(() => verifyJwt(`${H}.${b64urlEncode(JSON.stringify(tampered))}.${S}`), 'BAD_SIGNATURE');
    assert.equal(e.details?.iss, 'ABXHUHG5FGYLPD6RHL2MKWMP572O6KUXCZXDZJXS4T57ZTMAKBN7DAQI');
  });

  it('a flipped signature bit is BAD_SIGNATURE', () => {
    const sig = Buffer.from(S, 'base64url');
    sig[10]! ^= 4;
    throwsCode(() => verifyJwt(`${H}.${P}.${b64urlEncode(sig)}`), 'BAD_SIGNATURE');
  });

  it('a token signed by another key than iss is BAD_SIGNATURE', () => {
    throwsCode(() => verifyJwt(craft(HEADER, claimsBy(account), KeyPair.create('account'))), 'BAD_SIGNATURE');
  });

  it('a bad iss is MALFORMED_TOKEN: missing, not a string, not an nkey, a curve key', () => {
    const bad: unknown[] = [undefined, 42, '', 'not-a-key', account.publicKey.toLowerCase(), account.publicKey.slice(0, 55), KeyPair.create('curve').publicKey];
    for (const iss of bad) {
      throwsCode(() => verifyJwt(craft(HEADER, { ...claimsBy(account), iss })), 'MALFORMED_TOKEN');
    }
  });

  it('a seed as iss is refused without echoing the seed', () => {
    throwsCode(() => verifyJwt(craft(HEADER, { ...claimsBy(account), iss: account.seed })), 'MALFORMED_TOKEN', account.seed);
  });
});

describe('size', () => {
  it('refuses tokens over 1 MiB before parsing, accepts one just under', () => {
    assert.equal(MAX_TOKEN_SIZE, 1024 * 1024);
    const pad = (n: number) => ({ ...claimsBy(account), name: 'x'.repeat(n) });
    const base = signJwt(pad(0), account).length;
    // base64 grows 4/3: pick name lengths that land just under and just over the limit.
    const under = signJwt(pad(Math.floor(((MAX_TOKEN_SIZE - base) * 3) / 4) - 3), account);
    const over = signJwt(pad(Math.floor(((MAX_TOKEN_SIZE - base) * 3) / 4) + 3), account);
    assert.ok(under.length <= MAX_TOKEN_SIZE && over.length > MAX_TOKEN_SIZE, `${under.length} / ${over.length}`);
    assert.equal(verifyJwt(under).claims.iss, account.publicKey);
    throwsCode(() => verifyJwt(over), 'TOKEN_TOO_LARGE');
    throwsCode(() => decodeJwt(`${'A'.repeat(MAX_TOKEN_SIZE)}.${P}.${S}`), 'TOKEN_TOO_LARGE');
  });
});
