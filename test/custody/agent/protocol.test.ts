// The ssh-agent wire format: framing (with the 256 KiB limit read from the header alone), key and
// signature blobs, and requests read back as written.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { decodePublicKey, decodeSeed } from '../../../src/nkeys/codec.js';
import {
  FrameReader,
  MAX_MESSAGE,
  MSG,
  ProtocolError,
  decodeIdentities,
  decodeRequest,
  decodeSignResponse,
  ed25519Blob,
  ed25519KeyOfBlob,
  encodeAddRequest,
  encodeIdentities,
  encodeLockRequest,
  encodeSignRequest,
  encodeSignResponse,
} from '../../../src/custody/agent/protocol.js';

const header = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('ssh-agent protocol', () => {
  it('frames split across chunks and several per chunk come out whole', () => {
    const a = encodeSignRequest(new Uint8Array(32).fill(1), Buffer.from('hello'));
    const b = encodeLockRequest(true, 'pw');
    const all = Buffer.concat([a, b, a]);
    const r = new FrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < all.length; i += 3) got.push(...r.push(all.subarray(i, i + 3)).messages);
    assert.equal(got.length, 3);
    assert.deepEqual(got[0], a.subarray(4));
    assert.deepEqual(got[1], b.subarray(4));
    assert.equal(r.buffered, 0);
  });

  it('a length over 256 KiB (or 0) is refused from the header alone, before any body byte', () => {
    const r = new FrameReader();
    const res = r.push(header(MAX_MESSAGE + 1));
    assert.deepEqual(res.refused, { length: MAX_MESSAGE + 1 });
    assert.equal(r.buffered, 0, 'nothing of it is kept');
    assert.ok(r.push(Buffer.alloc(1000)).refused, 'and the reader stays refused');
    assert.ok(new FrameReader().push(header(0)).refused);
    // Exactly the limit is fine.
    const ok = new FrameReader().push(header(MAX_MESSAGE));
    assert.equal(ok.refused, undefined);
  });

  it('key and signature blobs are ssh-ed25519', () => {
    const kp = KeyPair.create('account');
    const raw = decodePublicKey(kp.publicKey).raw;
    const blob = ed25519Blob(raw);
    assert.deepEqual(ed25519KeyOfBlob(blob), Buffer.from(raw));
    assert.equal(ed25519KeyOfBlob(Buffer.concat([blob, Buffer.of(0)])), undefined, 'trailing bytes');
    const sig = kp.sign(Buffer.from('x'));
    assert.deepEqual(decodeSignResponse(encodeSignResponse(sig).subarray(4)), Buffer.from(sig));
    assert.throws(() => decodeSignResponse(Buffer.of(MSG.SIGN_RESPONSE, 0, 0, 0, 9)), ProtocolError);
  });

  it('an add request reads back: key, comment, lifetime and the only@sigchain.dev constraint', () => {
    const kp = KeyPair.create('user');
    const raw = decodePublicKey(kp.publicKey).raw;
    const seed = decodeSeed(kp.seed).raw;
    const m = encodeAddRequest(raw, seed, 'sigchain:X', { lifetime: 60, only: ['nonce-claim', 'user-jwt'] });
    const req = decodeRequest(m.subarray(4));
    assert.equal(req.type, 'add');
    if (req.type !== 'add') return;
    assert.deepEqual(req.publicKey, Buffer.from(raw));
    assert.deepEqual(req.seed, Buffer.from(seed));
    assert.equal(req.comment, 'sigchain:X');
    assert.deepEqual(req.constraints, { lifetime: 60, only: ['nonce-claim', 'user-jwt'] });
    // The private half (seed || public) must end with the public key given before it.
    const bad = Buffer.from(encodeAddRequest(raw, seed, 'c').subarray(4));
    const at = 1 + 4 + 11 + 4 + 32 + 4 + 32 + 5;
    bad[at] = bad[at]! ^ 1;
    assert.throws(() => decodeRequest(bad), ProtocolError);
  });

  it('an identities answer reads back, keys of other types kept without an Ed25519 key', () => {
    const kp = KeyPair.create('user');
    const raw = decodePublicKey(kp.publicKey).raw;
    const ids = decodeIdentities(encodeIdentities([{ publicKey: raw, comment: 'c1' }]).subarray(4));
    assert.equal(ids.length, 1);
    assert.deepEqual(ids[0]!.ed25519, Buffer.from(raw));
    assert.equal(ids[0]!.comment, 'c1');
    assert.throws(() => decodeIdentities(Buffer.of(MSG.IDENTITIES_ANSWER, 0, 0, 0, 2)), ProtocolError, 'count larger than what follows');
  });
});
