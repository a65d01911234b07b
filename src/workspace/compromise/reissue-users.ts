/**
 * The hot loop of a compromise: re-sign user tokens with the replacement signing key and rewrite
 * their creds files. Synchronous and self-contained (no Workspace), so it runs the same inline
 * or in a worker thread (`reissue-worker.ts`).
 *
 * Per user it does the least that keeps every guarantee: one parse of the stored token (no
 * signature check, see {@link UserReissuer.resign}), one Ed25519 signature, one seed read, two
 * atomic file replacements without fsync (`FileReplacer`).
 *
 * The replacement key never comes here: signatures are asked of a {@link BatchSigner}, a batch
 * at a time, which is the custody signer on the main thread (inline) or a message to it (workers).
 */
import { readTextSync } from '../../store/bulk-read.js';
import { formatCreds } from '../../claims/nats/creds.js';
import { parseCreds } from '../../input/creds.js';
import { natsPayload } from '../../claims/nats/encode.js';
import { b64urlEncode } from '../../jwt/base64url.js';
import { signingInput } from '../../jwt/encode.js';
import type { UserClaims } from '../../claims/nats/types.js';
import { isSigchainError } from '../../errors.js';
import { decodeJwt } from '../../jwt/decode.js';
import { readUserSeedSync } from '../../custody/file.js';
import { FileReplacer } from '../../store/replace-files.js';

/** One user to re-issue. Plain data: it crosses to worker threads. */
export interface UserJob {
  /** Account folder name. */
  account: string;
  user: string;
  /** The user's public key (the token's subject), as the scan read it. */
  sub: string;
  /** The token to re-issue: the stored one, or its backup when the stored file was damaged. */
  token: string;
  jwtPath: string;
  credsPath: string;
  /** The user's `.nk` in the key store. */
  seedPath: string;
  /** Where the user's seed is: the key store, only the old creds file, or nowhere we hold. */
  seed: 'key-store' | 'creds-file' | 'none';
}

/** What happened to one user. */
export interface UserOutcome {
  /** The new token was written. */
  reissued: boolean;
  /** The creds file was rewritten with it. */
  creds: boolean;
  /** Why the token or the creds could not be written. */
  note?: string;
}

/** What every job of one run shares. */
export interface ReissueSettings {
  /** Public key of the replacement signing key (its private key stays in its backend). */
  signer: string;
  /** The account the users belong to (their `issuer_account`). */
  issuerAccount: string;
  /** The compromised key: only tokens it signed are re-issued. */
  compromised: string;
  /** Issued-at of every new token, Unix seconds. */
  iat: number;
  /** Temp-name tag (one per worker). */
  tag: string;
}

/** The seed of a user whose `.nk` is gone but whose old creds file holds it (nsc users, moved stores). */
function seedFromCreds(path: string, sub: string): { seed?: string; note?: string } {
  try {
    const text = readTextSync(path);
    if (text === undefined) return { note: 'its seed is not in the key store, and its creds file cannot be read' };
    const { jwt, seed } = parseCreds(text);
    if (decodeJwt(jwt).claims.sub !== sub) return { note: 'its seed is not in the key store, and its creds file is for another user' };
    return { seed };
  } catch (e) {
    return { note: `its seed is not in the key store, and its creds file cannot be read (${isSigchainError(e) ? e.code : 'error'})` };
  }
}

function seedOf(job: UserJob): { seed?: string; note?: string } {
  if (job.seed === 'key-store') return readUserSeedSync(job.seedPath);
  if (job.seed === 'creds-file') return seedFromCreds(job.credsPath, job.sub);
  return { note: 'its seed is not in the key store and it has no creds file' };
}

/** Per job of a batch: its new token, or why it cannot be made. */
export type SignedBatch = (string | { note: string })[];

/**
 * Signs a batch of signing inputs (`header.payload`, ASCII) of user tokens about `subjects`,
 * one signature each, in order.
 */
export type BatchSigner = (inputs: readonly string[], subjects: readonly string[]) => Promise<Uint8Array[]>;

/**
 * Re-issues users with one replacement key. Not thread-safe; one per thread.
 *
 * @example
 * ```ts
 * const r = new UserReissuer({ signer: sk.publicKey, issuerAccount, compromised, iat, tag: 'm' });
 * const outcomes = await r.reissueBatch(jobs, sign);
 * await r.finish();
 * ```
 */
export class UserReissuer {
  readonly #settings: ReissueSettings;
  readonly #files: FileReplacer;
  /** The creds text around the JWT and the seed, taken from the first formatCreds call. */
  #frame: [string, string, string] | undefined;

  constructor(settings: ReissueSettings) {
    this.#settings = settings;
    this.#files = new FileReplacer({ tag: settings.tag });
  }

  /**
   * The creds text. The first one comes from `formatCreds`, which checks the JWT's signature and
   * that the seed is the subject's; the rest reuse its exact frame, since those checks cost 12
   * signatures' worth each and the inputs are built the same way.
   */
  credsText(jwt: string, seed: string): string {
    if (!this.#frame) {
      const text = formatCreds(jwt, seed);
      const j = text.indexOf(jwt);
      const s = text.indexOf(seed, j + jwt.length);
      this.#frame = [text.slice(0, j), text.slice(j + jwt.length, s), text.slice(s + seed.length)];
      return text;
    }
    const [head, mid, tail] = this.#frame;
    return head + jwt + mid + seed + tail;
  }

  /**
   * What the new token of one user signs (same claims, same subject, same `issuer_account`,
   * issued by the replacement key), or why it cannot be made.
   *
   * The stored token's signature is not checked again: it was made by the compromised key, so it
   * proves nothing either way, and the store (0600 files under the store lock) is what is trusted.
   * Its shape is checked: a user token about `job.sub`, signed by the compromised key.
   */
  resign(job: Pick<UserJob, 'token' | 'sub'>): { input: string } | { note: string } {
    let claims: UserClaims;
    try {
      claims = decodeJwt<UserClaims>(job.token).claims;
    } catch (e) {
      return { note: `its token is not a JWT (${isSigchainError(e) ? e.code : 'unreadable'})` };
    }
    if (claims.nats?.type !== 'user' || claims.sub !== job.sub || claims.iss !== this.#settings.compromised) {
      return { note: 'its token changed shape since it was read (not a user token of this subject signed by the compromised key)' };
    }
    claims.nats.issuer_account = this.#settings.issuerAccount;
    try {
      return { input: signingInput(natsPayload(claims, this.#settings.signer, { iat: this.#settings.iat })) };
    } catch (e) {
      // A damaged token (a subject whose checksum fails…) must not stop the other users.
      if (!isSigchainError(e)) throw e;
      return { note: `its claims cannot be signed again (${e.code}): ${e.message}` };
    }
  }

  /**
   * Re-issues `jobs` ({@link resign}, one signature batch) and writes their files: creds first,
   * then the JWT, so an interruption never leaves a re-issued JWT beside stale creds (a re-run
   * re-issues any user whose JWT still names the old key).
   */
  async reissueBatch(jobs: readonly UserJob[], sign: BatchSigner): Promise<UserOutcome[]> {
    return this.writeBatch(jobs, await this.signBatch(jobs, sign));
  }

  /**
   * The first half of {@link reissueBatch}: the new tokens of `jobs` (by index), or why each
   * cannot be made. Nothing is written, so a caller may have the next batch signed while it
   * writes this one.
   */
  async signBatch(jobs: readonly UserJob[], sign: BatchSigner): Promise<SignedBatch> {
    const made = jobs.map((j) => this.resign(j));
    const todo = made.flatMap((m, i) => ('input' in m ? [i] : []));
    const sigs = todo.length ? await sign(todo.map((i) => (made[i] as { input: string }).input), todo.map((i) => jobs[i]!.sub)) : [];
    if (sigs.length !== todo.length) throw new Error('the signer returned a different number of signatures than asked for');
    const tokens: SignedBatch = made.map((m) => ('note' in m ? m : ''));
    todo.forEach((i, k) => (tokens[i] = `${(made[i] as { input: string }).input}.${b64urlEncode(sigs[k]!)}`));
    return tokens;
  }

  /** The second half of {@link reissueBatch}: writes the files of `jobs` signed by {@link signBatch}. */
  writeBatch(jobs: readonly UserJob[], signed: SignedBatch): UserOutcome[] {
    return jobs.map((job, i) => {
      const token = signed[i]!;
      if (typeof token !== 'string') return { reissued: false, creds: false, note: token.note };
      const found = seedOf(job);
      let creds = false;
      if (found.seed) {
        this.#files.replace(job.credsPath, this.credsText(token, found.seed));
        creds = true;
      }
      this.#files.replace(job.jwtPath, token);
      return found.note && !creds ? { reissued: true, creds, note: found.note } : { reissued: true, creds };
    });
  }

  /**
   * Rewrites the creds file of a user whose stored JWT already is `job.token` (re-issued by an
   * interrupted run whose creds write may not have landed). Returns whether it was written.
   */
  writeCreds(job: UserJob): boolean {
    const found = seedOf(job);
    if (!found.seed) return false;
    this.#files.replace(job.credsPath, this.credsText(job.token, found.seed));
    return true;
  }

  /** Frees the temp inodes; call once, after the last {@link reissue}. */
  finish(): Promise<void> {
    return this.#files.finish();
  }
}
