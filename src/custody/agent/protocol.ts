/**
 * The ssh-agent wire protocol (draft-miller-ssh-agent; OpenSSH's PROTOCOL.agent), as far as
 * sigchain speaks it: framing, listing, Ed25519 signing, adding keys with lifetime and extension
 * constraints, removing, lock and unlock, and extension requests. Only `ssh-ed25519` keys are
 * read: an nkey's 32-byte public key is an ssh-ed25519 key, and the agent's signature over the
 * bytes sent is plain Ed25519, so a NATS JWT signed through any ssh-agent verifies.
 *
 * Every message is `uint32 length` + `byte type` + body; strings are `uint32 length` + bytes.
 * Both sides refuse a message over {@link MAX_MESSAGE} from its length alone, before its body
 * is read (OpenSSH's limit).
 */

/** OpenSSH's limit on one agent message (AGENT_MAX_LEN): 256 KiB. */
export const MAX_MESSAGE = 256 * 1024;

/** Message numbers (draft-miller-ssh-agent §5.1). */
export const MSG = {
  FAILURE: 5,
  SUCCESS: 6,
  REQUEST_IDENTITIES: 11,
  IDENTITIES_ANSWER: 12,
  SIGN_REQUEST: 13,
  SIGN_RESPONSE: 14,
  ADD_IDENTITY: 17,
  REMOVE_IDENTITY: 18,
  REMOVE_ALL_IDENTITIES: 19,
  LOCK: 22,
  UNLOCK: 23,
  ADD_ID_CONSTRAINED: 25,
  EXTENSION: 27,
  EXTENSION_FAILURE: 28,
  EXTENSION_RESPONSE: 29,
} as const;

/** Key constraint numbers (§5.2). */
export const CONSTRAIN = { LIFETIME: 1, CONFIRM: 2, EXTENSION: 255 } as const;

/** The only key type sigchain reads. */
export const ED25519 = 'ssh-ed25519';

/**
 * The extension constraint that restricts what a key may sign (`agent add --only`). Its details
 * are one string: the kinds, comma-separated (`user-jwt:ACCT…,nonce-claim`).
 */
export const ONLY_CONSTRAINT = 'only@sigchain.dev';

/**
 * sigchain's signing request: like SIGN_REQUEST, plus why (usage, kind, subject), answered with
 * a status so a refusal has its reason. Body: string key blob, string data, string usage,
 * string kind, string subject. Answer: EXTENSION_RESPONSE, string name, uint32 status (0 signed,
 * 1 refused), then string signature blob, or string code + string message.
 */
export const SIGN_EXTENSION = 'sign@sigchain.dev';
/**
 * sigchain's "add by reference" request (`agent add` of a key kept in a PKCS#11 token): the agent
 * opens the key itself and holds the logged-in session, never the key. Body: string nkey (the
 * public nkey text), string usages (comma-separated), string backend (`pkcs11`), string uri,
 * uint32 has-PIN (0 or 1) [string PIN], then constraints as ADD_ID_CONSTRAINED carries them.
 * Answer: EXTENSION_RESPONSE, string name, uint32 status (0 held, 1 refused), then on refusal
 * string code + string message. OpenSSH's agent knows no such thing: it holds only keys it is given.
 */
export const ADD_REF_EXTENSION = 'add-ref@sigchain.dev';
/** Asks sigchain's agent to shut down; answered with EXTENSION_RESPONSE, string name, uint32 pid. */
export const STOP_EXTENSION = 'stop@sigchain.dev';
/** The draft's `query` extension: SUCCESS followed by the names of the extensions supported. */
export const QUERY_EXTENSION = 'query';

/** A message that breaks the protocol (truncated, trailing bytes, wrong type). */
export class ProtocolError extends Error {}

/** Reads the fields of one message body. */
export class WireReader {
  #buf: Buffer;
  #at = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  get remaining(): number {
    return this.#buf.length - this.#at;
  }

  byte(): number {
    if (this.remaining < 1) throw new ProtocolError('message truncated (byte)');
    return this.#buf[this.#at++]!;
  }

  uint32(): number {
    if (this.remaining < 4) throw new ProtocolError('message truncated (uint32)');
    const v = this.#buf.readUInt32BE(this.#at);
    this.#at += 4;
    return v;
  }

  /** A string's bytes (a view into the message, not a copy). */
  string(): Buffer {
    const n = this.uint32();
    if (n > this.remaining) throw new ProtocolError('message truncated (string)');
    const v = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return v;
  }

  utf8(): string {
    return this.string().toString('utf8');
  }

  /** The rest of the message. */
  rest(): Buffer {
    const v = this.#buf.subarray(this.#at);
    this.#at = this.#buf.length;
    return v;
  }

  /** Refuses trailing bytes: a message means one thing. */
  end(): void {
    if (this.remaining !== 0) throw new ProtocolError('trailing bytes after the message');
  }
}

/** Builds one message; {@link frame} prefixes its length. */
export class WireWriter {
  readonly #parts: Buffer[] = [];
  #length = 0;

  byte(v: number): this {
    return this.#push(Buffer.of(v));
  }

  uint32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(v >>> 0);
    return this.#push(b);
  }

  string(v: Uint8Array | string): this {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    this.uint32(b.length);
    return this.#push(b);
  }

  raw(v: Uint8Array): this {
    return this.#push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }

  /** `uint32 length` + the message. */
  frame(): Buffer {
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(this.#length);
    return Buffer.concat([head, ...this.#parts], this.#length + 4);
  }

  #push(b: Buffer): this {
    this.#parts.push(b);
    this.#length += b.length;
    return this;
  }
}

/** A one-byte message (SUCCESS, FAILURE, REQUEST_IDENTITIES, REMOVE_ALL_IDENTITIES). */
export function bare(type: number): Buffer {
  return Buffer.of(0, 0, 0, 1, type);
}

/**
 * Splits a byte stream into messages. A length over {@link MAX_MESSAGE} (or zero) stops the
 * reader at the header: the caller closes the connection, the body is never buffered.
 *
 * @example
 * ```ts
 * const frames = new FrameReader();
 * socket.on('data', (chunk) => { const r = frames.push(chunk); if (r.refused) socket.destroy(); else r.messages.forEach(handle); });
 * ```
 */
export class FrameReader {
  #pending: Buffer | undefined;
  #refused = false;

  /** Feeds bytes; returns the whole messages (type byte + body) now complete. */
  push(chunk: Buffer): { messages: Buffer[]; refused?: { length: number } } {
    if (this.#refused) return { messages: [], refused: { length: -1 } };
    let buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    const messages: Buffer[] = [];
    while (buf.length >= 4) {
      const length = buf.readUInt32BE(0);
      if (length === 0 || length > MAX_MESSAGE) {
        this.#refused = true;
        this.#pending = undefined;
        return { messages, refused: { length } };
      }
      if (buf.length < 4 + length) break;
      messages.push(buf.subarray(4, 4 + length));
      buf = buf.subarray(4 + length);
    }
    // Keep only what is left (copied, so a big chunk's finished messages can be collected).
    this.#pending = buf.length > 0 ? Buffer.from(buf) : undefined;
    return { messages };
  }

  /** Bytes held of a message not yet complete. */
  get buffered(): number {
    return this.#pending?.length ?? 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys and signatures

/** The ssh-ed25519 public key blob: string "ssh-ed25519", string key (32 bytes). */
export function ed25519Blob(publicKey: Uint8Array): Buffer {
  if (publicKey.length !== 32) throw new ProtocolError(`an Ed25519 public key is 32 bytes, got ${publicKey.length}`);
  const b = Buffer.allocUnsafe(4 + ED25519.length + 4 + 32);
  b.writeUInt32BE(ED25519.length, 0);
  b.write(ED25519, 4, 'latin1');
  b.writeUInt32BE(32, 4 + ED25519.length);
  b.set(publicKey, 8 + ED25519.length);
  return b;
}

/** The 32-byte key of an ssh-ed25519 blob, or undefined for any other key type or shape. */
export function ed25519KeyOfBlob(blob: Uint8Array): Buffer | undefined {
  try {
    const r = new WireReader(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
    if (r.utf8() !== ED25519) return undefined;
    const key = r.string();
    r.end();
    return key.length === 32 ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The signature blob of ssh-ed25519: string "ssh-ed25519", string signature (64 bytes). */
export function ed25519SignatureBlob(signature: Uint8Array): Buffer {
  return new WireWriter().string(ED25519).string(signature).frame().subarray(4);
}

/** The 64 raw bytes of an ssh-ed25519 signature blob; ProtocolError for anything else. */
export function signatureOfBlob(blob: Uint8Array): Buffer {
  const r = new WireReader(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  const type = r.utf8();
  if (type !== ED25519) throw new ProtocolError(`the agent signed with ${JSON.stringify(type)}, not ssh-ed25519`);
  const sig = r.string();
  r.end();
  if (sig.length !== 64) throw new ProtocolError(`an Ed25519 signature is 64 bytes, got ${sig.length}`);
  return sig;
}

// ---------------------------------------------------------------------------------------------
// Requests (client → agent)

/** What a key is constrained to when added. */
export interface KeyConstraints {
  /** Seconds until the agent forgets the key. */
  readonly lifetime?: number;
  /** Ask before each use (sigchain's agent cannot ask anyone, so it refuses such a key). */
  readonly confirm?: boolean;
  /** `--only` kinds (the {@link ONLY_CONSTRAINT} extension). */
  readonly only?: readonly string[];
  /** An extension constraint this side does not know (the add is refused, as OpenSSH does). */
  readonly unknownExtension?: string;
}

/** A decoded request, as the agent reads it. */
export type AgentRequest =
  | { readonly type: 'list' }
  | { readonly type: 'sign'; readonly key: Buffer; readonly data: Buffer; readonly flags: number }
  | { readonly type: 'add'; readonly keyType: string; readonly publicKey?: Buffer; readonly seed?: Buffer; readonly comment: string; readonly constraints: KeyConstraints }
  | { readonly type: 'remove'; readonly key: Buffer }
  | { readonly type: 'remove-all' }
  | { readonly type: 'lock'; readonly passphrase: Buffer }
  | { readonly type: 'unlock'; readonly passphrase: Buffer }
  | { readonly type: 'extension'; readonly name: string; readonly body: Buffer }
  | { readonly type: 'unknown'; readonly code: number };

/** Reads one request (its type byte first). ProtocolError when malformed. */
export function decodeRequest(message: Buffer): AgentRequest {
  const r = new WireReader(message);
  const code = r.byte();
  switch (code) {
    case MSG.REQUEST_IDENTITIES:
      r.end();
      return { type: 'list' };
    case MSG.SIGN_REQUEST: {
      const key = r.string();
      const data = r.string();
      const flags = r.uint32();
      r.end();
      return { type: 'sign', key, data, flags };
    }
    case MSG.ADD_IDENTITY:
    case MSG.ADD_ID_CONSTRAINED:
      return decodeAdd(r, code === MSG.ADD_ID_CONSTRAINED);
    case MSG.REMOVE_IDENTITY: {
      const key = r.string();
      r.end();
      return { type: 'remove', key };
    }
    case MSG.REMOVE_ALL_IDENTITIES:
      r.end();
      return { type: 'remove-all' };
    case MSG.LOCK:
    case MSG.UNLOCK: {
      const passphrase = r.string();
      r.end();
      return { type: code === MSG.LOCK ? 'lock' : 'unlock', passphrase };
    }
    case MSG.EXTENSION:
      return { type: 'extension', name: r.utf8(), body: r.rest() };
    default:
      return { type: 'unknown', code };
  }
}

function decodeAdd(r: WireReader, constrained: boolean): AgentRequest {
  const keyType = r.utf8();
  if (keyType !== ED25519) {
    // Other key types have other private-key layouts; the agent refuses them without reading on.
    return { type: 'add', keyType, comment: '', constraints: {} };
  }
  const publicKey = r.string();
  const priv = r.string();
  const comment = r.utf8();
  if (publicKey.length !== 32 || priv.length !== 64) throw new ProtocolError('an ssh-ed25519 key is a 32-byte public key and a 64-byte private key (seed || public)');
  if (!priv.subarray(32).equals(publicKey)) throw new ProtocolError('the private key does not end with its public key');
  const constraints = constrained ? decodeConstraints(r) : (r.end(), {});
  return { type: 'add', keyType, publicKey, seed: priv.subarray(0, 32), comment, constraints };
}

function decodeConstraints(r: WireReader): KeyConstraints {
  let lifetime: number | undefined;
  let confirm = false;
  let only: string[] | undefined;
  let unknownExtension: string | undefined;
  while (r.remaining > 0) {
    const c = r.byte();
    if (c === CONSTRAIN.LIFETIME) lifetime = r.uint32();
    else if (c === CONSTRAIN.CONFIRM) confirm = true;
    else if (c === CONSTRAIN.EXTENSION) {
      const name = r.utf8();
      if (name === ONLY_CONSTRAINT) only = r.utf8().split(',').filter(Boolean);
      else {
        // Its details cannot be skipped without knowing their shape: stop here and refuse.
        unknownExtension = name;
        break;
      }
    } else throw new ProtocolError(`unknown key constraint ${c}`);
  }
  return { ...(lifetime !== undefined ? { lifetime } : {}), ...(confirm ? { confirm } : {}), ...(only ? { only } : {}), ...(unknownExtension ? { unknownExtension } : {}) };
}

/** REQUEST_IDENTITIES. */
export function encodeListRequest(): Buffer {
  return bare(MSG.REQUEST_IDENTITIES);
}

/** SIGN_REQUEST for an Ed25519 key (flags 0: they only choose RSA hashes). */
export function encodeSignRequest(publicKey: Uint8Array, data: Uint8Array): Buffer {
  return new WireWriter().byte(MSG.SIGN_REQUEST).string(ed25519Blob(publicKey)).string(data).uint32(0).frame();
}

/** sigchain's signing request ({@link SIGN_EXTENSION}). */
export function encodeSignExtension(publicKey: Uint8Array, data: Uint8Array, why: { usage: string; kind: string; subject?: string | undefined }): Buffer {
  return new WireWriter()
    .byte(MSG.EXTENSION)
    .string(SIGN_EXTENSION)
    .string(ed25519Blob(publicKey))
    .string(data)
    .string(why.usage)
    .string(why.kind)
    .string(why.subject ?? '')
    .frame();
}

/**
 * ADD_IDENTITY, or ADD_ID_CONSTRAINED when `constraints` holds any: the ssh-ed25519 private
 * key is the 32-byte public key, then the 64 bytes seed || public key, then the comment.
 */
export function encodeAddRequest(publicKey: Uint8Array, seed: Uint8Array, comment: string, constraints: KeyConstraints = {}): Buffer {
  const constrained = constraints.lifetime !== undefined || constraints.confirm || (constraints.only?.length ?? 0) > 0;
  const w = new WireWriter()
    .byte(constrained ? MSG.ADD_ID_CONSTRAINED : MSG.ADD_IDENTITY)
    .string(ED25519)
    .string(publicKey)
    .string(Buffer.concat([seed, publicKey]))
    .string(comment);
  return writeConstraints(w, constraints).frame();
}

function writeConstraints(w: WireWriter, constraints: KeyConstraints): WireWriter {
  if (constraints.lifetime !== undefined) w.byte(CONSTRAIN.LIFETIME).uint32(constraints.lifetime);
  if (constraints.confirm) w.byte(CONSTRAIN.CONFIRM);
  if (constraints.only?.length) w.byte(CONSTRAIN.EXTENSION).string(ONLY_CONSTRAINT).string(constraints.only.join(','));
  return w;
}

/** A key kept elsewhere (a PKCS#11 token), as {@link ADD_REF_EXTENSION} names it. */
export interface KeyReference {
  /** The public nkey (its role is its prefix). */
  readonly publicKey: string;
  /** The usages the agent holds it for. */
  readonly usages: readonly string[];
  /** Where the key is kept: `pkcs11`. */
  readonly backend: string;
  /** The key's URI (`pkcs11:…`). */
  readonly uri: string;
  /** The token's user PIN, for the agent to log in with (kept in its memory only). */
  readonly pin?: string;
}

/** The {@link ADD_REF_EXTENSION} request. */
export function encodeAddRefRequest(ref: KeyReference, constraints: KeyConstraints = {}): Buffer {
  const w = new WireWriter().byte(MSG.EXTENSION).string(ADD_REF_EXTENSION).string(ref.publicKey).string(ref.usages.join(',')).string(ref.backend).string(ref.uri);
  if (ref.pin !== undefined) w.uint32(1).string(ref.pin);
  else w.uint32(0);
  return writeConstraints(w, constraints).frame();
}

/** Reads the body of an {@link ADD_REF_EXTENSION} request (after its name). ProtocolError when malformed. */
export function decodeAddRefRequest(body: Buffer): KeyReference & { readonly constraints: KeyConstraints } {
  const r = new WireReader(body);
  const publicKey = r.utf8();
  const usages = r.utf8().split(',').filter(Boolean);
  const backend = r.utf8();
  const uri = r.utf8();
  const hasPin = r.uint32();
  if (hasPin > 1) throw new ProtocolError('has-PIN is 0 or 1');
  const pin = hasPin ? r.utf8() : undefined;
  const constraints = decodeConstraints(r);
  return { publicKey, usages, backend, uri, ...(pin !== undefined ? { pin } : {}), constraints };
}

/** The answer to {@link ADD_REF_EXTENSION}. */
export type AddRefAnswer = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

export function encodeAddRefAnswer(answer: AddRefAnswer): Buffer {
  const w = new WireWriter().byte(MSG.EXTENSION_RESPONSE).string(ADD_REF_EXTENSION);
  if (answer.ok) w.uint32(0);
  else w.uint32(1).string(answer.code).string(answer.message);
  return w.frame();
}

export function decodeAddRefAnswer(message: Buffer): AddRefAnswer {
  const r = new WireReader(message);
  if (r.byte() !== MSG.EXTENSION_RESPONSE || r.utf8() !== ADD_REF_EXTENSION) throw new ProtocolError(`expected the ${ADD_REF_EXTENSION} answer`);
  const status = r.uint32();
  if (status === 0) {
    r.end();
    return { ok: true };
  }
  const code = r.utf8();
  const text = r.utf8();
  r.end();
  return { ok: false, code, message: text };
}

/** REMOVE_IDENTITY of an Ed25519 key. */
export function encodeRemoveRequest(publicKey: Uint8Array): Buffer {
  return new WireWriter().byte(MSG.REMOVE_IDENTITY).string(ed25519Blob(publicKey)).frame();
}

/** REMOVE_ALL_IDENTITIES. */
export function encodeRemoveAllRequest(): Buffer {
  return bare(MSG.REMOVE_ALL_IDENTITIES);
}

/** LOCK or UNLOCK with a passphrase. */
export function encodeLockRequest(lock: boolean, passphrase: Uint8Array | string): Buffer {
  return new WireWriter().byte(lock ? MSG.LOCK : MSG.UNLOCK).string(passphrase).frame();
}

/** An EXTENSION request with an empty body (query, stop). */
export function encodeExtension(name: string, body?: Uint8Array): Buffer {
  const w = new WireWriter().byte(MSG.EXTENSION).string(name);
  if (body) w.raw(body);
  return w.frame();
}

// ---------------------------------------------------------------------------------------------
// Answers (agent → client)

/** One key an agent lists. */
export interface AgentIdentity {
  /** The key blob as the agent sent it. */
  readonly blob: Buffer;
  /** The key type named in the blob (`ssh-ed25519`, `ssh-rsa`…). */
  readonly keyType: string;
  /** The raw 32-byte key, for ssh-ed25519 keys only. */
  readonly ed25519?: Buffer;
  readonly comment: string;
}

/** IDENTITIES_ANSWER. */
export function encodeIdentities(ids: ReadonlyArray<{ publicKey: Uint8Array; comment: string }>): Buffer {
  const w = new WireWriter().byte(MSG.IDENTITIES_ANSWER).uint32(ids.length);
  for (const id of ids) w.string(ed25519Blob(id.publicKey)).string(id.comment);
  return w.frame();
}

/** Reads IDENTITIES_ANSWER (keys of every type; only ssh-ed25519 ones get `ed25519`). */
export function decodeIdentities(message: Buffer): AgentIdentity[] {
  const r = new WireReader(message);
  if (r.byte() !== MSG.IDENTITIES_ANSWER) throw new ProtocolError('expected IDENTITIES_ANSWER');
  const n = r.uint32();
  if (n > MAX_MESSAGE / 8) throw new ProtocolError('too many identities');
  const out: AgentIdentity[] = [];
  for (let i = 0; i < n; i++) {
    const blob = Buffer.from(r.string());
    const comment = r.utf8();
    let keyType = '';
    try {
      keyType = new WireReader(blob).utf8();
    } catch {
      throw new ProtocolError('a key blob without its type');
    }
    const ed25519 = ed25519KeyOfBlob(blob);
    out.push({ blob, keyType, comment, ...(ed25519 ? { ed25519 } : {}) });
  }
  r.end();
  return out;
}

/** SIGN_RESPONSE carrying an Ed25519 signature. */
export function encodeSignResponse(signature: Uint8Array): Buffer {
  return new WireWriter().byte(MSG.SIGN_RESPONSE).string(ed25519SignatureBlob(signature)).frame();
}

/** The 64-byte signature of a SIGN_RESPONSE. */
export function decodeSignResponse(message: Buffer): Buffer {
  const r = new WireReader(message);
  if (r.byte() !== MSG.SIGN_RESPONSE) throw new ProtocolError('expected SIGN_RESPONSE');
  const sig = signatureOfBlob(r.string());
  r.end();
  return sig;
}

/** The answer to {@link SIGN_EXTENSION}. */
export type SignExtensionAnswer = { readonly ok: true; readonly signature: Buffer } | { readonly ok: false; readonly code: string; readonly message: string };

export function encodeSignExtensionAnswer(answer: SignExtensionAnswer): Buffer {
  const w = new WireWriter().byte(MSG.EXTENSION_RESPONSE).string(SIGN_EXTENSION);
  if (answer.ok) w.uint32(0).string(ed25519SignatureBlob(answer.signature));
  else w.uint32(1).string(answer.code).string(answer.message);
  return w.frame();
}

export function decodeSignExtensionAnswer(message: Buffer): SignExtensionAnswer {
  const r = new WireReader(message);
  if (r.byte() !== MSG.EXTENSION_RESPONSE || r.utf8() !== SIGN_EXTENSION) throw new ProtocolError(`expected the ${SIGN_EXTENSION} answer`);
  const status = r.uint32();
  if (status === 0) {
    const signature = signatureOfBlob(r.string());
    r.end();
    return { ok: true, signature };
  }
  const code = r.utf8();
  const text = r.utf8();
  r.end();
  return { ok: false, code, message: text };
}

/** The answer to `query`: SUCCESS, then the extension names. */
export function encodeQueryAnswer(names: readonly string[]): Buffer {
  const w = new WireWriter().byte(MSG.SUCCESS);
  for (const n of names) w.string(n);
  return w.frame();
}

export function decodeQueryAnswer(message: Buffer): string[] {
  const r = new WireReader(message);
  if (r.byte() !== MSG.SUCCESS) throw new ProtocolError('expected SUCCESS');
  const names: string[] = [];
  while (r.remaining > 0) names.push(r.utf8());
  return names;
}

/** The answer to {@link STOP_EXTENSION}: the agent's pid. */
export function encodeStopAnswer(pid: number): Buffer {
  return new WireWriter().byte(MSG.EXTENSION_RESPONSE).string(STOP_EXTENSION).uint32(pid).frame();
}

export function decodeStopAnswer(message: Buffer): number {
  const r = new WireReader(message);
  if (r.byte() !== MSG.EXTENSION_RESPONSE || r.utf8() !== STOP_EXTENSION) throw new ProtocolError(`expected the ${STOP_EXTENSION} answer`);
  const pid = r.uint32();
  r.end();
  return pid;
}
