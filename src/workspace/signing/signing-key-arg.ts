import { SigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { decodePublicKey, isPublicKey } from '../../nkeys/codec.js';
import { KeyPair } from '../../nkeys/keypair.js';
import type { Role } from '../../nkeys/roles.js';
import type { Workspace } from '../workspace.js';
import { readSecretFile } from '../../store/keystore.js';
import { isSeed } from '../../nkeys/codec.js';

function isSeedSpec(text: string): boolean {
  return !isPublicKey(text);
}

// The seed of a -K/--sk value that is a seed or a seed file (resolveSigner has judged it already).
async function seedOf(ws: Workspace, text: string): Promise<KeyPair> {
  if (isSeed(text)) return KeyPair.fromSeed(text);
  const content = (await readSecretFile(text)) ?? '';
  return KeyPair.fromSeed(content.split(/\r?\n/).map((l) => l.trim()).find((l) => isSeed(l)) ?? '');
}

/**
 * Refuses a key whose usages can never sign as a signing key (no "issuing": an authentication-
 * or identity-only key) before it is listed: listed, it would be a signing key that every
 * issue skips or refuses, found out only when an account or user must be signed. A key the key
 * store has no record of counts as `All` (usages are recorded when sigchain makes or imports it).
 */
async function refuseNonIssuing(ws: Workspace, publicKey: string, role: Role): Promise<void> {
  const meta = await ws.keys.getKeyMeta(publicKey);
  if (meta.usages.includes('issuing')) return;
  throw new SigchainError(
    'KEY_USAGE_VIOLATION',
    `The ${role} key ${publicKey} cannot be ${article(role)} ${role} signing key: its usages (${meta.usages.join(',') || 'none'}) lack "issuing", so it could never sign a token as one, and usages never change. ` +
      `Use a key made for signing: \`sigchain edit ${role} --sk generate\`, or \`sigchain generate nkey --${role} --store\` and then --sk with its public key.`,
    { publicKey, usages: [...meta.usages], needed: 'issuing' },
  );
}

/** 'an operator', 'an account', 'a user': by sound. */
function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** A signing key named on the command line, resolved to its public key. */
export interface SigningKeyArg {
  publicKey: string;
  /** Where its seed was stored, when sigchain generated it or was handed its seed. */
  storedAt?: string;
  generated: boolean;
}

/** A resolved `--sk` value whose seed (if any) is not stored yet: {@link storeSigningKeys} stores it. */
export interface PendingSigningKey {
  publicKey: string;
  generated: boolean;
  /** The key with its seed, when one was generated or given; absent for a bare public key. */
  keyPair?: KeyPair;
}

/**
 * Resolves an `--sk` value: a public key (seed not needed), `generate` (a new key, in memory),
 * or a seed / `.nk` path. Writes nothing: a refused command must leave the key store as it
 * was, so the caller stores the seeds with {@link storeSigningKeys} only once every check has
 * passed and the token is about to be written.
 * The key must be of `role` (operator signing keys are O keys, account ones A keys).
 *
 * @example
 * ```ts
 * const sk = await resolveSigningKeyArg(ws, 'generate', 'account');
 * // … add it to the claims, sign the token (may refuse) …
 * const [stored] = await storeSigningKeys(ws, [sk]);
 * ```
 */
export async function resolveSigningKeyArg(ws: Workspace, spec: string, role: Role): Promise<PendingSigningKey> {
  const text = spec.trim();
  if (text === 'generate') {
    const kp = KeyPair.create(role);
    return { publicKey: kp.publicKey, generated: true, keyPair: kp };
  }
  if (isPublicKey(text)) {
    decodePublicKey(text, [role]);
    await refuseNonIssuing(ws, text, role);
    return { publicKey: text, generated: false };
  }
  const kp = await ws.resolveSigner(text);
  if (kp.role !== role) {
    throw new SigchainError('NKEY_WRONG_ROLE', `${article(role) === 'an' ? 'An' : 'A'} ${role} signing key must be ${article(role)} ${role} key (${role[0]!.toUpperCase()}…); the key given is a ${kp.role} key. Generate one with \`sigchain generate nkey --${role} --store\`.`, { role: kp.role, expected: role });
  }
  await refuseNonIssuing(ws, kp.publicKey, role);
  // A seed or .nk given: the seed itself, to store it with the token.
  return { publicKey: kp.publicKey, generated: false, ...(isSeedSpec(text) ? { keyPair: await seedOf(ws, text) } : {}) };
}

/**
 * Stores the seeds of resolved `--sk` keys: a generated key with the signing-key usages
 * (`issuing`); a given seed gets them too when the key store does not hold it yet, while a
 * key already stored keeps what it has (usages never change). Call it after every check.
 *
 * @example
 * ```ts
 * result.added = await storeSigningKeys(ws, pending);
 * await op.writeAccountJwt(name, issued.token);
 * ```
 */
export async function storeSigningKeys(ws: Workspace, keys: readonly PendingSigningKey[]): Promise<SigningKeyArg[]> {
  const out: SigningKeyArg[] = [];
  for (const k of keys) {
    if (!k.keyPair) {
      out.push({ publicKey: k.publicKey, generated: false });
      continue;
    }
    const usages = defaultUsages(k.keyPair.role, 'signing-key');
    // A key already held somewhere keeps its place and its usages (they never change).
    const held = k.generated ? undefined : await ws.custody.locate(k.publicKey);
    const signer = held ? undefined : await ws.custody.importKey(k.keyPair, usages, undefined, { keepExisting: !k.generated });
    out.push({ publicKey: k.publicKey, storedAt: ws.keys.keyPath(k.publicKey) + (signer?.backend === 'encrypted' || held?.backend === 'encrypted' ? '.age' : ''), generated: k.generated });
  }
  return out;
}
