// Bad nkey input: every refusal carries its stable code, and no error ever shows seed text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KeyPair,
  base32Encode,
  decodePublicKey,
  decodeSeed,
  isPublicKey,
  isSeed,
  publicKeyRole,
  verifySignature,
} from '../../src/nkeys/index.js';
import { crc16 } from '../../src/nkeys/crc16.js';
import { throwsCode } from './assert-code.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const user = KeyPair.fromRawSeed('user', new Uint8Array(32).fill(0x07));
const SEED = user.seed; // SUAAOBYH…
const PUB = user.publicKey; // UDVEU3DD…

/** Replaces the character at `i` with one whose top bit differs: always a real data change. */
function flip(text: string, i: number): string {
  const v = ALPHABET.indexOf(text[i]!);
  return text.slice(0, i) + ALPHABET[v ^ 16] + text.slice(i + 1);
}

/** A well-checksummed nkey text of arbitrary body bytes (for prefix tests). */
function withCrc(body: number[]): string {
  const crc = crc16(Uint8Array.from(body));
  return base32Encode(Uint8Array.from([...body, crc & 0xff, crc >>> 8]));
}

describe('checksum', () => {
  it('a flipped character anywhere in a public key is refused', () => {
    for (let i = 0; i < PUB.length; i++) throwsCode(() => decodePublicKey(flip(PUB, i)), 'NKEY_BAD_CHECKSUM');
  });

  it('a flipped character anywhere in a seed is refused, without echoing the seed', () => {
    for (let i = 0; i < SEED.length; i++) {
      const bad = flip(SEED, i);
      throwsCode(() => decodeSeed(bad), 'NKEY_BAD_CHECKSUM', bad);
      throwsCode(() => KeyPair.fromSeed(bad), 'NKEY_BAD_CHECKSUM', bad);
    }
  });

  it('isPublicKey and isSeed say false instead of throwing', () => {
    assert.equal(isPublicKey(flip(PUB, 10)), false);
    assert.equal(isSeed(flip(SEED, 10)), false);
    assert.equal(isPublicKey(PUB), true);
    assert.equal(isSeed(SEED), true);
    assert.equal(isPublicKey(42), false);
    assert.equal(isSeed(undefined), false);
  });
});

describe('length and characters', () => {
  it('wrong length or truncation is malformed', () => {
    for (const bad of [PUB.slice(0, 55), `${PUB}A`, PUB.slice(0, 20), '', 'U']) throwsCode(() => decodePublicKey(bad), 'NKEY_MALFORMED');
    for (const bad of [SEED.slice(0, 57), `${SEED}A`, SEED.slice(0, 30), '']) {
      throwsCode(() => decodeSeed(bad), 'NKEY_MALFORMED', SEED);
      throwsCode(() => KeyPair.fromSeed(bad), 'NKEY_MALFORMED', SEED);
    }
  });

  it('a seed that is not a string is malformed (a code, not a TypeError)', () => {
    for (const bad of [5, null, undefined, {}, ['S']]) throwsCode(() => KeyPair.fromSeed(bad as unknown as string), 'NKEY_MALFORMED');
  });

  it('a seed truncated to public-key length is refused without echoing it', () => {
    const cut = SEED.slice(0, 56);
    throwsCode(() => decodePublicKey(cut), 'NKEY_BAD_CHECKSUM', SEED);
    throwsCode(() => decodeSeed(cut), 'NKEY_MALFORMED', SEED);
  });

  it('lower case is malformed (nkeys are upper-case base32)', () => {
    throwsCode(() => decodePublicKey(PUB.toLowerCase()), 'NKEY_MALFORMED');
    throwsCode(() => decodeSeed(SEED.toLowerCase()), 'NKEY_MALFORMED', SEED);
    throwsCode(() => decodePublicKey(SEED.toLowerCase()), 'NKEY_MALFORMED', SEED);
  });

  it('characters outside the alphabet are malformed', () => {
    for (const c of ['0', '1', '8', '=', ' ', 'é']) {
      throwsCode(() => decodePublicKey(PUB.slice(0, 30) + c + PUB.slice(31)), 'NKEY_MALFORMED');
      throwsCode(() => decodeSeed(SEED.slice(0, 30) + c + SEED.slice(31)), 'NKEY_MALFORMED', SEED);
    }
  });

  it('non-strings are malformed', () => {
    throwsCode(() => decodePublicKey(undefined as unknown as string), 'NKEY_MALFORMED');
    throwsCode(() => decodeSeed(123 as unknown as string), 'NKEY_MALFORMED');
  });
});

describe('prefix', () => {
  const raw = Array.from(decodePublicKey(PUB).raw);

  it('a checksummed public key with an unknown prefix byte is refused', () => {
    for (const prefix of [25 << 3 /* Z, unknown */, 15 << 3 /* P, private */, 18 << 3 /* S, seed */, 1 /* A with stray low bits */]) {
      const text = withCrc([prefix, ...raw]);
      assert.equal(text.length, 56);
      throwsCode(() => decodePublicKey(text), 'NKEY_BAD_PREFIX');
    }
  });

  it('a checksummed seed whose first byte is not S, or that names no role, is refused', () => {
    const seedRaw = Array.from(decodeSeed(SEED).raw);
    const notSeed = withCrc([15 << 3, 20 << 3, ...seedRaw]); // "P…" where "S…" belongs
    throwsCode(() => decodeSeed(notSeed), 'NKEY_BAD_PREFIX', notSeed);
    const unknownRole = 25 << 3;
    const noRole = withCrc([(18 << 3) | (unknownRole >> 5), (unknownRole & 31) << 3, ...seedRaw]);
    assert.equal(noRole.length, 58);
    throwsCode(() => decodeSeed(noRole), 'NKEY_BAD_PREFIX', noRole);
  });
});

describe('seed and public key in the wrong place', () => {
  it('a seed where a public key is expected: NKEY_PUBLIC_EXPECTED, seed not echoed', () => {
    throwsCode(() => decodePublicKey(SEED), 'NKEY_PUBLIC_EXPECTED', SEED);
    throwsCode(() => KeyPair.fromPublic(SEED), 'NKEY_PUBLIC_EXPECTED', SEED);
    throwsCode(() => verifySignature(SEED, new Uint8Array(1), new Uint8Array(64)), 'NKEY_PUBLIC_EXPECTED', SEED);
    assert.equal(isPublicKey(SEED), false);
  });

  it('seeds pasted with whitespace, quotes or in lower case are never echoed', () => {
    for (const bad of [` ${SEED}`, `${SEED}\n`, `"${SEED}"`, SEED.toLowerCase(), ` ${SEED.toLowerCase()}`, SEED.slice(0, 57)]) {
      const e = throwsCode(() => decodePublicKey(bad), decodePublicKeyCode(bad), SEED);
      assert.ok(!e.message.includes(bad.trim().slice(0, 12)));
    }
  });

  it('an encoded private key ("P…") is never echoed either', () => {
    // The nkeys.js curve private-key vector: 56 characters, the length of a public key.
    const priv = 'PBEVILKW5DOTWXGPO6KKZLF7LWB2YAFNC4KC5V4LX77MQ6BKSHZLGV6X';
    throwsCode(() => decodePublicKey(priv), 'NKEY_BAD_PREFIX', priv);
    throwsCode(() => decodeSeed(priv), 'NKEY_SEED_EXPECTED', priv);
  });

  it('a public key where a seed is expected: NKEY_SEED_EXPECTED', () => {
    throwsCode(() => decodeSeed(PUB), 'NKEY_SEED_EXPECTED');
    throwsCode(() => KeyPair.fromSeed(PUB), 'NKEY_SEED_EXPECTED');
    throwsCode(() => user.toPublic().seed, 'NKEY_SEED_EXPECTED');
    assert.equal(isSeed(PUB), false);
  });
});

/** What decodePublicKey must answer for the mangled seeds above. */
function decodePublicKeyCode(text: string): 'NKEY_PUBLIC_EXPECTED' | 'NKEY_MALFORMED' {
  return text.length === 58 && text.startsWith('S') ? 'NKEY_PUBLIC_EXPECTED' : 'NKEY_MALFORMED';
}

describe('roles', () => {
  it('a valid key of a role not allowed here: NKEY_WRONG_ROLE with the role in details', () => {
    const e = throwsCode(() => decodePublicKey(PUB, ['account', 'operator']), 'NKEY_WRONG_ROLE');
    assert.equal(e.details?.role, 'user');
    assert.match(e.message, /account/);
    throwsCode(() => KeyPair.fromPublic(PUB, ['account']), 'NKEY_WRONG_ROLE');
    throwsCode(() => decodeSeed(SEED, ['operator']), 'NKEY_WRONG_ROLE', SEED);
    throwsCode(() => KeyPair.fromSeed(SEED, ['account']), 'NKEY_WRONG_ROLE', SEED);
    assert.equal(isPublicKey(PUB, ['account']), false);
    assert.equal(decodePublicKey(PUB, ['account', 'user']).role, 'user');
  });

  it('curve keys cannot sign or verify', () => {
    const x = KeyPair.create('curve');
    assert.equal(x.canSign, false);
    throwsCode(() => x.sign(new Uint8Array(3)), 'NKEY_CANNOT_SIGN', x.seed);
    throwsCode(() => x.verify(new Uint8Array(3), new Uint8Array(64)), 'NKEY_CANNOT_SIGN', x.seed);
    throwsCode(() => verifySignature(x.publicKey, new Uint8Array(3), new Uint8Array(64)), 'NKEY_CANNOT_SIGN');
  });

  it('a public-only key cannot sign', () => {
    const pub = KeyPair.fromPublic(PUB);
    assert.equal(pub.canSign, false);
    assert.equal(pub.hasSeed, false);
    throwsCode(() => pub.sign(new Uint8Array(3)), 'NKEY_CANNOT_SIGN');
  });
});

describe('a KeyPair never shows its seed by accident', () => {
  it('JSON and inspect output hold the public key only', async () => {
    const { inspect } = await import('node:util');
    assert.ok(!JSON.stringify(user).includes(SEED));
    assert.ok(!inspect(user).includes(SEED));
    assert.ok(inspect(user).includes(PUB));
  });
});

describe('signature shape', () => {
  it('a signature of the wrong length is false, not an exception', () => {
    const data = new TextEncoder().encode('abc');
    const sig = user.sign(data);
    assert.equal(verifySignature(PUB, data, sig), true);
    assert.equal(verifySignature(PUB, data, sig.subarray(0, 63)), false);
    assert.equal(verifySignature(PUB, data, new Uint8Array([...sig, 0])), false);
  });
});

describe('publicKeyRole (the verifier\'s allocation-free check)', () => {
  // decodePublicKey explains what is wrong; publicKeyRole must accept exactly what it accepts.
  const agree = (text: string): void => {
    let expected: string | undefined;
    try {
      expected = decodePublicKey(text).role;
    } catch {
      expected = undefined;
    }
    assert.equal(publicKeyRole(text), expected, `disagree on ${text}`);
  };

  it('agrees with decodePublicKey on every role, every flipped character, and odd prefixes', () => {
    for (const role of ['operator', 'account', 'user', 'server', 'cluster', 'module', 'service', 'curve'] as const) {
      const pub = KeyPair.create(role).publicKey;
      assert.equal(publicKeyRole(pub), role);
      for (let i = 0; i < pub.length; i++) agree(flip(pub, i));
    }
    for (let p = 0; p < 256; p += 3) agree(withCrc([p, ...new Array<number>(32).fill(9)]));
    for (const odd of [SEED, PUB.toLowerCase(), `${PUB.slice(0, -1)}1`, `${PUB.slice(0, -1)}é`, PUB.slice(1), `${PUB}A`, '']) agree(odd);
    assert.equal(publicKeyRole(42), undefined);
  });
});
