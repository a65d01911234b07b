/**
 * The backends that keep keys outside this process (agent, pkcs11, kms), behind one small
 * surface so their code, and their native or cloud dependencies, load only when a key of theirs
 * is used: a command that never touches an HSM never loads pkcs11js.
 */
import { SigchainError } from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import type { KeyBackend, Signer } from '../keys/signer.js';
import type { KeyUsage } from '../keys/usage.js';
import type { Role } from '../nkeys/roles.js';

/** What a remote backend is opened with. */
export interface RemoteOptions {
  env: NodeJS.ProcessEnv;
  /** PKCS#11: the URI new keys are made under, and a PIN file. */
  uri?: string;
  pinFile?: string;
}

/** The facts recorded about a key registered by URI. */
export interface RegisteredKey {
  publicKey: string;
  role: Role;
  usages: readonly KeyUsage[];
}

/** The remote backends, loaded. */
export interface RemoteBackends {
  open(backend: KeyBackend, options: RemoteOptions): Promise<Keyring>;
  fromUri(backend: KeyBackend, uri: string, key: RegisteredKey, options: RemoteOptions): Promise<Signer>;
  /** The raw 32-byte Ed25519 public key a URI names. */
  publicKey(backend: KeyBackend, uri: string, options: RemoteOptions): Promise<Uint8Array>;
  /** The URI as it may be stored and printed (no PIN). */
  publicUri(backend: KeyBackend, uri: string): Promise<string>;
}

function notBuilt(backend: KeyBackend): SigchainError {
  return new SigchainError('KEYRING_UNSUPPORTED', `The ${backend} backend is not part of this build of sigchain.`, { backend });
}

// Each backend's module is imported only when first used, so a backend that is not installed fails
// when used, not when sigchain starts. The imports are literal so that the CLI bundle
// (scripts/build-cli.mjs) carries these modules: a path computed at run time would resolve
// beside the bundle, or load a second copy of sigchain (and of its error class) from dist/.
const MODULES: Record<'agent' | 'pkcs11' | 'kms', { spec: string; load: () => Promise<object> }> = {
  agent: { spec: './agent/keyring.js', load: () => import('./agent/keyring.js') },
  pkcs11: { spec: './pkcs11/keyring.js', load: () => import('./pkcs11/keyring.js') },
  kms: { spec: './kms/keyring.js', load: () => import('./kms/keyring.js') },
};

async function load(backend: KeyBackend): Promise<Record<string, unknown>> {
  const m = MODULES[backend as keyof typeof MODULES];
  if (!m) throw notBuilt(backend);
  try {
    return (await m.load()) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes(m.spec.slice(2))) throw notBuilt(backend);
    throw e;
  }
}

type Fn = (...args: unknown[]) => Promise<unknown>;
function fn(mod: Record<string, unknown>, name: string, backend: KeyBackend): Fn {
  const f = mod[name];
  if (typeof f !== 'function') throw notBuilt(backend);
  return f as Fn;
}

/** Loads the remote backends' entry points (each module only when first used). */
export async function loadRemote(): Promise<RemoteBackends> {
  return {
    async open(backend, options) {
      const mod = await load(backend);
      if (backend === 'agent') return (await fn(mod, 'agentKeyring', backend)({ env: options.env })) as Keyring;
      if (backend === 'pkcs11') return (await fn(mod, 'pkcs11Keyring', backend)(options)) as Keyring;
      throw new SigchainError('KEYRING_UNSUPPORTED', 'Keys are not made in a KMS by sigchain: make the key in the service (AWS, GCP, Vault), then record it with `sigchain keys register URI --account --usage U`.', { backend });
    },
    async fromUri(backend, uri, key, options) {
      const mod = await load(backend);
      return (await fn(mod, backend === 'pkcs11' ? 'pkcs11SignerFromUri' : 'kmsSignerFromUri', backend)(uri, key, options)) as Signer;
    },
    async publicKey(backend, uri, options) {
      const mod = await load(backend);
      return (await fn(mod, backend === 'pkcs11' ? 'pkcs11PublicKey' : 'kmsPublicKey', backend)(uri, options)) as Uint8Array;
    },
    async publicUri(backend, uri) {
      // A PIN never lands in a record or on screen.
      if (backend !== 'pkcs11') return uri;
      return (await import('./pkcs11/uri.js')).publicUri(uri);
    },
  };
}
