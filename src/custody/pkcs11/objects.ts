/**
 * The objects sigchain keeps in a PKCS#11 token: Ed25519 key pairs made inside it, and one small
 * usage record per key. Every function here runs inside the connection's `exclusive` queue (a
 * session does one find or sign at a time), which the callers in keyring.ts arrange.
 *
 * A key pair sigchain generates has CKA_LABEL = its public nkey (so `object=<nkey>` names it), a
 * random 16-byte CKA_ID shared by its two halves, and every attribute that decides what it may do
 * set explicitly: the private half is token-resident, private, sensitive, never extractable, signs
 * and does nothing else (no decrypt, unwrap, derive, sign-recover).
 *
 * The usage record: a token cannot hold sigchain's usages, so each key gets a CKO_DATA object
 * beside it (CKA_APPLICATION "sigchain", CKA_LABEL = the nkey, CKA_VALUE = JSON
 * `{"v":1,"publicKey","role","usages"}`), private (read only after login) and not modifiable,
 * made in the same session right after the key. Whoever holds the PIN can sign anything with the
 * key through other tools anyway, so the record is guarded by the PIN just as the key is. Two
 * records that disagree give the key the usages both hold (never more).
 */
import { randomBytes } from 'node:crypto';
import { SigchainError } from '../../errors.js';
import { type KeyUsage, isKeyUsage, normalizeUsages } from '../../keys/usage.js';
import { decodePublicKey, encodePublicKey } from '../../nkeys/codec.js';
import { type Role, roleCanSign } from '../../nkeys/roles.js';
import { type Attr, CK, type Handle, type Pkcs11Connection, ckr, p11Error } from './module.js';
import type { Pkcs11Uri } from './uri.js';

/** DER of the Ed25519 OID 1.3.101.112, the CKA_EC_PARAMS SoftHSM2 and most HSMs take. */
export const ED25519_OID_PARAMS = Buffer.from('06032b6570', 'hex');
/** DER PrintableString "edwards25519", the form PKCS#11 3.0 names first. */
export const ED25519_NAME_PARAMS = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519', 'latin1')]);
const ED25519_UTF8_PARAMS = Buffer.concat([Buffer.from([0x0c, 12]), Buffer.from('edwards25519', 'latin1')]);
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const RECORD_APP = 'sigchain';
const EMPTY = Buffer.alloc(1).subarray(0, 0);

/** True when CKA_EC_PARAMS names Ed25519 (as the OID or the curve name). */
export function isEd25519Params(params: Buffer): boolean {
  return params.equals(ED25519_OID_PARAMS) || params.equals(ED25519_NAME_PARAMS) || params.equals(ED25519_UTF8_PARAMS);
}

/**
 * The 32 raw bytes of an Ed25519 CKA_EC_POINT: a DER OCTET STRING (what PKCS#11 specifies and
 * SoftHSM2 returns), a BIT STRING, or the bare 32 bytes some modules return. Undefined otherwise.
 *
 * @example
 * ```ts
 * rawFromEcPoint(Buffer.from('0420' + '11'.repeat(32), 'hex')); // 32 bytes of 0x11
 * ```
 */
export function rawFromEcPoint(point: Uint8Array): Uint8Array | undefined {
  const b = Buffer.from(point.buffer, point.byteOffset, point.byteLength);
  if (b.length === 34 && b[0] === 0x04 && b[1] === 0x20) return Uint8Array.from(b.subarray(2));
  if (b.length === 35 && b[0] === 0x03 && b[1] === 0x21 && b[2] === 0x00) return Uint8Array.from(b.subarray(3));
  if (b.length === 32) return Uint8Array.from(b);
  return undefined;
}

function readUlong(b: Buffer): number {
  return b.length >= 8 ? Number(b.readBigUInt64LE(0)) : b.length >= 4 ? b.readUInt32LE(0) : -1;
}

/** Every object matching `template` (runs a whole find: init, find, final). */
export function findObjects(conn: Pkcs11Connection, template: Attr[]): Handle[] {
  const { api, session } = conn;
  const out: Handle[] = [];
  try {
    api.C_FindObjectsInit(session, template);
    try {
      for (;;) {
        const batch = api.C_FindObjects(session, 64);
        if (!batch.length) break;
        out.push(...batch);
      }
    } finally {
      api.C_FindObjectsFinal(session);
    }
  } catch (e) {
    throw p11Error(e, `searching token "${conn.token.label}"`);
  }
  return out;
}

function attrs(conn: Pkcs11Connection, h: Handle, types: number[]): Buffer[] {
  try {
    return conn.api.C_GetAttributeValue(conn.session, h, types.map((type) => ({ type }))).map((a) => a.value);
  } catch (e) {
    throw p11Error(e, `reading an object of token "${conn.token.label}"`);
  }
}

/** A private key found in the token, with what sigchain needs to know about it. */
export interface TokenKey {
  readonly handle: Handle;
  readonly label: string;
  readonly id: Uint8Array;
  /** The raw Ed25519 public key, when the key is Ed25519 and its public half was found. */
  readonly raw?: Uint8Array;
  /** Why it is not usable as an nkey, when it is not. */
  readonly notEd25519?: string;
}

/** Reads one private key's label, id, type and (through its public half) its public key. */
export function describeKey(conn: Pkcs11Connection, handle: Handle): TokenKey {
  const [labelB, idB, typeB] = attrs(conn, handle, [CK.CKA_LABEL, CK.CKA_ID, CK.CKA_KEY_TYPE]);
  const label = labelB!.toString('utf8');
  const id = Uint8Array.from(idB!);
  const keyType = readUlong(typeB!);
  if (keyType !== CK.CKK_EC_EDWARDS) {
    return { handle, label, id, notEd25519: keyType === CK.CKK_EC ? 'it is an ECDSA (Weierstrass curve) key' : `its key type is 0x${keyType.toString(16)}` };
  }
  // The public half: same CKA_ID (how every tool pairs them), else same label.
  const partners = findObjects(conn, [{ type: CK.CKA_CLASS, value: CK.CKO_PUBLIC_KEY }, id.length ? { type: CK.CKA_ID, value: Buffer.from(id) } : { type: CK.CKA_LABEL, value: label }]);
  for (const pub of partners) {
    const [params, point] = attrs(conn, pub, [CK.CKA_EC_PARAMS, CK.CKA_EC_POINT]);
    if (!isEd25519Params(params!)) return { handle, label, id, notEd25519: 'its curve is not Ed25519 (Ed448?)' };
    const raw = rawFromEcPoint(point!);
    if (raw) return { handle, label, id, raw };
  }
  // No public object: a module that keeps CKA_PUBLIC_KEY_INFO on the private key still tells.
  try {
    const [spki] = conn.api.C_GetAttributeValue(conn.session, handle, [{ type: CK.CKA_PUBLIC_KEY_INFO }]).map((a) => a.value);
    if (spki && spki.length === 44 && spki.subarray(0, 12).equals(SPKI_ED25519_PREFIX)) return { handle, label, id, raw: Uint8Array.from(spki.subarray(12)) };
  } catch {
    // the module does not know CKA_PUBLIC_KEY_INFO: fall through
  }
  return { handle, label, id };
}

/** The Ed25519 private keys of the token whose label is `label` (every one when undefined). */
export function findPrivateKeys(conn: Pkcs11Connection, filter: { label?: string; id?: Uint8Array; ed25519Only?: boolean }): TokenKey[] {
  const template: Attr[] = [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }];
  if (filter.ed25519Only) template.push({ type: CK.CKA_KEY_TYPE, value: CK.CKK_EC_EDWARDS });
  if (filter.label !== undefined) template.push({ type: CK.CKA_LABEL, value: filter.label });
  if (filter.id !== undefined) template.push({ type: CK.CKA_ID, value: Buffer.from(filter.id) });
  return findObjects(conn, template).map((h) => describeKey(conn, h));
}

/** The private key whose label is the nkey `publicKey` and whose public half matches it. */
export function findNkey(conn: Pkcs11Connection, publicKey: string): TokenKey | undefined {
  let raw: Uint8Array;
  try {
    raw = decodePublicKey(publicKey).raw;
  } catch {
    return undefined;
  }
  return findPrivateKeys(conn, { label: publicKey, ed25519Only: true }).find((k) => k.raw && Buffer.from(k.raw).equals(Buffer.from(raw)));
}

/**
 * The one key a URI names (by `object` label and/or `id`). `KEY_URI_INVALID` when the URI names
 * no key or several, or holds an attribute sigchain cannot honour; `PKCS11_KEY_NOT_FOUND` when
 * nothing matches; `KEY_NOT_ED25519` when what matches is not an Ed25519 key.
 */
export function findUriKey(conn: Pkcs11Connection, uri: Pkcs11Uri): TokenKey & { raw: Uint8Array } {
  if (uri.vendorPath?.length) {
    throw new SigchainError('KEY_URI_INVALID', `The URI narrows the key with ${uri.vendorPath.map(([n]) => n).join(', ')}, which sigchain does not understand, so it cannot be sure which key is meant. Remove it and name the key with object= and id=.`);
  }
  if (uri.type !== undefined && uri.type !== 'private' && uri.type !== 'public') {
    throw new SigchainError('KEY_URI_INVALID', `The URI names a ${uri.type} object; a signing key is type=private (or leave type out).`);
  }
  if (uri.object === undefined && uri.id === undefined) {
    throw new SigchainError('KEY_URI_INVALID', 'The URI names a token but no key: add object=LABEL (and id=… if labels repeat).');
  }
  const found = findPrivateKeys(conn, { ...(uri.object !== undefined ? { label: uri.object } : {}), ...(uri.id !== undefined ? { id: uri.id } : {}) });
  const what = [uri.object !== undefined ? `label "${uri.object}"` : '', uri.id !== undefined ? `id ${Buffer.from(uri.id).toString('hex')}` : ''].filter(Boolean).join(' and ');
  if (found.length === 0) {
    throw new SigchainError('PKCS11_KEY_NOT_FOUND', `Token "${conn.token.label}" holds no private key with ${what}. List its keys with \`pkcs11-tool --module ${conn.modulePath} --login --list-objects\`.`, {
      token: conn.token.label,
      ...(uri.object !== undefined ? { object: uri.object } : {}),
    });
  }
  if (found.length > 1) {
    throw new SigchainError('KEY_URI_INVALID', `${found.length} private keys of token "${conn.token.label}" have ${what}; add id=… to the URI to name one.`, { matches: found.length });
  }
  const key = found[0]!;
  if (key.notEd25519) throw new SigchainError('KEY_NOT_ED25519', `The key with ${what} in token "${conn.token.label}" cannot be an nkey: ${key.notEd25519}. NATS keys are Ed25519.`, { token: conn.token.label });
  if (!key.raw) {
    throw new SigchainError('PKCS11_KEY_NOT_FOUND', `The key with ${what} in token "${conn.token.label}" has no public half sigchain can read (no public key object with its CKA_ID). Import or generate the key pair with its public object.`, {
      token: conn.token.label,
    });
  }
  return key as TokenKey & { raw: Uint8Array };
}

/** The usages the token's record gives `publicKey`, or undefined when it has none. */
export function readUsageRecord(conn: Pkcs11Connection, publicKey: string): { role: Role; usages: KeyUsage[] } | undefined {
  const handles = findObjects(conn, [
    { type: CK.CKA_CLASS, value: CK.CKO_DATA },
    { type: CK.CKA_APPLICATION, value: RECORD_APP },
    { type: CK.CKA_LABEL, value: publicKey },
  ]);
  let result: { role: Role; usages: KeyUsage[] } | undefined;
  for (const h of handles) {
    const [value] = attrs(conn, h, [CK.CKA_VALUE]);
    let rec: { v?: unknown; publicKey?: unknown; role?: unknown; usages?: unknown };
    try {
      rec = JSON.parse(value!.toString('utf8')) as typeof rec;
    } catch {
      continue; // not ours after all: another application's data under the same name
    }
    if (rec.v !== 1 || rec.publicKey !== publicKey || !Array.isArray(rec.usages)) continue;
    const usages = normalizeUsages(rec.usages.filter((u): u is KeyUsage => typeof u === 'string' && isKeyUsage(u)));
    const role = decodePublicKey(publicKey).role;
    result = result ? { role, usages: result.usages.filter((u) => usages.includes(u)) } : { role, usages };
  }
  return result;
}

function recordTemplate(publicKey: string, role: Role, usages: readonly KeyUsage[]): Attr[] {
  return [
    { type: CK.CKA_CLASS, value: CK.CKO_DATA },
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_PRIVATE, value: true },
    { type: CK.CKA_MODIFIABLE, value: false },
    { type: CK.CKA_APPLICATION, value: RECORD_APP },
    { type: CK.CKA_LABEL, value: publicKey },
    { type: CK.CKA_VALUE, value: Buffer.from(JSON.stringify({ v: 1, publicKey, role, usages }), 'utf8') },
  ];
}

/**
 * Generates an Ed25519 key pair of `role` inside the token (CKM_EC_EDWARDS_KEY_PAIR_GEN) with
 * every attribute explicit, labels both halves with the nkey, and writes its usage record. On a
 * failure after the pair exists, the pair is destroyed again (best effort), so no half-made key stays.
 */
export function generateKey(conn: Pkcs11Connection, role: Role, usages: readonly KeyUsage[]): { publicKey: string; id: Uint8Array; handle: Handle } {
  if (!roleCanSign(role)) throw new SigchainError('NKEY_CANNOT_SIGN', `A ${role} key cannot sign, so it is never made in a token.`);
  const { api, session } = conn;
  const id = randomBytes(16);
  // The nkey is known only once the token has made the key; until the labels are set the pair
  // carries this name, so an interrupted generation is recognisable.
  const pending = `sigchain-pending-${id.toString('hex')}`;
  const publicTemplate = (params: Buffer): Attr[] => [
    { type: CK.CKA_CLASS, value: CK.CKO_PUBLIC_KEY },
    { type: CK.CKA_KEY_TYPE, value: CK.CKK_EC_EDWARDS },
    { type: CK.CKA_EC_PARAMS, value: params },
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_PRIVATE, value: false },
    { type: CK.CKA_MODIFIABLE, value: true },
    { type: CK.CKA_VERIFY, value: true },
    { type: CK.CKA_VERIFY_RECOVER, value: false },
    { type: CK.CKA_ENCRYPT, value: false },
    { type: CK.CKA_WRAP, value: false },
    { type: CK.CKA_DERIVE, value: false },
    { type: CK.CKA_LABEL, value: pending },
    { type: CK.CKA_ID, value: id },
  ];
  const privateTemplate: Attr[] = [
    { type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY },
    { type: CK.CKA_KEY_TYPE, value: CK.CKK_EC_EDWARDS },
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_PRIVATE, value: true },
    { type: CK.CKA_SENSITIVE, value: true },
    { type: CK.CKA_EXTRACTABLE, value: false },
    // Modifiable only so the label can be set to the nkey below; CKA_SENSITIVE and
    // CKA_EXTRACTABLE cannot be turned back by anyone (PKCS#11 allows only false→true / true→false).
    { type: CK.CKA_MODIFIABLE, value: true },
    { type: CK.CKA_SIGN, value: true },
    { type: CK.CKA_SIGN_RECOVER, value: false },
    { type: CK.CKA_DECRYPT, value: false },
    { type: CK.CKA_UNWRAP, value: false },
    { type: CK.CKA_DERIVE, value: false },
    { type: CK.CKA_ALWAYS_AUTHENTICATE, value: false },
    { type: CK.CKA_LABEL, value: pending },
    { type: CK.CKA_ID, value: id },
  ];
  let pair: { publicKey: Handle; privateKey: Handle } | undefined;
  let lastError: unknown;
  // The OID first (SoftHSM2 2.6 and most HSMs); the curve name for modules that take only that.
  for (const params of [ED25519_OID_PARAMS, ED25519_NAME_PARAMS]) {
    try {
      pair = api.C_GenerateKeyPair(session, { mechanism: CK.CKM_EC_EDWARDS_KEY_PAIR_GEN }, publicTemplate(params), privateTemplate);
      break;
    } catch (e) {
      lastError = e;
      const code = ckr(e);
      if (code !== CK.CKR_ATTRIBUTE_VALUE_INVALID && code !== CK.CKR_DOMAIN_PARAMS_INVALID && code !== CK.CKR_CURVE_NOT_SUPPORTED) break;
    }
  }
  if (!pair) throw p11Error(lastError, `generating an Ed25519 key pair in token "${conn.token.label}" (does the module support CKM_EC_EDWARDS_KEY_PAIR_GEN?)`);
  try {
    const [point] = attrs(conn, pair.publicKey, [CK.CKA_EC_POINT]);
    const raw = rawFromEcPoint(point!);
    if (!raw) throw new SigchainError('KEY_NOT_ED25519', `Token "${conn.token.label}" made a key whose public point is not 32 bytes of Ed25519; it was removed again.`);
    const publicKey = encodePublicKey(role, raw);
    api.C_SetAttributeValue(session, pair.publicKey, [{ type: CK.CKA_LABEL, value: publicKey }]);
    api.C_SetAttributeValue(session, pair.privateKey, [{ type: CK.CKA_LABEL, value: publicKey }]);
    api.C_CreateObject(session, recordTemplate(publicKey, role, normalizeUsages(usages)));
    return { publicKey, id: Uint8Array.from(id), handle: pair.privateKey };
  } catch (e) {
    for (const h of [pair.privateKey, pair.publicKey]) {
      try {
        api.C_DestroyObject(session, h);
      } catch {
        // best effort: the pair is labelled sigchain-pending-… and lists as nothing
      }
    }
    throw p11Error(e, `labelling the new key in token "${conn.token.label}"`);
  }
}

/**
 * Signs `data` with the private key `handle` (CKM_EDDSA, pure Ed25519) inside the token.
 * Returns the 64-byte signature; checks nothing else about it.
 */
export function signWith(conn: Pkcs11Connection, handle: Handle, data: Uint8Array): Uint8Array {
  const { api, session } = conn;
  api.C_SignInit(session, { mechanism: CK.CKM_EDDSA }, handle);
  // An empty Buffer reaches the module as a NULL pointer, which SoftHSM2 refuses
  // (CKR_ARGUMENTS_BAD); an empty view of a real allocation is a valid zero-length message.
  const input = data.byteLength === 0 ? EMPTY : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const sig = api.C_Sign(session, input, Buffer.alloc(64));
  if (sig.length !== 64) throw new SigchainError('PKCS11_ERROR', `Token "${conn.token.label}" returned a ${sig.length}-byte signature; Ed25519 signatures are 64 bytes.`);
  return Uint8Array.from(sig);
}

/** True for the errors after which a cached object handle must be looked up again. */
export function isStaleHandle(e: unknown): boolean {
  const code = ckr(e);
  return code === CK.CKR_OBJECT_HANDLE_INVALID || code === CK.CKR_KEY_HANDLE_INVALID;
}
