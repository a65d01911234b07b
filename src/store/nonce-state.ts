/**
 * The nonce claims signed so far: per contract, the highest nonce signed, kept in
 * `$SIGCHAIN_HOME/nonces/nonce-claims.json` so that `sigchain sign --nonce-claim` never signs a
 * nonce that is not greater than the last one for that contract, whatever the key and whatever
 * process asks (a stolen script cannot replay an old claim through this machine).
 *
 * A nonce is reserved BEFORE it is signed: read, compare and write happen under the folder's
 * lock, and the new state is on disk (written atomically) before the lock is let go. Of many
 * processes racing on one nonce exactly one wins. If the signature then fails (a refused
 * usage, a locked agent), the nonce stays spent: claims must be strictly increasing anyway,
 * so the caller signs the next one. Never the reverse (sign, then record), which would let a
 * crash in between sign the same nonce twice.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SigchainError } from '../errors.js';
import { SECRET_FILE_MODE, ioError, writeFileAtomic } from './atomic.js';
import { type LockOptions, withStoreLock } from './lock.js';

/** Folder (below the sigchain home) and file of the nonce state. */
export const NONCE_DIR = 'nonces';
export const NONCE_FILE = 'nonce-claims.json';

interface NonceFile {
  version: 1;
  /** contract → highest nonce signed, as a decimal string (nonces are uint64). */
  contracts: Record<string, string>;
}

async function readState(path: string): Promise<NonceFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, contracts: {} };
    throw ioError('read', path, e);
  }
  try {
    const o = JSON.parse(text) as NonceFile;
    if (o?.version === 1 && o.contracts && typeof o.contracts === 'object' && Object.values(o.contracts).every((v) => typeof v === 'string' && /^\d+$/.test(v))) return o;
  } catch {
    /* below */
  }
  // Never start over from nothing: that would allow every old nonce again.
  throw new SigchainError('STORE_CORRUPT', `${path} does not hold the nonce state, so no nonce claim can be checked against it; nothing was signed. Restore it from a backup, or rewrite it as {"version":1,"contracts":{"CONTRACT":"LAST_NONCE"}} with the last nonce of each contract.`, { path });
}

/**
 * Reserves `nonce` for `contract` in the state kept in `dir` (`$SIGCHAIN_HOME/nonces`): refuses
 * with `NONCE_NOT_INCREASING` unless it is greater than every nonce reserved before for that
 * contract, else records it (durably) and returns the previous one.
 *
 * @example
 * ```ts
 * await reserveNonce(join(home, NONCE_DIR), '42', 7n); // { previous: 6n }
 * await reserveNonce(join(home, NONCE_DIR), '42', 7n); // throws NONCE_NOT_INCREASING
 * ```
 */
export async function reserveNonce(dir: string, contract: string, nonce: bigint, lock?: LockOptions): Promise<{ previous?: bigint }> {
  const path = join(dir, NONCE_FILE);
  return withStoreLock(
    dir,
    async () => {
      const state = await readState(path);
      const contracts = new Map(Object.entries(state.contracts));
      const had = contracts.get(contract);
      const last = had === undefined ? undefined : BigInt(had);
      if (last !== undefined && nonce <= last) {
        throw new SigchainError(
          'NONCE_NOT_INCREASING',
          `Nonce ${nonce} of contract ${contract} is not greater than ${last}, the last nonce signed for it on this machine, so nothing was signed (a claim may not be replayed or reordered). Claim a nonce above ${last}.`,
          { contract, nonce: nonce.toString(), last: last.toString() },
        );
      }
      contracts.set(contract, nonce.toString());
      // A Map, and an object built from it, so a contract named "__proto__" is just a name.
      const next: NonceFile = { version: 1, contracts: Object.fromEntries(contracts) };
      await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode: SECRET_FILE_MODE });
      return last === undefined ? {} : { previous: last };
    },
    lock ?? { timeoutMs: 30_000 },
  );
}

/**
 * The last nonce reserved for `contract`, if any.
 *
 * @example
 * ```ts
 * await lastNonce(join(home, NONCE_DIR), '42'); // 7n
 * ```
 */
export async function lastNonce(dir: string, contract: string): Promise<bigint | undefined> {
  const state = await readState(join(dir, NONCE_FILE));
  const had = new Map(Object.entries(state.contracts)).get(contract);
  return had === undefined ? undefined : BigInt(had);
}
