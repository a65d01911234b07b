// The official nkeys vectors: nkeys.js test suites and a Go table (nkeys.FromRawSeed(prefix, 32×fill)).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KeyPair,
  type Role,
  base32Decode,
  decodePublicKey,
  decodeSeed,
  encodePublicKey,
  encodeSeed,
  verifySignature,
} from '../../src/nkeys/index.js';
import { crc16 } from '../../src/nkeys/crc16.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Splits an encoded private key ("P…") into its payload after checking prefix and CRC. */
function decodePrivate(text: string): Uint8Array {
  const raw = base32Decode(text);
  assert.ok(raw, 'private key vector must be base32');
  const body = raw.subarray(0, raw.length - 2);
  assert.equal(crc16(body), raw[raw.length - 2]! | (raw[raw.length - 1]! << 8), 'private key vector CRC');
  assert.equal(body[0], 15 << 3, 'private key prefix byte is P (0x78)');
  return body.subarray(1);
}

describe('nkeys.js integration vector (account)', () => {
  const seed = 'SAAFYOZ5U4UBAJMHPITLSKDWAFBJNWH53K7LPZDQKOC5TXAGBIP4DY4WCA';
  const pub = 'AAASUT7FDZDS6UCTBE7JQS2G6KUZBJC5YW7VFVK45JLUK3UDVA6NXJWD';
  const priv = 'PBODWPNHFAICLB32E24SQ5QBIKLNR7O2X236I4CTQXM5YBQKD7A6GAJKJ7SR4RZPKBJQSPUYJNDPFKMQURO4LP2S2VOOUV2FN2B2QPG3AHUA';

  it('derives the public key from the seed', () => {
    const kp = KeyPair.fromSeed(seed);
    assert.equal(kp.role, 'account');
    assert.equal(kp.publicKey, pub);
    assert.equal(kp.seed, seed);
  });

  it('matches the private key vector (seed32 || pub32)', () => {
    const payload = decodePrivate(priv);
    assert.equal(payload.length, 64);
    assert.deepEqual(payload.subarray(0, 32), decodeSeed(seed).raw);
    assert.deepEqual(payload.subarray(32), decodePublicKey(pub).raw);
  });

  it('signs the nonce to the published signature, and it verifies', () => {
    const nonce = ascii('uPMbFqF4nSX75B0Nlk9uug==');
    const expected = 'y9t/0VxLZET6fYlSL7whq52TSv8tP7FBXZdqbQhfdpKCa3pveV7889zqkpiQcv8ivwtACQwumPe6EgrxFc7yDw==';
    const sig = KeyPair.fromSeed(seed).sign(nonce);
    assert.equal(Buffer.from(sig).toString('base64'), expected);
    assert.equal(verifySignature(pub, nonce, Buffer.from(expected, 'base64')), true);
    assert.equal(KeyPair.fromPublic(pub).verify(ascii('uPMbFqF4nSX75B0Nlk9uug=!'), sig), false);
  });
});

describe('nkeys.js deterministic user vector', () => {
  const raw = ascii('albertoralbertoralbertoralbertor');
  const seed = 'SUAGC3DCMVZHI33SMFWGEZLSORXXEYLMMJSXE5DPOJQWYYTFOJ2G64VAPY';
  const pub = 'UAHJLSMYZDJCBHQ2SARL37IEALR3TI7VVPZ2MJ7F4SZKNOG7HJJIYW5T';
  const priv = 'PBQWYYTFOJ2G64TBNRRGK4TUN5ZGC3DCMVZHI33SMFWGEZLSORXXEDUVZGMMRURATYNJAIV57UCAFY5ZUP22X45GE7S6JMVGXDPTUUUMRKXA';

  it('encodes the raw seed', () => {
    assert.equal(encodeSeed('user', raw), seed);
    assert.deepEqual(decodeSeed(seed), { role: 'user', raw: Uint8Array.from(raw) });
  });

  it('derives the public and private key', () => {
    const kp = KeyPair.fromRawSeed('user', raw);
    assert.equal(kp.publicKey, pub);
    const payload = decodePrivate(priv);
    assert.deepEqual(payload.subarray(0, 32), raw);
    assert.equal(encodePublicKey('user', payload.subarray(32)), pub);
  });
});

describe('nkeys.js curve vectors', () => {
  it('derives the X25519 public key', () => {
    const kp = KeyPair.fromSeed('SXABQYG6TLQOAZSOGFIAPFJ6B5ZPUXKK5USV4UGXTULPGLSNTSZWJPTLEI');
    assert.equal(kp.role, 'curve');
    assert.equal(kp.publicKey, 'XBJKZV6QJMJAN3H3KFL2NFVJEQ4WW22423DKRNYF4OIB6LWHUC4COBP6');
  });

  it('matches the curve private key vector (the scalar itself)', () => {
    const { role, raw } = decodeSeed('SXAESVBNK3UN2O24Z53ZJLFMX5OYHLAAVULRILWXRO775SDYFKI7FM3J7Y');
    assert.equal(role, 'curve');
    assert.deepEqual(decodePrivate('PBEVILKW5DOTWXGPO6KKZLF7LWB2YAFNC4KC5V4LX77MQ6BKSHZLGV6X'), raw);
  });
});

describe('Go deterministic table (nkeys.FromRawSeed(prefix, 32 x fill))', () => {
  const table: Array<[Role, number, string, string]> = [
    ['operator', 0x01, 'SOAACAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIATA', 'OCFIRY65OQE7DFP5KLNS2PF2LVZMUZYJX4OZIEQ36N2IQANUB5XVYOCS'],
    ['operator', 0x02, 'SOAAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAWBT4', 'OCATS5YOVB6ROX2WUNKGNQ2MP3GMXDMKSG2O4N5CLX3A6W4PZGZZI5WX'],
    ['account', 0x03, 'SAAAGAYDAMBQGAYDAMBQGAYDAMBQGAYDAMBQGAYDAMBQGAYDAMBQGAZS54', 'ADWUSKGGFDI4FRXK5EBTRECZSVQSSWJHHJOGH6JWG3AUMFFMQ435D6HD'],
    ['account', 0x04, 'SAAAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAP4I', 'ADFJHLAXAUMHA4OWPOB4P7YO72AQR2HMIUYFOXLXE2DZGM633K7HZVXK'],
    ['account', 0x05, 'SAAAKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBNQ4A', 'ABXHUHG5FGYLPD6RHL2MKWMP572O6KUXCZXDZJXS4T57ZTMAKBN7DAQI'],
    ['account', 0x06, 'SAAAMBQGAYDAMBQGAYDAMBQGAYDAMBQGAYDAMBQGAYDAMBQGAYDAMBTR44', 'ACFIOX77D2ZYIUKXPLGVV7XEAVCWK2G5PSE6BEEGHICVPPD26SPRPZSE'],
    ['user', 0x07, 'SUAAOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBYHA4DQOBZ5FE', 'UDVEU3DD4KOFECV66VIHWEZOYX4ZKR3WV27L464SIIPOU2IUI3JCYSJF'],
    ['user', 0x08, 'SUAAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCHYGE', 'UAJZR5RMNUNEK7CRXJVEWXZ5XUXWT7FJGILCDDOITF7EC26RPWJ4VH26'],
  ];

  for (const [role, fill, seed, pub] of table) {
    it(`${role} 32x0x${fill.toString(16).padStart(2, '0')}`, () => {
      const raw = new Uint8Array(32).fill(fill);
      assert.equal(encodeSeed(role, raw), seed);
      const kp = KeyPair.fromRawSeed(role, raw);
      assert.equal(kp.seed, seed);
      assert.equal(kp.publicKey, pub);
      assert.equal(KeyPair.fromSeed(seed).publicKey, pub);
      assert.deepEqual(decodeSeed(seed, [role]), { role, raw });
      assert.equal(decodePublicKey(pub, [role]).role, role);
    });
  }

  it('U/0x07 signs "abc" to the Go signature', () => {
    const expected = '5T_01aw_EfyMRnr3e50pElNjK8R4r1GAGwtsN1h8SSjPPss39R4PAkgbe-bUlOyVVYeyOnFsuQmB7Ba2MCMMBw';
    const kp = KeyPair.fromRawSeed('user', new Uint8Array(32).fill(0x07));
    assert.equal(Buffer.from(kp.sign(ascii('abc'))).toString('base64url'), expected);
    assert.equal(verifySignature(kp.publicKey, ascii('abc'), Buffer.from(expected, 'base64url')), true);
    assert.equal(verifySignature(kp.publicKey, ascii('abd'), Buffer.from(expected, 'base64url')), false);
  });
});

describe('CRC-16/XMODEM check values (nkeys.js crc16_test)', () => {
  const cases: Array<[string, Uint8Array, number]> = [
    ['"123456789"', ascii('123456789'), 0x31c3],
    ['"abc"', ascii('abc'), 0x9dd6],
    ['"ABC"', ascii('ABC'), 0x3994],
    ['[0x7F]', Uint8Array.of(0x7f), 0x8f78],
    ['[0x80]', Uint8Array.of(0x80), 0x9188],
    ['[0xFF]', Uint8Array.of(0xff), 0x1ef0],
    ['"ALBERTO"', ascii('ALBERTO'), 51378],
    ['""', new Uint8Array(0), 0],
  ];
  for (const [name, data, want] of cases) {
    it(`${name} -> 0x${want.toString(16)}`, () => assert.equal(crc16(data), want));
  }
});
