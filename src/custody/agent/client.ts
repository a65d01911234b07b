/**
 * A client of any ssh-agent (OpenSSH's, sigchain's) over its unix socket. One connection,
 * opened on first use and reopened after a failure; requests may be issued concurrently (they
 * are pipelined and answered in order, as the protocol says). The connection does not keep the
 * process alive while nothing is pending.
 *
 * Telling refusals apart: OpenSSH's agent answers every refusal with a bare SSH_AGENT_FAILURE.
 * sigchain's agent also speaks `sign@sigchain.dev` (found by the draft's `query` extension, once
 * per client), whose answer names the refusal's code; so with sigchain's agent a request outside
 * a key's `--only` constraint is `AGENT_CONSTRAINT_VIOLATION`, a locked agent too, a usage the
 * key was not added for `KEY_USAGE_VIOLATION`, a key it no longer holds `STORE_NOT_FOUND`, a
 * key it holds by reference whose token failed `PKCS11_*`. With any other agent a refusal is
 * `AGENT_FAILURE`. Only sigchain's agent can hold a key by reference ({@link AgentClient.addRef}).
 */
import { type Socket, connect } from 'node:net';
import { type ErrorCode, ErrorCodes, SigchainError } from '../../errors.js';
import type { SignContext } from '../../keys/signer.js';
import { decodePublicKey, decodeSeed } from '../../nkeys/codec.js';
import type { KeyPair } from '../../nkeys/keypair.js';
import {
  ADD_REF_EXTENSION,
  type AgentIdentity,
  FrameReader,
  type KeyReference,
  MSG,
  ProtocolError,
  QUERY_EXTENSION,
  SIGN_EXTENSION,
  STOP_EXTENSION,
  decodeAddRefAnswer,
  decodeIdentities,
  decodeQueryAnswer,
  decodeSignExtensionAnswer,
  decodeSignResponse,
  decodeStopAnswer,
  encodeAddRefRequest,
  encodeAddRequest,
  encodeExtension,
  encodeListRequest,
  encodeLockRequest,
  encodeRemoveAllRequest,
  encodeRemoveRequest,
  encodeSignExtension,
  encodeSignRequest,
} from './protocol.js';

export type { AgentIdentity, KeyReference } from './protocol.js';

/** How long a request may wait for its answer, by default. */
export const AGENT_TIMEOUT_MS = 10_000;

/** The refusal codes sigchain's agent may name; any other is read as AGENT_FAILURE. */
const AGENT_CODES = new Set<string>(['AGENT_CONSTRAINT_VIOLATION', 'KEY_USAGE_VIOLATION', 'STORE_NOT_FOUND', 'AUDIT_WRITE_FAILED', 'PKCS11_ERROR', 'PKCS11_KEY_NOT_FOUND', 'PKCS11_TOKEN_NOT_FOUND']);

/** Constraints for {@link AgentClient.add}. */
export interface AgentAddOptions {
  readonly comment: string;
  /** Seconds the agent keeps the key. */
  readonly lifetimeSeconds?: number;
  /** `--only` kinds (sigchain's agent only; OpenSSH's refuses the key). */
  readonly only?: readonly string[];
}

interface Pending {
  readonly resolve: (m: Buffer) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A connection to a key agent.
 *
 * @example
 * ```ts
 * const agent = new AgentClient(process.env.SIGCHAIN_AUTH_SOCK!);
 * const ids = await agent.list();
 * const sig = await agent.sign(ids[0]!.ed25519!, bytes, { usage: 'authentication', kind: 'message' });
 * agent.close();
 * ```
 */
export class AgentClient {
  readonly socketPath: string;
  readonly timeoutMs: number;
  #sock: Socket | undefined;
  #ready: Promise<Socket> | undefined;
  #frames = new FrameReader();
  #pending: Pending[] = [];
  #extensions: Promise<string[]> | undefined;

  constructor(socketPath: string, opts: { timeoutMs?: number } = {}) {
    this.socketPath = socketPath;
    this.timeoutMs = opts.timeoutMs ?? AGENT_TIMEOUT_MS;
  }

  /** Every key the agent lists (empty while it is locked). */
  async list(): Promise<AgentIdentity[]> {
    return this.#decode(await this.#request(encodeListRequest()), decodeIdentities);
  }

  /** True when the agent is sigchain's (it answers `query` naming `sign@sigchain.dev`). Asked once. */
  async isSigchainAgent(): Promise<boolean> {
    return (await this.#extensionNames()).includes(SIGN_EXTENSION);
  }

  /** The extensions the agent names in its answer to `query` (none for OpenSSH's). Asked once. */
  #extensionNames(): Promise<string[]> {
    this.#extensions ??= this.#request(encodeExtension(QUERY_EXTENSION)).then(
      (m) => (m[0] === MSG.SUCCESS ? this.#decode(m, decodeQueryAnswer) : []),
      (e: unknown) => {
        this.#extensions = undefined; // ask again once the agent is back
        throw e;
      },
    );
    return this.#extensions;
  }

  /**
   * Has the agent sign `data` with the Ed25519 key `publicKey` (raw 32 bytes). `context` travels
   * to sigchain's agent (its usage check and audit record); other agents sign blindly.
   */
  async sign(publicKey: Uint8Array, data: Uint8Array, context?: SignContext): Promise<Uint8Array> {
    if (context && (await this.isSigchainAgent())) {
      const answer = this.#decode(await this.#request(encodeSignExtension(publicKey, data, context)), decodeSignExtensionAnswer);
      if (answer.ok) return answer.signature;
      throw new SigchainError(AGENT_CODES.has(answer.code) ? (answer.code as ErrorCode) : 'AGENT_FAILURE', `sigchain's key agent refused: ${answer.message}`, { socket: this.socketPath });
    }
    const m = await this.#request(encodeSignRequest(publicKey, data));
    if (m[0] === MSG.FAILURE) {
      throw new SigchainError('AGENT_FAILURE', `The key agent at ${this.socketPath} refused to sign (SSH_AGENT_FAILURE): it does not hold the key, is locked, or its constraints forbid it. \`ssh-add -l\` lists what it holds.`, {
        socket: this.socketPath,
      });
    }
    return this.#decode(m, decodeSignResponse);
  }

  /** Adds `key` (which must hold its seed) with a comment and optional constraints. */
  async add(key: KeyPair, opts: AgentAddOptions): Promise<void> {
    const { raw: seed } = decodeSeed(key.seed);
    const { raw: pub } = decodePublicKey(key.publicKey);
    const msg = encodeAddRequest(pub, seed, opts.comment, {
      ...(opts.lifetimeSeconds !== undefined ? { lifetime: opts.lifetimeSeconds } : {}),
      ...(opts.only?.length ? { only: opts.only } : {}),
    });
    seed.fill(0);
    try {
      await this.#expectSuccess(msg, `add ${key.publicKey}`);
    } finally {
      msg.fill(0);
    }
  }

  /**
   * Has sigchain's agent hold a key kept elsewhere (a PKCS#11 token) by reference: the agent opens
   * the key itself with the PIN given (kept in its memory only), checks that the key it finds is
   * `ref.publicKey` by a signature, and from then on signs through the token for its clients. The
   * refusal names its cause (`PKCS11_PIN_INCORRECT`, `PKCS11_KEY_NOT_FOUND`…). Any other agent
   * cannot hold a reference: `KEYRING_UNSUPPORTED`, before anything is sent.
   *
   * @example
   * ```ts
   * await agent.addRef({ publicKey: 'ACX…', usages: ['issuing'], backend: 'pkcs11', uri: 'pkcs11:token=T;object=ACX…?module-path=/usr/lib/softhsm/libsofthsm2.so', pin }, { lifetimeSeconds: 3600 });
   * ```
   */
  async addRef(ref: KeyReference, opts: Omit<AgentAddOptions, 'comment'> = {}): Promise<void> {
    if (!(await this.#extensionNames()).includes(ADD_REF_EXTENSION)) {
      throw new SigchainError(
        'KEYRING_UNSUPPORTED',
        `The agent at ${this.socketPath} is not sigchain's (or too old to know ${ADD_REF_EXTENSION}): an ssh-agent holds only private keys handed to it, and a key in an HSM is never handed out. Start sigchain's agent (\`eval "$(sigchain agent start)"\`) to hold it by reference, or sign with the key directly.`,
        { socket: this.socketPath, publicKey: ref.publicKey },
      );
    }
    const msg = encodeAddRefRequest(ref, {
      ...(opts.lifetimeSeconds !== undefined ? { lifetime: opts.lifetimeSeconds } : {}),
      ...(opts.only?.length ? { only: opts.only } : {}),
    });
    let answer;
    try {
      answer = this.#decode(await this.#request(msg), decodeAddRefAnswer);
    } finally {
      msg.fill(0); // it held the PIN
    }
    if (answer.ok) return;
    const code: ErrorCode = answer.code in ErrorCodes ? (answer.code as ErrorCode) : 'AGENT_FAILURE';
    throw new SigchainError(code, `sigchain's key agent did not take ${ref.publicKey}: ${answer.message}`, { socket: this.socketPath, publicKey: ref.publicKey });
  }

  /** Removes one key (raw 32 bytes). */
  async remove(publicKey: Uint8Array): Promise<void> {
    await this.#expectSuccess(encodeRemoveRequest(publicKey), 'remove the key');
  }

  /** Removes every key (`ssh-add -D`). */
  async removeAll(): Promise<void> {
    await this.#expectSuccess(encodeRemoveAllRequest(), 'remove all keys');
  }

  /** Locks the agent with `passphrase` (`ssh-add -x`). */
  async lock(passphrase: string | Uint8Array): Promise<void> {
    await this.#expectSuccess(encodeLockRequest(true, passphrase), 'lock (is it locked already?)');
  }

  /** Unlocks the agent (`ssh-add -X`); a wrong passphrase or an unlocked agent is AGENT_FAILURE. */
  async unlock(passphrase: string | Uint8Array): Promise<void> {
    await this.#expectSuccess(encodeLockRequest(false, passphrase), 'unlock (wrong passphrase, or not locked)');
  }

  /** Asks sigchain's agent to shut down; returns its pid. AGENT_FAILURE from any other agent. */
  async stop(): Promise<number> {
    const m = await this.#request(encodeExtension(STOP_EXTENSION));
    if (m[0] === MSG.FAILURE) throw new SigchainError('AGENT_FAILURE', `The agent at ${this.socketPath} is not sigchain's; stop it the way it was started (ssh-agent -k).`, { socket: this.socketPath });
    return this.#decode(m, decodeStopAnswer);
  }

  /** Closes the connection; pending requests fail with AGENT_UNAVAILABLE. */
  close(): void {
    this.#drop(new SigchainError('AGENT_UNAVAILABLE', 'The connection to the key agent was closed by this client.'));
  }

  async #expectSuccess(msg: Buffer, what: string): Promise<void> {
    const m = await this.#request(msg);
    if (m.length === 1 && m[0] === MSG.SUCCESS) return;
    if (m.length === 1 && m[0] === MSG.FAILURE) throw new SigchainError('AGENT_FAILURE', `The key agent at ${this.socketPath} refused to ${what}.`, { socket: this.socketPath });
    throw this.#garbage(`an answer of type ${m[0]} to a request that expects SUCCESS`);
  }

  #decode<T>(m: Buffer, decode: (m: Buffer) => T): T {
    if (m.length === 1 && m[0] === MSG.FAILURE) throw new SigchainError('AGENT_FAILURE', `The key agent at ${this.socketPath} refused the request (SSH_AGENT_FAILURE).`, { socket: this.socketPath });
    try {
      return decode(m);
    } catch (e) {
      if (e instanceof ProtocolError) throw this.#garbage(e.message);
      throw e;
    }
  }

  #garbage(why: string): SigchainError {
    const e = new SigchainError('AGENT_FAILURE', `The program at ${this.socketPath} does not answer as an ssh-agent does (${why}). Check SIGCHAIN_AUTH_SOCK / SSH_AUTH_SOCK.`, { socket: this.socketPath });
    this.#drop(e);
    return e;
  }

  async #request(msg: Buffer): Promise<Buffer> {
    const sock = await this.#connect();
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#drop(new SigchainError('AGENT_UNAVAILABLE', `The key agent at ${this.socketPath} did not answer within ${this.timeoutMs} ms.`, { socket: this.socketPath }));
      }, this.timeoutMs);
      this.#pending.push({ resolve, reject, timer });
      if (this.#pending.length === 1) sock.ref();
      sock.write(msg);
    });
  }

  #connect(): Promise<Socket> {
    if (this.#sock && !this.#sock.destroyed) return Promise.resolve(this.#sock);
    this.#ready ??= new Promise<Socket>((resolve, reject) => {
      const sock = connect(this.socketPath);
      const onError = (e: NodeJS.ErrnoException): void => {
        this.#ready = undefined;
        reject(unavailable(this.socketPath, e));
      };
      sock.once('error', onError);
      sock.once('connect', () => {
        sock.off('error', onError);
        this.#sock = sock;
        this.#ready = undefined;
        this.#frames = new FrameReader();
        sock.on('data', (chunk: Buffer) => this.#onData(sock, chunk));
        sock.on('error', (e: NodeJS.ErrnoException) => this.#dropIf(sock, unavailable(this.socketPath, e, true)));
        sock.on('close', () =>
          this.#dropIf(
            sock,
            new SigchainError('AGENT_UNAVAILABLE', `The key agent at ${this.socketPath} closed the connection before answering: it stopped, was killed, or refuses this user.`, { socket: this.socketPath }),
          ),
        );
        sock.unref();
        resolve(sock);
      });
    });
    return this.#ready;
  }

  #onData(sock: Socket, chunk: Buffer): void {
    if (sock !== this.#sock) return;
    const { messages, refused } = this.#frames.push(chunk);
    for (const m of messages) {
      const p = this.#pending.shift();
      if (!p) {
        this.#garbage('an answer nobody asked for');
        return;
      }
      clearTimeout(p.timer);
      if (this.#pending.length === 0) sock.unref();
      p.resolve(m);
    }
    if (refused) this.#garbage(`an answer of ${refused.length} bytes, over the 256 KiB limit`);
  }

  #dropIf(sock: Socket, e: Error): void {
    if (sock === this.#sock) this.#drop(e);
  }

  #drop(e: Error): void {
    const sock = this.#sock;
    this.#sock = undefined;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    sock?.destroy();
  }
}

function unavailable(path: string, e: NodeJS.ErrnoException, midway = false): SigchainError {
  const why =
    e.code === 'ENOENT'
      ? 'no socket there'
      : e.code === 'ECONNREFUSED'
        ? 'nothing listens there'
        : e.code === 'EACCES'
          ? 'permission denied: the socket belongs to another user'
          : (e.code ?? e.message);
  return new SigchainError(
    'AGENT_UNAVAILABLE',
    `${midway ? 'The connection to the key agent failed' : 'No key agent answers'} at ${path} (${why}). Start one (\`eval "$(sigchain agent start)"\`) or set SIGCHAIN_AUTH_SOCK / SSH_AUTH_SOCK to a running agent.`,
    { socket: path },
  );
}
