/**
 * The `kms` backend: keys that live in AWS KMS, GCP Cloud KMS or Vault transit, named by their
 * cosign key URIs and used by id. sigchain never holds their private half: it asks the service to
 * sign, and checks every signature it gets back against the registered public key before using it
 * (`KMS_BAD_SIGNATURE`), so a service that errs, or a key that was swapped behind an alias, can
 * never put a bad signature into a token. Keys are made in the cloud console or CLI and then
 * registered (`sigchain keys register URI`); this backend does not create them.
 */
import { SigchainError } from '../../errors.js';
import type { Keyring } from '../../keys/keyring.js';
import type { KeyringEntry, SignContext, Signer } from '../../keys/signer.js';
import { type KeyUsage, normalizeUsages } from '../../keys/usage.js';
import { decodePublicKey, encodePublicKey } from '../../nkeys/codec.js';
import { verifySignature } from '../../nkeys/keypair.js';
import type { Role } from '../../nkeys/roles.js';
import { guardUsage } from '../guard.js';
import type { KmsAdapter } from './adapter.js';
import { awsKmsAdapter } from './aws.js';
import { gcpKmsAdapter } from './gcp.js';
import { callKms, type KmsOptions, kmsTimeoutMs } from './remote.js';
import { formatKmsUri, type KmsUri, parseKmsUri } from './uri.js';
import { vaultTransitAdapter } from './vault.js';

export type { KmsOptions } from './remote.js';

/** A key registered in the `kms` backend: where it lives and what it is. */
export interface KmsKeyRecord {
  /** Its cosign key URI (`awskms:///…`, `gcpkms://…`, `hashivault://…`). */
  readonly uri: string;
  /** The nkey role it was registered as (an Ed25519 key has no role of its own). */
  readonly role: Role;
  readonly usages: readonly KeyUsage[];
  /** Its public nkey, as registered. When absent it is read from the service at first need. */
  readonly publicKey?: string;
}

/** The adapter that speaks to the service of `uri`. */
export function kmsAdapter(uri: KmsUri, opts: KmsOptions = {}): KmsAdapter {
  const env = opts.env ?? process.env;
  switch (uri.scheme) {
    case 'awskms':
      return awsKmsAdapter(uri, env);
    case 'gcpkms':
      return gcpKmsAdapter(uri, env, kmsTimeoutMs(opts));
    default:
      return vaultTransitAdapter(uri, env);
  }
}

/**
 * Reads the raw 32-byte Ed25519 public key of the key at `uri` from its service: what
 * `keys register` records. A key of another type is `KEY_NOT_ED25519`; a malformed URI
 * `KEY_URI_INVALID`; no answer in time `KMS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const raw = await kmsPublicKey('awskms:///alias/nats-operator');
 * const pub = encodePublicKey('operator', raw); // 'O…'
 * ```
 */
export async function kmsPublicKey(uri: string, opts: KmsOptions = {}): Promise<Uint8Array> {
  const parsed = parseKmsUri(uri);
  const adapter = kmsAdapter(parsed, opts);
  try {
    return await callKms(adapter, 'a public key request', kmsTimeoutMs(opts), (signal) => adapter.publicKey(signal));
  } finally {
    await adapter.close();
  }
}

/**
 * The {@link Signer} of a registered KMS key. Makes no request until the first `sign`, which
 * checks the usage first (`KEY_USAGE_VIOLATION`, before any request), asks the service, and
 * returns the signature only once node:crypto has verified it against `meta.publicKey`.
 *
 * @example
 * ```ts
 * const signer = await kmsSignerFromUri('hashivault://nats-operator', { publicKey: 'O…', role: 'operator', usages: ['identity'] });
 * const token = await encodeOperatorAsync(claims, { publicKey: signer.publicKey, sign: (b) => signer.sign(b, { usage: 'identity', kind: 'jwt' }) });
 * ```
 */
export async function kmsSignerFromUri(uri: string, meta: { publicKey: string; role: Role; usages: readonly KeyUsage[] }, opts: KmsOptions = {}): Promise<Signer> {
  const parsed = parseKmsUri(uri);
  const canonical = formatKmsUri(parsed);
  const { role, raw } = decodePublicKey(meta.publicKey);
  if (role !== meta.role) {
    throw new SigchainError('NKEY_WRONG_ROLE', `${meta.publicKey} is a${role === 'operator' || role === 'account' ? 'n' : ''} ${role} key, but ${canonical} is registered as ${meta.role}.`, {
      publicKey: meta.publicKey,
      uri: canonical,
    });
  }
  const usages = normalizeUsages(meta.usages);
  const timeoutMs = kmsTimeoutMs(opts);
  let adapter: KmsAdapter | undefined;
  return {
    publicKey: meta.publicKey,
    role: meta.role,
    usages,
    backend: 'kms',
    uri: canonical,
    async sign(data: Uint8Array, context: SignContext): Promise<Uint8Array> {
      guardUsage({ publicKey: meta.publicKey, usages }, context);
      adapter ??= kmsAdapter(parsed, opts);
      const a = adapter;
      const sig = await callKms(a, 'a signing request', timeoutMs, (signal) => a.sign(data, raw, signal));
      if (sig.length !== 64 || !verifySignature(meta.publicKey, data, sig)) {
        throw new SigchainError(
          'KMS_BAD_SIGNATURE',
          `${a.service} at ${a.where} returned a signature by ${canonical} that does not verify with ${meta.publicKey}: it was not used. The key behind the URI may have been replaced (an alias moved, a version rotated); check it with \`sigchain keys register\` again.`,
          { uri: canonical, publicKey: meta.publicKey, service: a.service },
        );
      }
      return sig;
    },
  };
}

/**
 * A {@link Keyring} over a fixed set of registered KMS keys. `generate` is `KEYRING_UNSUPPORTED`:
 * KMS keys are made in the service and then registered.
 *
 * @example
 * ```ts
 * const ring = kmsKeyring({ keys: [{ uri: 'awskms:///alias/nats-op', role: 'operator', usages: ['identity'], publicKey: 'O…' }] });
 * const signer = await ring.signer('O…');
 * ```
 */
export function kmsKeyring(opts: KmsOptions & { keys: readonly KmsKeyRecord[] }): Keyring {
  const records = opts.keys.map((k) => ({ ...k, uri: formatKmsUri(parseKmsUri(k.uri)), usages: normalizeUsages(k.usages) }));
  const resolved = new Map<(typeof records)[number], Promise<string>>();
  const publicKeyOf = (r: (typeof records)[number]): Promise<string> => {
    if (r.publicKey) return Promise.resolve(r.publicKey);
    let p = resolved.get(r);
    if (!p) {
      p = kmsPublicKey(r.uri, opts).then((raw) => encodePublicKey(r.role, raw));
      p.catch(() => resolved.delete(r));
      resolved.set(r, p);
    }
    return p;
  };
  const find = async (publicKey: string) => {
    for (const r of records) if ((await publicKeyOf(r)) === publicKey) return r;
    return undefined;
  };
  return {
    backend: 'kms',
    async has(publicKey: string): Promise<boolean> {
      return (await find(publicKey)) !== undefined;
    },
    async signer(publicKey: string): Promise<Signer> {
      const r = await find(publicKey);
      if (!r) {
        throw new SigchainError('STORE_NOT_FOUND', `No KMS key registered here is ${publicKey}. Register it first: sigchain keys register URI.`, {
          publicKey,
          backend: 'kms',
        });
      }
      return kmsSignerFromUri(r.uri, { publicKey, role: r.role, usages: r.usages }, opts);
    },
    async generate(): Promise<Signer> {
      throw new SigchainError(
        'KEYRING_UNSUPPORTED',
        'The kms backend does not make keys: create an Ed25519 signing key in the KMS (AWS ECC_NIST_EDWARDS25519, GCP EC_SIGN_ED25519, Vault transit type ed25519), then register it with `sigchain keys register URI`.',
        { backend: 'kms' },
      );
    },
    async list(): Promise<KeyringEntry[]> {
      const entries = await Promise.all(
        records.map(async (r): Promise<KeyringEntry> => ({ publicKey: await publicKeyOf(r), role: r.role, usages: [...r.usages], backend: 'kms', uri: r.uri })),
      );
      return entries.sort((a, b) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : 0));
    },
  } satisfies Keyring;
}
