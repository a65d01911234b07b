/**
 * Signing a WebAssembly module or component as `wash claims sign` does: actor (component)
 * claims with `wascap_revision` 3 and the revision-3 module hash, embedded in a `wasmcloud_jwt`
 * custom section (an old token, under either name and at any depth, is replaced). Bytes in,
 * bytes out: the CLI reads and writes the files.
 */
import { decodeWascap, encodeWascap } from '../../claims/wascap/codec.js';
import { newActorClaims } from '../../claims/wascap/builders.js';
import type { ActorClaims } from '../../claims/wascap/types.js';
import { SigchainError } from '../../errors.js';
import type { Signer } from '../../keys/signer.js';
import { defaultUsages } from '../../keys/usage.js';
import { isPublicKey, isSeed } from '../../nkeys/codec.js';
import { roleOfKey } from '../../nkeys/roles.js';
import { computeModuleHash } from '../../wasm/hash.js';
import { embedToken, readEmbeddedToken } from '../../wasm/token.js';
import { assertSignerMay } from '../signing/signer-usage.js';
import { type SignerLike, toSigner } from '../signing/signer-like.js';
import { tokenSigner } from '../signing/token-signer.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link signModule}. */
export interface SignModuleOptions {
  /** The account key, or one of the account's signing keys, that issues the module's token (`-K`). */
  issuer: SignerLike;
  /** The module's public key (M…); default a new module key, generated and kept in custody. */
  subject?: string;
  /** The module's name (`wascap.name`). */
  name: string;
  tags?: string[];
  rev?: number;
  ver?: string;
  /** Normalised as wascap does (lower case, `-`, `.`, space → `_`). */
  callAlias?: string;
  /** Unix seconds; 0/undefined = never. */
  expiry?: number;
  /** Not valid before, Unix seconds; 0/undefined = at once. */
  start?: number;
}

/** What {@link signModule} made. */
export interface SignedModule {
  /** The signed module: the input with its token sections replaced by the new token. */
  bytes: Uint8Array;
  /** The embedded token (compact JWT). */
  token: string;
  claims: ActorClaims;
  /** The revision-3 module hash signed into the token (of the input and of the output alike). */
  hash: string;
  issuer: string;
  subject: string;
  /** Set when the module key was generated here. */
  generatedSubject?: { publicKey: string; keyPath: string };
  /** The section of the token the input already carried, now replaced; absent for an unsigned input. */
  replaced?: 'wasmcloud_jwt' | 'jwt';
}

function roleWord(key: string): string {
  const role = roleOfKey(key);
  return role ? `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} key` : 'not a key';
}

/** The module key given with `--subject`: a public module key (M…), never a seed. */
function checkSubject(subject: string): string {
  const s = subject.trim();
  if (isSeed(s)) throw new SigchainError('USAGE', 'The subject must be the module\'s public key (M…), not a seed: a module\'s token names its key, it never holds its secret. Give the public key.');
  if (!isPublicKey(s)) throw new SigchainError('USAGE', `The subject "${String(s).slice(0, 12)}…" is not a public key. Give the module's public key (M…), or omit --subject to generate one.`);
  if (roleOfKey(s) !== 'module') throw new SigchainError('WRONG_KEY_ROLE', `The subject ${s} is ${roleWord(s)}; a module's token is about a module key (M…). Give the module's key, or omit --subject to generate one.`, { field: 'sub', publicKey: s });
  return s;
}

function checkIssuer(issuer: Signer): void {
  if (issuer.role !== 'account') {
    throw new SigchainError(
      'WRONG_KEY_ROLE',
      `The issuer ${issuer.publicKey} is ${roleWord(issuer.publicKey)}; only an account key or one of the account's signing keys (A…, listed in its valid_signers) may sign a module. Give that key with -K.`,
      { field: 'iss', publicKey: issuer.publicKey },
    );
  }
}

/**
 * Signs a WebAssembly module or component: the revision-3 module hash of `bytes`, actor claims
 * for `subject` (a module key, generated and stored with usage `identity` when absent) signed by
 * `issuer` (an account key: `WRONG_KEY_ROLE` otherwise; it must hold the `issuing` usage), and
 * the token embedded in a `wasmcloud_jwt` section, replacing any old one. `MALFORMED_WASM` for
 * bytes that are not a well-formed module or component, checked before any key is made.
 *
 * @example
 * ```ts
 * const signed = await signModule(ws, readFileSync('echo.wasm'), { issuer: await ws.resolveSigner(accountKey), name: 'echo' });
 * computeModuleHash(signed.bytes) === signed.hash; // true
 * decodeWascap(readEmbeddedToken(signed.bytes)!.token, { expect: 'actor' }).claims.wascap.hash === signed.hash; // true
 * ```
 */
export async function signModule(ws: Workspace, bytes: Uint8Array, opts: SignModuleOptions): Promise<SignedModule> {
  // The input is judged first: a file that is not WebAssembly makes no key and signs nothing.
  const hash = computeModuleHash(bytes);
  const old = readEmbeddedToken(bytes);
  if (typeof opts.name !== 'string' || opts.name.length === 0) throw new SigchainError('USAGE', 'Name the module (--name): wascap tokens carry one.');
  const issuer = await toSigner(ws, opts.issuer);
  if (!issuer) throw new SigchainError('USAGE', 'Give the key that signs the module with -K: the account key or one of its signing keys.');
  checkIssuer(issuer);
  const given = opts.subject === undefined ? undefined : checkSubject(opts.subject);
  const what = `the token of module "${opts.name}"`;
  await assertSignerMay(ws, issuer, 'issuing', what);
  const generated = given === undefined ? await ws.custody.generate('module', defaultUsages('module')) : undefined;
  const subject = given ?? generated!.publicKey;
  try {
    const claims = newActorClaims(opts.name, subject, {
      hash,
      ...(opts.tags !== undefined ? { tags: opts.tags } : {}),
      ...(opts.rev !== undefined ? { rev: opts.rev } : {}),
      ...(opts.ver !== undefined ? { ver: opts.ver } : {}),
      ...(opts.callAlias !== undefined ? { callAlias: opts.callAlias } : {}),
      ...(opts.expiry ? { exp: opts.expiry } : {}),
      ...(opts.start ? { nbf: opts.start } : {}),
    });
    const token = await encodeWascap(claims, tokenSigner(issuer, 'issuing', subject));
    const out = embedToken(bytes, token, 'wasmcloud_jwt');
    const result: SignedModule = {
      bytes: out,
      token,
      claims: decodeWascap(token, { expect: 'actor', checkTime: false }).claims,
      hash,
      issuer: issuer.publicKey,
      subject,
    };
    if (generated) result.generatedSubject = { publicKey: generated.publicKey, keyPath: ws.custody.whereIs(generated) };
    if (old) result.replaced = old.section;
    return result;
  } catch (e) {
    if (generated) await ws.keys.removeKey(generated.publicKey);
    throw e;
  }
}
