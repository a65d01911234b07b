/**
 * Which backend holds a key, and the one door every signature goes through. The key store says
 * where each key it knows lives (`<PUB>.nk` file, `<PUB>.nk.age` encrypted, a record naming an
 * HSM or KMS key); a key it does not know may be in the key agent. New keys go to the backend the
 * operator picked (`--keyring-backend`, `SIGCHAIN_KEYRING_BACKEND`, `keyring_backend` in
 * config.json), else `encrypted` for operator and account keys and `file` for the rest.
 */
import { SigchainError } from '../errors.js';
import { type KeyMeta, legacyMeta } from '../keys/key-meta.js';
import type { Keyring, SeedKeyring } from '../keys/keyring.js';
import { KEY_BACKENDS, type KeyBackend, type KeyringEntry, type Signer, withSign } from '../keys/signer.js';
import { type KeyUsage, normalizeUsages } from '../keys/usage.js';
import { KeyPair } from '../nkeys/keypair.js';
import { encodePublicKey } from '../nkeys/codec.js';
import type { Role } from '../nkeys/roles.js';
import type { KeyStore } from '../store/keystore.js';
import type { PassphraseSource } from './encrypted.js';
import type { RemoteBackends } from './remote.js';
import type { AuditCaller } from '../keys/audit-record.js';

// The backends load when a key is first used: a command that only reads the store loads none.
const seedSigner = async (...args: Parameters<typeof import('./seed-signer.js').seedSigner>) => (await import('./seed-signer.js')).seedSigner(...args);

function isSeedKeyring(ring: Keyring): ring is SeedKeyring {
  return typeof (ring as Partial<SeedKeyring>).exportKey === 'function';
}

/** How to open a {@link Custody}. */
export interface CustodyOptions {
  /** The key store (nsc layout) that holds file and encrypted keys and the records of HSM/KMS keys. */
  keys: KeyStore;
  /** Where `SIGCHAIN_*`, `SSH_AUTH_SOCK`, `VAULT_*`, `AWS_*` are read. */
  env: NodeJS.ProcessEnv;
  /** The backend new keys go to; unset: encrypted for operator and account keys, file for others. */
  backend?: KeyBackend;
  /** Asks for the passphrase of an encrypted key; without it such keys cannot be opened or made. */
  passphrase?: PassphraseSource;
  /** scrypt work factor for new encrypted keys (age's 18 by default). */
  workFactor?: number;
  /** The PKCS#11 URI new HSM keys are made under (`--pkcs11-uri`), and a PIN file. */
  pkcs11?: { uri?: string; pinFile?: string };
  /** The audit log's folder: every signature handed out is recorded there first, with `caller`. */
  audit?: { dir: string; caller: AuditCaller };
  /** Wraps every signer handed out (after the audit log). */
  wrap?: (signer: Signer) => Signer;
  /** Told once per key when an operator or account key signs from a plain file (a hot wallet). */
  onHotKey?: (publicKey: string, role: Role) => void;
}

/** Parses a backend name (`--keyring-backend`), refusing an unknown one with `KEYRING_BACKEND_UNKNOWN`. */
export function parseBackend(name: string, from: string): KeyBackend {
  const v = name.trim().toLowerCase();
  if ((KEY_BACKENDS as readonly string[]).includes(v)) return v as KeyBackend;
  throw new SigchainError('KEYRING_BACKEND_UNKNOWN', `${from} names the keyring backend "${name}", which sigchain does not have. Use one of: ${KEY_BACKENDS.join(', ')}.`, { backend: name });
}

/** The backend a new key of `role` goes to when none was picked. */
export function defaultBackend(role: Role): KeyBackend {
  return role === 'operator' || role === 'account' ? 'encrypted' : 'file';
}

/**
 * Every key, wherever it lives.
 *
 * @example
 * ```ts
 * const custody = new Custody({ keys: ws.keys, env: process.env, passphrase: async () => 'pw' });
 * const sk = await custody.generate('account', ['issuing']);          // sealed: keys/A/…/A….nk.age
 * const sig = await (await custody.signer(sk.publicKey)).sign(data, { usage: 'issuing', kind: 'jwt' });
 * ```
 */
export class Custody {
  readonly options: CustodyOptions;
  readonly #rings = new Map<KeyBackend, Promise<Keyring>>();
  #memory: SeedKeyring | undefined;
  readonly #warned = new Set<string>();
  // One signer per key for the life of this custody: an encrypted key is opened (and its
  // passphrase asked) once, however many tokens a command signs with it.
  readonly #signers = new Map<string, Signer>();
  #remote: Promise<RemoteBackends> | undefined;

  constructor(options: CustodyOptions) {
    this.options = options;
  }

  /** The keyring of one backend (opened once; agent, pkcs11 and kms load their code only now). */
  ring(backend: KeyBackend): Promise<Keyring> {
    let r = this.#rings.get(backend);
    if (!r) {
      r = this.#open(backend);
      this.#rings.set(backend, r);
      r.catch(() => this.#rings.delete(backend));
    }
    return r;
  }

  async #open(backend: KeyBackend): Promise<Keyring> {
    const { keys, env } = this.options;
    switch (backend) {
      case 'file':
        return (await import('./file.js')).fileKeyring(keys);
      case 'encrypted':
        return (await import('./encrypted.js')).encryptedKeyring(keys, this.#passphrase(), this.options.workFactor === undefined ? {} : { workFactor: this.options.workFactor });
      case 'memory':
        this.#memory ??= (await import('./memory.js')).memoryKeyring();
        return this.#memory;
      default:
        return (await this.#remotes()).open(backend, { env, ...(this.options.pkcs11 ?? {}) });
    }
  }

  #remotes(): Promise<RemoteBackends> {
    this.#remote ??= import('./remote.js').then((m) => m.loadRemote());
    return this.#remote;
  }

  #passphrase(): PassphraseSource {
    const source = this.options.passphrase;
    if (source) return source;
    return async ({ publicKey }) => {
      throw new SigchainError('KEYRING_PASSPHRASE_REQUIRED', `${publicKey} is sealed with a passphrase and none was given. Pass --passphrase-file FILE, set SIGCHAIN_PASSPHRASE, or run in a terminal to be asked.`, { publicKey });
    };
  }

  /** The backend a new key of `role` goes to. */
  backendFor(role: Role): KeyBackend {
    return this.options.backend ?? defaultBackend(role);
  }

  /** Where `publicKey` lives, or undefined when no backend here holds it. Nothing is unlocked. */
  async locate(publicKey: string): Promise<KeyringEntry | undefined> {
    return (await this.#find(publicKey))?.entry;
  }

  // Where the key is, with its record read once (the retirement check needs it too).
  async #find(publicKey: string): Promise<{ entry: KeyringEntry; meta: KeyMeta } | undefined> {
    const { keys } = this.options;
    const role = KeyPair.fromPublic(publicKey).role;
    const meta = await keys.getKeyMeta(publicKey);
    const found = (entry: KeyringEntry) => ({ entry, meta });
    if (await keys.hasKey(publicKey)) return found({ publicKey, role, usages: meta.usages, backend: 'file' });
    if (await keys.hasEncryptedKey(publicKey)) return found({ publicKey, role, usages: meta.usages, backend: 'encrypted' });
    if (!meta.legacy && (meta.backend === 'pkcs11' || meta.backend === 'kms') && meta.uri) return found({ publicKey, role, usages: meta.usages, backend: meta.backend, uri: meta.uri });
    if (this.#memory && (await this.#memory.has(publicKey))) return found({ publicKey, role, usages: (await this.#memory.signer(publicKey)).usages, backend: 'memory' });
    if (this.#agentSocket()) {
      const agent = await this.ring('agent').catch(() => undefined);
      if (agent && (await agent.has(publicKey).catch(() => false))) {
        const s = await agent.signer(publicKey);
        return found({ publicKey, role, usages: s.usages, backend: 'agent' });
      }
    }
    return undefined;
  }

  #agentSocket(): string | undefined {
    return this.options.env.SIGCHAIN_AUTH_SOCK || this.options.env.SSH_AUTH_SOCK || undefined;
  }

  /** The signer of `publicKey`, or undefined when no backend here holds it. Nothing is unlocked yet. */
  async trySigner(publicKey: string): Promise<Signer | undefined> {
    // Looked up every time (a stat or two): a key removed or moved since is not used from memory.
    const hit = await this.#find(publicKey);
    if (!hit) return undefined;
    const { entry: where, meta } = hit;
    const known = this.#signers.get(publicKey);
    if (known?.backend === where.backend) return known;
    let signer: Signer;
    if (where.backend === 'pkcs11' || where.backend === 'kms') {
      signer = await (await this.#remotes()).fromUri(where.backend, where.uri!, { publicKey, role: where.role, usages: where.usages }, { env: this.options.env, ...(this.options.pkcs11 ?? {}) });
    } else {
      signer = await (await this.ring(where.backend)).signer(publicKey);
    }
    // A retired key signs nothing, whoever asks; refused inside the audit log, so it shows there.
    if (meta.retired !== undefined) signer = refuseRetired(signer, meta);
    return this.#keep(this.#handOut(signer));
  }

  /** The signer of `publicKey`; `STORE_NOT_FOUND` when no backend here holds it. */
  async signer(publicKey: string): Promise<Signer> {
    const s = await this.trySigner(publicKey);
    if (s) return s;
    throw new SigchainError('STORE_NOT_FOUND', `No backend here holds the private key of ${publicKey}: not the key store (${this.options.keys.keyPath(publicKey)}[.age]), no registered HSM or KMS key${this.#agentSocket() ? ', not the key agent' : ''}. List the keys with \`sigchain keys list\`.`, { publicKey });
  }

  /**
   * A signer over a seed given directly (`-K SEED` or a seed file): kept in this process only. Its
   * usages are the key store's record of that key, or all when the store does not know it.
   */
  async signerFromSeed(key: KeyPair): Promise<Signer> {
    const meta: KeyMeta = await this.options.keys.getKeyMeta(key.publicKey).catch(() => legacyMeta(key.publicKey));
    return this.#handOut(await seedSigner({ publicKey: key.publicKey, role: key.role, usages: meta.usages, backend: 'file' }, async () => key));
  }

  #keep(signer: Signer): Signer {
    this.#signers.set(signer.publicKey, signer);
    return signer;
  }

  /** Where a key is kept, for people: its file, or its URI, or the agent. */
  whereIs(entry: Pick<KeyringEntry, 'publicKey' | 'backend' | 'uri'>): string {
    const { keys } = this.options;
    switch (entry.backend) {
      case 'file':
        return keys.keyPath(entry.publicKey);
      case 'encrypted':
        return keys.encryptedKeyPath(entry.publicKey);
      case 'memory':
        return 'memory';
      case 'agent':
        return `agent ${this.#agentSocket() ?? ''}`.trim();
      default:
        return entry.uri ?? entry.backend;
    }
  }

  #handOut(signer: Signer): Signer {
    let out = signer;
    if (signer.backend === 'file' && (signer.role === 'operator' || signer.role === 'account') && this.options.onHotKey) {
      const notify = this.options.onHotKey;
      const warned = this.#warned;
      out = {
        ...signer,
        sign: async (data, context) => {
          const sig = await signer.sign(data, context);
          if (!warned.has(signer.publicKey)) {
            warned.add(signer.publicKey);
            notify(signer.publicKey, signer.role);
          }
          return sig;
        },
      };
    }
    if (this.options.audit) out = lazyAudited(out, this.options.audit);
    return this.options.wrap ? this.options.wrap(out) : out;
  }

  /** Makes a new key of `role` in `backend` (default {@link backendFor}), its usages fixed from now on. */
  async generate(role: Role, usages: readonly KeyUsage[], backend: KeyBackend = this.backendFor(role)): Promise<Signer> {
    const ring = await this.ring(backend);
    const signer = await ring.generate(role, normalizeUsages(usages));
    if (signer.uri && (backend === 'pkcs11' || backend === 'kms')) {
      await this.options.keys.registerKey({ publicKey: signer.publicKey, usages: signer.usages, legacy: false, created: new Date().toISOString(), backend, uri: signer.uri });
    }
    return this.#keep(this.#handOut(signer));
  }

  /**
   * Stores a key pair (seed included) in `backend` (default {@link backendFor}). With
   * `keepExisting`, a key already stored in a plain file keeps the usages recorded for it
   * (decided under the key-store lock, so a key another process stores meanwhile is not refused).
   */
  async importKey(key: KeyPair, usages: readonly KeyUsage[], backend: KeyBackend = this.backendFor(key.role), opts: { keepExisting?: boolean } = {}): Promise<Signer> {
    const ring = await this.ring(backend);
    if (opts.keepExisting && backend === 'file') {
      await this.options.keys.storeKey(key, { usagesIfNew: normalizeUsages(usages) });
      const meta = await this.options.keys.getKeyMeta(key.publicKey);
      return this.#keep(this.#handOut(await seedSigner({ publicKey: key.publicKey, role: key.role, usages: meta.usages, backend: 'file' }, async () => key)));
    }
    if (!isSeedKeyring(ring)) {
      const instead = backend === 'pkcs11' ? 'Make the key inside the token (`sigchain generate nkey --store --keyring-backend pkcs11`) instead.' : backend === 'agent' ? `Load it into the agent with \`sigchain agent add ${key.publicKey}\`.` : 'Make the key in the service, then `sigchain keys register URI`.';
      throw unsupported(`put a seed into the ${backend} backend`, instead);
    }
    this.#signers.delete(key.publicKey);
    return this.#keep(this.#handOut(await ring.importKey(key, normalizeUsages(usages))));
  }

  /** The key pair of `publicKey`, seed included (file, encrypted and memory keys only). */
  async exportKey(publicKey: string): Promise<KeyPair> {
    const where = await this.locate(publicKey);
    if (!where) return this.signer(publicKey).then(() => { throw new Error('unreachable'); });
    const ring = where.backend === 'pkcs11' || where.backend === 'kms' ? undefined : await this.ring(where.backend);
    if (!ring || !isSeedKeyring(ring)) throw unsupported(`take the private key of ${publicKey} out of the ${where.backend} backend`, 'Keys made in an HSM, a KMS or handed to an agent stay there; sign through them instead.');
    return ring.exportKey(publicKey);
  }

  /**
   * Moves a key into `to`: stored there first, then removed from where it was, so a failure half
   * way leaves it in both places, never in none. Never out of pkcs11 or kms.
   */
  async move(publicKey: string, to: KeyBackend): Promise<{ from: KeyBackend; to: KeyBackend }> {
    const where = await this.locate(publicKey);
    if (!where) await this.signer(publicKey);
    const from = where!.backend;
    if (from === to) return { from, to };
    const source = await this.ring(from);
    if (!isSeedKeyring(source)) throw unsupported(`move ${publicKey} out of the ${from} backend`, 'Keys made in an HSM or KMS never leave it.');
    const key = await source.exportKey(publicKey);
    await this.importKey(key, where!.usages, to);
    await (source as SeedKeyring).removeKey(publicKey);
    this.#signers.delete(publicKey);
    return { from, to };
  }

  /**
   * Records a key that already lives in an HSM or KMS (`pkcs11:…`, `awskms://…`, `gcpkms://…`,
   * `hashivault://…`): its public key is read from the backend and must be Ed25519.
   */
  async register(uri: string, role: Role, usages: readonly KeyUsage[]): Promise<KeyringEntry> {
    const backend: KeyBackend = uri.startsWith('pkcs11:') ? 'pkcs11' : 'kms';
    const remotes = await this.#remotes();
    const raw = await remotes.publicKey(backend, uri, { env: this.options.env, ...(this.options.pkcs11 ?? {}) });
    const shown = await remotes.publicUri(backend, uri);
    if (raw.length !== 32) throw new SigchainError('KEY_NOT_ED25519', `${shown} is not a 32-byte Ed25519 public key, so it cannot be an nkey.`);
    const publicKey = encodePublicKey(role, raw);
    await this.options.keys.registerKey({ publicKey, usages: normalizeUsages(usages), legacy: false, created: new Date().toISOString(), backend, uri: shown });
    return { publicKey, role, usages: normalizeUsages(usages), backend, uri: shown };
  }

  /** Every key the key store knows, with its backend (and the agent's, when one is running). */
  async list(): Promise<KeyringEntry[]> {
    const out = new Map<string, KeyringEntry>();
    for (const k of await this.options.keys.listKeyInfo()) {
      const backend: KeyBackend = k.path.endsWith('.nk') ? 'file' : k.path.endsWith('.nk.age') ? 'encrypted' : (k.backend ?? 'file');
      out.set(k.publicKey, { publicKey: k.publicKey, role: k.role, usages: [...k.usages], backend, ...(k.uri ? { uri: k.uri } : {}) });
    }
    return [...out.values()].sort((a, b) => (a.publicKey < b.publicKey ? -1 : 1));
  }
}

function refuseRetired(signer: Signer, meta: KeyMeta): Signer {
  return {
    ...signer,
    async sign(data, context) {
      const { assertNotRetired } = await import('../keys/assert-usage.js');
      assertNotRetired(meta, context.kind === 'jwt' ? 'tokens' : context.kind === 'nonce-claim' ? 'nonce claims' : `${context.kind}s`);
      return signer.sign(data, context);
    },
  };
}

// The audit code (and the log) load at the first signature, not when a signer is looked up.
function lazyAudited(signer: Signer, audit: { dir: string; caller: AuditCaller }): Signer {
  let wrapped: Promise<Signer> | undefined;
  return withSign(signer, async (data, context) => {
    wrapped ??= Promise.all([import('./audited.js'), import('../store/audit/log.js')]).then(([a, log]) => a.audited(signer, log.openAuditLog(audit.dir), audit.caller));
    return (await wrapped).sign(data, context);
  });
}

function unsupported(what: string, instead: string): SigchainError {
  return new SigchainError('KEYRING_UNSUPPORTED', `sigchain cannot ${what}. ${instead}`);
}
