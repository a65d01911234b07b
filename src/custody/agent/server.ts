/**
 * sigchain's key agent: an ssh-agent (draft-miller-ssh-agent) over a unix socket that holds
 * Ed25519 keys in this process's memory only, and knows what it signs.
 *
 * - Only peers whose uid (SO_PEERCRED, the kernel's word) is the agent's own or root's are
 *   served; any other connection is closed at once, whatever the socket's permissions.
 * - A message over 256 KiB is refused from its length alone; the connection is closed.
 * - Each connection is answered in order; many connections are served at once; a peer that
 *   goes away mid-request only loses its own answer.
 * - `lock` (ssh-add -x) keeps a salted scrypt hash of the passphrase; while locked nothing is
 *   listed or signed; failed unlocks wait 0.1 s × failures (at most 10 s), as OpenSSH does.
 * - Keys added with `only@sigchain.dev` sign only the kinds of bytes named (constraints.ts);
 *   a refused request is SSH_AGENT_FAILURE to ssh clients, and a coded refusal
 *   (AGENT_CONSTRAINT_VIOLATION, KEY_USAGE_VIOLATION…) through sigchain's `sign@sigchain.dev`.
 * - Every signature, and every refusal, is reported to `onSign` before the answer goes out: the
 *   audit hook. If it throws, the signature is not returned (AUDIT_WRITE_FAILED).
 * - A key kept in a PKCS#11 token is held by reference (`add-ref@sigchain.dev`): the agent opens
 *   it itself with the PIN it is given (kept in this process's memory, never written or logged),
 *   checks by a signature that the key it found is the one named, and signs through the token,
 *   under the same constraints, lifetime, lock and audit as a key it holds; removing it gives
 *   the token session back.
 */
import { type KeyObject, hash, createPrivateKey, createPublicKey, randomBytes, scrypt, sign as edSign, timingSafeEqual, verify as edVerify } from 'node:crypto';
import { lstatSync, mkdirSync, unlinkSync, chmodSync, statSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { SigchainError, isSigchainError } from '../../errors.js';
import type { SignKind, Signer } from '../../keys/signer.js';
import { type KeyUsage, isKeyUsage, normalizeUsages } from '../../keys/usage.js';
import { decodePublicKey } from '../../nkeys/codec.js';
import { describeAgentKey, formatComment } from './comment.js';
import { type OnlyKind, classify, parseOnly, signWithin } from './constraints.js';
import { type PeerCredentials, peerCredentials, requirePeerCredentials } from './peercred.js';
import {
  ADD_REF_EXTENSION,
  type AddRefAnswer,
  type AgentRequest,
  ED25519,
  FrameReader,
  MSG,
  ProtocolError,
  QUERY_EXTENSION,
  SIGN_EXTENSION,
  STOP_EXTENSION,
  type SignExtensionAnswer,
  WireReader,
  bare,
  decodeAddRefRequest,
  decodeRequest,
  ed25519KeyOfBlob,
  encodeAddRefAnswer,
  encodeIdentities,
  encodeQueryAnswer,
  encodeSignExtensionAnswer,
  encodeSignResponse,
  encodeStopAnswer,
} from './protocol.js';

/** Who asked for a signature: the peer of the agent's socket, as the kernel reports it. */
export interface AgentCaller {
  readonly uid: number;
  readonly pid: number;
}

/**
 * What the agent reports for each signature it makes or refuses (the audit hook's argument).
 * Carries no secret and not the bytes, only their SHA-256.
 */
export interface AgentSignRecord {
  /** The public nkey (from the key's sigchain comment, else read as a user key). */
  readonly key: string;
  /** The usage the caller named (sigchain clients), or undefined for a plain ssh-agent request. */
  readonly usage?: KeyUsage;
  readonly kind: SignKind;
  readonly subject?: string;
  /** Hex SHA-256 of the bytes signed (or refused). */
  readonly sha256: string;
  readonly caller: AgentCaller;
  readonly result: 'signed' | 'refused';
  /** The refusal's code, when refused. */
  readonly reason?: string;
}

/** How to run an agent. */
export interface AgentServerOptions {
  /** The socket path (its folder is created 0700 when missing). */
  readonly socket: string;
  /**
   * The audit hook: called (and awaited) for every signature before it is returned, and for
   * every refusal. Throwing withholds the signature.
   */
  readonly onSign?: (record: AgentSignRecord) => void | Promise<void>;
  /** Notes for the operator (a refused peer, a stale socket replaced). */
  readonly log?: (line: string) => void;
  /** Where a key held by reference finds SIGCHAIN_PKCS11_MODULE / _TOKEN / _PIN (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A running agent. */
export interface AgentServer {
  readonly socket: string;
  readonly pid: number;
  /** Stops listening, drops every connection and key, removes the socket file. */
  close(): Promise<void>;
  /** Settles once the agent has closed (by {@link close} or a client's `stop@sigchain.dev`). */
  readonly closed: Promise<void>;
}

interface Held {
  readonly raw: Buffer;
  /** The private key, for a key added with its seed. */
  readonly key?: KeyObject;
  /** The token's signer, for a key held by reference (its session is given back when it goes). */
  readonly ref?: { readonly signer: Signer; readonly close: () => Promise<void> };
  readonly comment: string;
  readonly nkey: string;
  readonly usages: readonly KeyUsage[];
  readonly only?: readonly OnlyKind[];
  expiresAt?: number;
  timer?: NodeJS.Timeout;
}

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const MAX_KEYS = 4096;
const MAX_TIMER = 2 ** 31 - 1;
// A connection with this many requests waiting is not read from until it drains.
const HIGH_WATER = 64;
const SCRYPT = { N: 1 << 14, r: 8, p: 1 };

/**
 * Starts sigchain's key agent on `opts.socket`. Refuses with `AGENT_SOCKET_IN_USE` when another
 * agent answers there (a stale socket file nobody listens on is replaced), and with
 * `AGENT_FAILURE` when the peer-credential addon is missing.
 *
 * @example
 * ```ts
 * const agent = await startAgentServer({ socket: '/run/user/1000/sigchain/agent.sock', onSign: (r) => audit.append(r) });
 * process.on('SIGTERM', () => agent.close());
 * ```
 */
export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer> {
  requirePeerCredentials();
  const socketPath = resolve(opts.socket);
  const log = opts.log ?? (() => {});
  const me = process.getuid?.() ?? -1;
  const keys = new Map<string, Held>();
  const conns = new Set<Socket>();
  let lock: { salt: Buffer; hash: Buffer } | undefined;
  let failedUnlocks = 0;
  let closing: Promise<void> | undefined;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));

  const forget = (id: string): void => {
    const h = keys.get(id);
    if (h?.timer) clearTimeout(h.timer);
    keys.delete(id);
    void h?.ref?.close().catch(() => {});
  };
  const live = (id: string): Held | undefined => {
    const h = keys.get(id);
    if (h?.expiresAt !== undefined && Date.now() >= h.expiresAt) {
      forget(id);
      return undefined;
    }
    return h;
  };
  const arm = (id: string, h: Held): void => {
    if (h.expiresAt === undefined) return;
    h.timer = setTimeout(() => (Date.now() >= h.expiresAt! ? forget(id) : arm(id, h)), Math.min(MAX_TIMER, Math.max(0, h.expiresAt - Date.now()))).unref();
  };

  const report = async (h: Held, data: Buffer, caller: AgentCaller, fields: { usage?: KeyUsage | undefined; kind: SignKind; subject?: string | undefined; result: 'signed' | 'refused'; reason?: string }): Promise<void> => {
    if (!opts.onSign) return;
    await opts.onSign({
      key: h.nkey,
      ...(fields.usage ? { usage: fields.usage } : {}),
      kind: fields.kind,
      ...(fields.subject ? { subject: fields.subject } : {}),
      sha256: hash('sha256', data, 'hex'),
      caller,
      result: fields.result,
      ...(fields.reason ? { reason: fields.reason } : {}),
    });
  };

  /** Signs with `h` as it is held: in this process, or in its token (for the usage asked, else one it holds). */
  const signRaw = async (h: Held, data: Buffer, why?: { usage: KeyUsage; kind: SignKind; subject?: string }): Promise<Buffer> => {
    if (h.key) return edSign(null, data, h.key);
    const usage = why?.usage ?? (h.usages.includes('authentication') ? 'authentication' : h.usages[0]!);
    const sig = await h.ref!.signer.sign(data, { usage, kind: why?.kind ?? 'message', ...(why?.subject ? { subject: why.subject } : {}) });
    return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength);
  };

  /** Signs with `h` within its constraints and usages; the audit hook hears of it first. */
  const signWith = async (h: Held, data: Buffer, caller: AgentCaller, why?: { usage: KeyUsage; kind: SignKind; subject?: string }): Promise<SignExtensionAnswer> => {
    let signature: Buffer;
    let kind: SignKind;
    let subject: string | undefined;
    try {
      if (why && !h.usages.includes(why.usage)) {
        throw new SigchainError('KEY_USAGE_VIOLATION', `The agent holds ${h.nkey} for ${h.usages.join(', ')}; it may not sign for ${why.usage}.`);
      }
      if (h.only) ({ signature, kind, subject } = await signWithin(h.only, data, (d) => signRaw(h, d, why)));
      else {
        signature = await signRaw(h, data, why);
        ({ kind, subject } = why ?? (opts.onSign ? classify(data) : { kind: 'message' as const, subject: undefined }));
      }
    } catch (e) {
      const code = isSigchainError(e) ? e.code : 'AGENT_FAILURE';
      const message = e instanceof Error ? e.message : String(e);
      const seen = why ?? classify(data);
      await report(h, data, caller, { usage: why?.usage, kind: seen.kind, subject: seen.subject, result: 'refused', reason: code }).catch(() => {});
      return { ok: false, code, message };
    }
    try {
      await report(h, data, caller, { usage: why?.usage, kind, subject, result: 'signed' });
    } catch (e) {
      signature.fill(0);
      return { ok: false, code: 'AUDIT_WRITE_FAILED', message: `The agent could not record the signature in the audit log, so it withheld it: ${e instanceof Error ? e.message : String(e)}` };
    }
    return { ok: true, signature };
  };

  const add = (req: Extract<AgentRequest, { type: 'add' }>): boolean => {
    const { publicKey, seed, constraints } = req;
    if (req.keyType !== ED25519 || !publicKey || !seed) return false;
    // Nobody can be asked to confirm, and an extension not understood cannot be honoured.
    if (constraints.confirm || constraints.unknownExtension) return false;
    let only: OnlyKind[] | undefined;
    if (constraints.only) {
      try {
        only = parseOnly(constraints.only);
      } catch {
        return false;
      }
      if (only.length === 0) return false;
    }
    const id = publicKey.toString('hex');
    if (!keys.has(id) && keys.size >= MAX_KEYS) return false;
    const der = Buffer.concat([ED25519_PKCS8, seed]);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
    const derived = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
    if (!derived.equals(publicKey)) return false;
    forget(id);
    const info = describeAgentKey(publicKey, req.comment);
    const h: Held = { raw: Buffer.from(publicKey), key, comment: req.comment, nkey: info.publicKey, usages: info.usages, ...(only ? { only } : {}) };
    if (constraints.lifetime !== undefined) h.expiresAt = Date.now() + constraints.lifetime * 1000;
    keys.set(id, h);
    arm(id, h);
    return true;
  };

  /**
   * Holds a key kept in a PKCS#11 token by reference: opens it here, with the PIN given (or the
   * URI's pin-source and this process's environment), and proves by a signature over fresh bytes,
   * checked with the public key named, that the token's key is that key. Refusals are coded.
   */
  const addRef = async (body: Buffer, caller: AgentCaller): Promise<AddRefAnswer> => {
    let ref: ReturnType<typeof decodeAddRefRequest>;
    try {
      ref = decodeAddRefRequest(body);
    } finally {
      body.fill(0); // the PIN was in these bytes
    }
    const { constraints } = ref;
    const refuse = (code: string, message: string): AddRefAnswer => ({ ok: false, code, message });
    if (lock) return refuse('AGENT_CONSTRAINT_VIOLATION', 'The agent is locked: it takes no key until it is unlocked (`sigchain agent unlock` or `ssh-add -X`).');
    if (constraints.confirm || constraints.unknownExtension) return refuse('AGENT_FAILURE', `The agent cannot honour the constraint ${constraints.unknownExtension ?? 'confirm'}; the key was not added.`);
    if (ref.backend !== 'pkcs11') return refuse('KEYRING_UNSUPPORTED', `The agent holds by reference only keys kept in a PKCS#11 token, not ${JSON.stringify(ref.backend)} keys.`);
    let only: OnlyKind[] | undefined;
    let role: ReturnType<typeof decodePublicKey>['role'];
    let raw: Buffer;
    try {
      if (constraints.only) only = parseOnly(constraints.only);
      const decoded = decodePublicKey(ref.publicKey);
      role = decoded.role;
      raw = Buffer.from(decoded.raw);
    } catch (e) {
      return refuse(isSigchainError(e) ? e.code : 'AGENT_FAILURE', e instanceof Error ? e.message : String(e));
    }
    if (only?.length === 0) return refuse('USAGE', '--only named no kind.');
    if (!ref.usages.length || !ref.usages.every(isKeyUsage)) return refuse('INVALID_KEY_USAGE', `The key needs at least one known usage to be held for; got ${JSON.stringify(ref.usages.join(','))}.`);
    const usages = normalizeUsages(ref.usages as KeyUsage[]);
    const id = raw.toString('hex');
    if (!keys.has(id) && keys.size >= MAX_KEYS) return refuse('AGENT_FAILURE', `The agent holds ${MAX_KEYS} keys already; remove some first.`);
    let signer: (Signer & { close(): Promise<void> }) | undefined;
    try {
      const { pkcs11SignerFromUri } = await import('../pkcs11/keyring.js');
      signer = await pkcs11SignerFromUri(ref.uri, { publicKey: ref.publicKey, role, usages }, { env: opts.env ?? process.env, ...(ref.pin !== undefined ? { pin: ref.pin } : {}) });
      const challenge = randomBytes(32);
      const usage = usages[0]!;
      const sig = await signer.sign(challenge, { usage, kind: 'message', subject: ADD_REF_EXTENSION });
      const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
      const genuine = sig.length === 64 && edVerify(null, challenge, pub, sig);
      if (opts.onSign) {
        await opts.onSign({
          key: ref.publicKey,
          usage,
          kind: 'message',
          subject: ADD_REF_EXTENSION,
          sha256: hash('sha256', challenge, 'hex'),
          caller,
          result: genuine ? 'signed' : 'refused',
          ...(genuine ? {} : { reason: 'PKCS11_KEY_NOT_FOUND' }),
        });
      }
      if (!genuine) throw new SigchainError('PKCS11_KEY_NOT_FOUND', `The key ${signer.uri ?? 'the URI'} names does not sign as ${ref.publicKey}: its signature over fresh bytes does not verify. Register the key again.`);
    } catch (e) {
      await signer?.close().catch(() => {});
      return refuse(isSigchainError(e) ? e.code : 'PKCS11_ERROR', e instanceof Error ? e.message : String(e));
    }
    if (lock) {
      await signer.close().catch(() => {});
      return refuse('AGENT_CONSTRAINT_VIOLATION', 'The agent was locked meanwhile; the key was not added.');
    }
    forget(id);
    const held = signer;
    const h: Held = { raw, ref: { signer: held, close: () => held.close() }, comment: formatComment(ref.publicKey, usages), nkey: ref.publicKey, usages, ...(only ? { only } : {}) };
    if (constraints.lifetime !== undefined) h.expiresAt = Date.now() + constraints.lifetime * 1000;
    keys.set(id, h);
    arm(id, h);
    return { ok: true };
  };

  const scryptHash = (pass: Buffer, salt: Buffer): Promise<Buffer> =>
    new Promise((res, rej) => scrypt(pass, salt, 32, SCRYPT, (e, k) => (e ? rej(e) : res(k))));

  const extension = async (req: Extract<AgentRequest, { type: 'extension' }>, caller: AgentCaller, conn: { stop: boolean }): Promise<Buffer> => {
    if (req.name === QUERY_EXTENSION) return encodeQueryAnswer([QUERY_EXTENSION, SIGN_EXTENSION, ADD_REF_EXTENSION, STOP_EXTENSION]);
    if (req.name === ADD_REF_EXTENSION) return encodeAddRefAnswer(await addRef(req.body, caller));
    if (req.name === STOP_EXTENSION) {
      conn.stop = true;
      return encodeStopAnswer(process.pid);
    }
    if (req.name !== SIGN_EXTENSION) return bare(MSG.FAILURE);
    const r = new WireReader(req.body);
    const blob = r.string();
    const data = r.string();
    const usage = r.utf8();
    const kind = r.utf8();
    const subject = r.utf8();
    r.end();
    if (!isKeyUsage(usage) || !['jwt', 'nonce-claim', 'message', 'invocation'].includes(kind)) throw new ProtocolError('bad usage or kind');
    if (lock) return encodeSignExtensionAnswer({ ok: false, code: 'AGENT_CONSTRAINT_VIOLATION', message: 'The agent is locked: nothing is signed until it is unlocked (`sigchain agent unlock` or `ssh-add -X`).' });
    const raw = ed25519KeyOfBlob(blob);
    const h = raw ? live(raw.toString('hex')) : undefined;
    if (!h) return encodeSignExtensionAnswer({ ok: false, code: 'STORE_NOT_FOUND', message: 'The agent does not hold that key (it was removed, or its lifetime ended). Add it again with `sigchain agent add`.' });
    return encodeSignExtensionAnswer(await signWith(h, data, caller, { usage, kind: kind as SignKind, ...(subject ? { subject } : {}) }));
  };

  /** One request → its answer. Synchronous where it can be (the hot path), else a promise. */
  const handle = (message: Buffer, caller: AgentCaller, conn: { stop: boolean }): Buffer | Promise<Buffer> => {
    let req: AgentRequest;
    try {
      req = decodeRequest(message);
    } catch {
      return bare(MSG.FAILURE);
    }
    switch (req.type) {
      case 'list':
        return encodeIdentities(
          lock
            ? []
            : [...keys.keys()]
                .map((id) => live(id))
                .filter((h): h is Held => h !== undefined)
                .map((h) => ({ publicKey: h.raw, comment: h.comment })),
        );
      case 'sign': {
        if (lock) return bare(MSG.FAILURE);
        const raw = ed25519KeyOfBlob(req.key);
        const h = raw ? live(raw.toString('hex')) : undefined;
        if (!h) return bare(MSG.FAILURE);
        if (!opts.onSign && !h.only && h.key) return encodeSignResponse(edSign(null, req.data, h.key)); // hot path
        return signWith(h, req.data, caller).then((a) => (a.ok ? encodeSignResponse(a.signature) : bare(MSG.FAILURE)));
      }
      case 'add': {
        const ok = !lock && add(req);
        message.fill(0); // the private key was in these bytes
        return bare(ok ? MSG.SUCCESS : MSG.FAILURE);
      }
      case 'remove': {
        if (lock) return bare(MSG.FAILURE);
        const raw = ed25519KeyOfBlob(req.key);
        const id = raw?.toString('hex');
        const had = id !== undefined && keys.has(id);
        if (had) forget(id);
        return bare(had ? MSG.SUCCESS : MSG.FAILURE);
      }
      case 'remove-all':
        if (lock) return bare(MSG.FAILURE);
        for (const id of [...keys.keys()]) forget(id);
        return bare(MSG.SUCCESS);
      case 'lock': {
        if (lock) return bare(MSG.FAILURE);
        const salt = randomBytes(16);
        const pass = Buffer.from(req.passphrase);
        message.fill(0);
        return scryptHash(pass, salt).then((hash) => {
          pass.fill(0);
          if (lock) return bare(MSG.FAILURE);
          lock = { salt, hash };
          failedUnlocks = 0;
          return bare(MSG.SUCCESS);
        });
      }
      case 'unlock': {
        if (!lock) return bare(MSG.FAILURE);
        const held = lock;
        const pass = Buffer.from(req.passphrase);
        message.fill(0);
        return scryptHash(pass, held.salt).then(async (hash) => {
          pass.fill(0);
          if (lock === held && timingSafeEqual(hash, held.hash)) {
            lock = undefined;
            failedUnlocks = 0;
            return bare(MSG.SUCCESS);
          }
          failedUnlocks++;
          await new Promise((r) => setTimeout(r, Math.min(10_000, 100 * failedUnlocks)));
          return bare(MSG.FAILURE);
        });
      }
      case 'extension':
        return extension(req, caller, conn).catch(() => bare(MSG.FAILURE));
      default:
        return bare(MSG.FAILURE);
    }
  };

  const serve = (sock: Socket): void => {
    let caller: PeerCredentials;
    try {
      caller = peerCredentials(sock);
    } catch {
      sock.destroy();
      return;
    }
    if (caller.uid !== me && caller.uid !== 0) {
      log(`refused a connection from uid ${caller.uid} (pid ${caller.pid}): only uid ${me} and root may use this agent`);
      sock.destroy();
      return;
    }
    if (closing) {
      sock.destroy();
      return;
    }
    conns.add(sock);
    const who: AgentCaller = { uid: caller.uid, pid: caller.pid };
    const frames = new FrameReader();
    const conn = { stop: false };
    let tail: Promise<void> | undefined;
    let waiting = 0;
    const send = (answer: Buffer): void => {
      if (!sock.destroyed) sock.write(answer);
      if (conn.stop) {
        conn.stop = false;
        // Answer first, then go: the stopping client learns the pid to wait for.
        sock.end(() => void close());
      }
    };
    const settle = (): void => {
      waiting--;
      if (waiting === 0) tail = undefined;
      if (waiting < HIGH_WATER / 2 && sock.isPaused() && !sock.destroyed) sock.resume();
    };
    sock.on('data', (chunk: Buffer) => {
      const { messages, refused } = frames.push(chunk);
      for (const m of messages) {
        if (tail === undefined) {
          const answer = handle(m, who, conn);
          if (Buffer.isBuffer(answer)) {
            send(answer);
            continue;
          }
          waiting++;
          tail = answer.then(send, () => send(bare(MSG.FAILURE))).then(settle);
        } else {
          waiting++;
          tail = tail
            .then(() => handle(m, who, conn))
            .then(send, () => send(bare(MSG.FAILURE)))
            .then(settle);
        }
      }
      if (waiting >= HIGH_WATER) sock.pause();
      if (refused) {
        // Refused from its length alone: stop reading, answer what came before, then FAILURE, then close.
        sock.pause();
        void (tail ?? Promise.resolve()).then(() => {
          if (!sock.destroyed) sock.write(bare(MSG.FAILURE), () => sock.destroy());
        });
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => conns.delete(sock));
  };

  const server: Server = createServer({ pauseOnConnect: false }, serve);
  server.on('error', (e) => log(`listener error: ${e.message}`));
  const ino = await listenExclusive(server, socketPath, log);

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await new Promise<void>((r) => server.close(() => r()));
      for (const s of conns) s.destroy();
      for (const id of [...keys.keys()]) forget(id);
      lock = undefined;
      try {
        // Remove the socket only if it is still ours (a later agent may have replaced it).
        if (statSync(socketPath).ino === ino) unlinkSync(socketPath);
      } catch {
        // already gone
      }
      closedResolve();
    })();
    // server.close waits for connections to end: end them now.
    for (const s of conns) s.destroy();
    return closing;
  };

  return { socket: socketPath, pid: process.pid, close, closed };
}

/** Listens on `path` alone: another agent answering there is AGENT_SOCKET_IN_USE; a dead socket file is replaced. Returns the socket's inode. */
async function listenExclusive(server: Server, path: string, log: (line: string) => void): Promise<number> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const inUse = (why: string): SigchainError =>
    new SigchainError('AGENT_SOCKET_IN_USE', `${why} (${path}). Stop that agent first (\`sigchain agent stop\`), or start this one with another --socket.`, { socket: path });
  const listen = (): Promise<void> =>
    new Promise((res, rej) => {
      // The socket is created 0600 (umask 0177) so there is no moment it is open to others.
      const old = process.umask(0o177);
      const onError = (e: Error): void => {
        server.off('listening', onListening);
        rej(e);
      };
      const onListening = (): void => {
        server.off('error', onError);
        res();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      try {
        server.listen(path);
      } finally {
        process.umask(old);
      }
    });
  try {
    await listen();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new SigchainError('AGENT_FAILURE', `The agent cannot listen on ${path}: ${(e as Error).message}.`, { socket: path });
    let st;
    try {
      st = lstatSync(path);
    } catch {
      st = undefined;
    }
    if (st && !st.isSocket()) throw inUse('That path is a file, not a socket; it is left alone');
    if (await answers(path)) throw inUse('Another key agent listens on that socket');
    try {
      unlinkSync(path);
      log(`replaced a stale socket nobody listened on: ${path}`);
    } catch {
      // gone meanwhile
    }
    try {
      await listen();
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EADDRINUSE') throw inUse('Another key agent took that socket meanwhile');
      throw new SigchainError('AGENT_FAILURE', `The agent cannot listen on ${path}: ${(e2 as Error).message}.`, { socket: path });
    }
  }
  chmodSync(path, 0o600);
  return statSync(path).ino;
}

/** True when something accepts connections on `path` (within 2 s). */
function answers(path: string): Promise<boolean> {
  return new Promise((res) => {
    const s = connect(path);
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      res(v);
    };
    const timer = setTimeout(() => done(true), 2000);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
