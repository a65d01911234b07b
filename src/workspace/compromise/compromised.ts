/**
 * "A signing key leaked": the sledge hammer NATS documents, in one call. Remove the key from
 * the entity that lists it, add a fresh signing key with the same scope, re-sign that entity,
 * and re-issue everything the leaked key signed (accounts, users, activations) with the fresh
 * key. Tokens signed by other keys are not touched.
 *
 * Safe to run again after an interruption: the replacement key is stored and recorded in a
 * journal before any token changes, every step reads the current state first, and the user
 * files (the bulk) are backed up before they are rewritten (see `journal.ts`).
 */
import { type SignerLike, toSigner } from '../signing/signer-like.js';
import type { Signer } from '../../keys/signer.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { withStoreLock } from '../../store/lock.js';
import { type CompromiseJournal, removeJournal, writeJournal } from './journal.js';
import { applyParentSteps } from './parents.js';
import { type OperatorWork, describeUnsearched, scanCompromise } from './scan.js';
import type { CompromisePlan, CompromiseProgress, CompromiseResult } from './types.js';
import { applyUserSteps } from './users.js';
import type { Workspace } from '../workspace.js';

export type { CompromiseParent, CompromisePlan, CompromiseProgress, CompromiseResult, NotReissued, ReissueTarget } from './types.js';

/** Options of {@link planCompromise}. */
export interface PlanCompromiseOptions {
  /**
   * The key that re-signs the parent (`-K`): the operator's identity key for an operator
   * signing key, an operator key for an account signing key. Default: one whose seed is at hand.
   */
  signer?: SignerLike;
}

/** Options of {@link applyCompromise}. */
export interface ApplyCompromiseOptions extends PlanCompromiseOptions {
  /** Progress of the re-issue (for a progress bar). Throwing from it stops the run; running again finishes it. */
  onProgress?: (p: CompromiseProgress) => void;
  /** Threads that re-issue users; 0 or 1: inline. Default: one per core (at most 4) from 2,000 users. */
  workers?: number;
}

/**
 * The blast radius of a compromised signing key, changing nothing: the entities that list it,
 * the tokens it signed (accounts, users, activations) that would be re-issued, and what cannot
 * be and why (a user whose seed is elsewhere gets a new JWT but no creds file; a parent whose
 * signing key is not at hand blocks everything). Throws `COMPROMISED_KEY_IS_IDENTITY` for an
 * identity key: replacing one is identity rotation, not this.
 *
 * @example
 * ```ts
 * const plan = await planCompromise(ws, 'ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7');
 * plan.reissue.filter((t) => t.kind === 'user').length; // users to re-issue
 * plan.parents[0]?.blocked?.message;                     // why it cannot go ahead yet
 * ```
 */
export async function planCompromise(ws: Workspace, publicKey: string, opts: PlanCompromiseOptions = {}): Promise<CompromisePlan> {
  return (await scanCompromise(ws, publicKey, { ...opts, signer: await toSigner(ws, opts.signer) })).plan;
}

/**
 * The refusal of a compromise whose search could not read everything (`SEARCH_INCOMPLETE`):
 * names what could not be read, so it can be repaired (or deleted) before the run.
 *
 * @example
 * ```ts
 * if (plan.unsearched.length) throw searchIncomplete(plan);
 * ```
 */
export function searchIncomplete(plan: CompromisePlan): SigchainError {
  return new SigchainError(
    'SEARCH_INCOMPLETE',
    `The search for what ${plan.publicKey} signed is incomplete: ${describeUnsearched(plan.unsearched)} could not be read, so the key may be listed there or have signed tokens there that would stay trusted. Nothing was changed. ` +
      'Repair or restore those files (`sigchain describe account NAME` shows the error), or remove what is no longer used, then run `keys compromised` again.',
    { unsearched: plan.unsearched },
  );
}

function nextSteps(plan: CompromisePlan, key: string): string[] {
  const out: string[] = [];
  if (plan.parents.some((p) => p.kind === 'operator')) {
    out.push(`The operator JWT changed: regenerate the server configuration (\`sigchain nats server-config\`) and restart every server; nats-server cannot reload an operator JWT. Until then servers still trust ${key}.`);
  }
  out.push(
    `Account JWTs changed: regenerate the server configuration (\`sigchain nats server-config\`) and reload the servers (SIGHUP with a memory resolver), or push the accounts to the resolver. Until then servers still accept tokens signed by ${key}.`,
  );
  if (plan.reissue.some((t) => t.kind === 'user')) out.push('Hand the new creds files to their users: the old ones stop working once the servers have the new account JWT.');
  return out;
}

/** Journal parents from the scan; every parent has its replacement by now. */
function journalOf(w: OperatorWork, key: string, phase: CompromiseJournal['phase']): CompromiseJournal {
  return {
    version: 1,
    key,
    operator: w.op.name,
    phase,
    started: w.journal?.started ?? new Date().toISOString(),
    parents: w.parents.map((p) => ({ kind: p.view.kind, name: p.view.name, publicKey: p.view.publicKey, replacement: p.view.replacement!, scope: p.view.scope })),
  };
}

/**
 * Gives every parent of `w` its replacement key: the one a previous run recorded, else a new
 * key (stored with the `issuing` usage only), then records them in the journal. Returns the key
 * pairs by parent identity key.
 */
async function chooseReplacements(ws: Workspace, w: OperatorWork, key: string, result: CompromiseResult): Promise<Map<string, Signer>> {
  const out = new Map<string, Signer>();
  for (const p of w.parents) {
    const r = p.view.replacement;
    const held = r ? await ws.custody.trySigner(r) : undefined;
    if (r && held) {
      out.set(p.view.publicKey, held);
      result.replacements.push({ kind: p.view.kind, operator: w.op.name, name: p.view.name, publicKey: r, storedAt: ws.custody.whereIs(held), ...(p.view.scope ? { scope: p.view.scope.role } : {}) });
      continue;
    }
    if (r && p.view.replaced) {
      throw new SigchainError(
        'STORE_NOT_FOUND',
        `${p.view.kind} "${p.view.name}" already lists the replacement key ${r}, but its private key is no longer held here (not in the key store at ${ws.keys.keyPath(r)}, plain or sealed; not registered), so the tokens ${key} signed cannot be re-issued with it. Restore that seed, or add another signing key to ${p.view.kind} "${p.view.name}" and re-issue them with -K.`,
        { publicKey: r },
      );
    }
    const kp = await ws.custody.generate(p.view.kind, defaultUsages(p.view.kind, 'signing-key'));
    const storedAt = ws.custody.whereIs(kp);
    p.view.replacement = kp.publicKey;
    out.set(p.view.publicKey, kp);
    result.replacements.push({ kind: p.view.kind, operator: w.op.name, name: p.view.name, publicKey: kp.publicKey, storedAt, ...(p.view.scope ? { scope: p.view.scope.role } : {}) });
  }
  // Durable before any token changes: a re-run must find and reuse these keys.
  await writeJournal(w.op, journalOf(w, key, w.journal?.phase ?? 'parents'));
  return out;
}

/** A stopwatch: each call returns the seconds since the previous one (or since it was made). */
function phaseClock(): () => number {
  let last = process.hrtime.bigint();
  return () => {
    const now = process.hrtime.bigint();
    const s = Number(now - last) / 1e9;
    last = now;
    return s;
  };
}

/** Retires the compromised key in the key store (if its seed is there): nothing signs with it again. */
async function retire(ws: Workspace, key: string, replacements: CompromiseResult['replacements']): Promise<boolean> {
  if (!(await ws.keys.hasKey(key))) return false;
  const only = replacements.length === 1 ? replacements[0]!.publicKey : undefined;
  try {
    await ws.keys.retireKey(key, { reason: 'compromised', ...(only ? { replacedBy: only } : {}) });
  } catch (e) {
    if (!isSigchainError(e, 'KEY_RETIRED')) throw e;
  }
  return true;
}

/**
 * Does what {@link planCompromise} shows, under the store and key store locks: for each entity
 * listing `publicKey`, a fresh signing key with the same scope replaces it and the entity is
 * re-signed; every account, user and activation it signed is re-issued with the fresh key
 * (claims, subject, `issuer_account` and user seeds kept; revoked users are left alone, since a
 * new token would lift the revocation); creds files are rewritten where the user's seed is at
 * hand; the compromised key's seed, if stored, is retired. Nothing changes when a parent cannot
 * be re-signed (`NO_APPROPRIATE_SIGNING_KEY`, `KEY_USAGE_VIOLATION`…: pass the key with `signer`).
 * Run it again after an interruption: it finishes with the same replacement key.
 *
 * @example
 * ```ts
 * const r = await applyCompromise(ws, 'ADUQ…', { onProgress: (p) => bar.update(p.done, p.total) });
 * r.replacements[0].publicKey; // the new signing key
 * r.reissued.length;           // tokens re-issued
 * r.cannot;                    // what could not be, and why
 * ```
 */
export async function applyCompromise(ws: Workspace, publicKey: string, opts: ApplyCompromiseOptions = {}): Promise<CompromiseResult> {
  const start = process.hrtime.bigint();
  // Stores first, then the key store: the fixed order every sigchain writer uses.
  return ws.store.locked(() =>
    withStoreLock(ws.keys.root, async () => {
      const clock = phaseClock();
      const signer = await toSigner(ws, opts.signer);
      const { plan, work } = await scanCompromise(ws, publicKey, { signer });
      // A partial search would replace the key where it was found and leave it trusted where it
      // was not: the operator would believe the leak handled. Nothing changes until all is read.
      if (plan.unsearched.length) throw searchIncomplete(plan);
      const phases = { scan: clock(), parents: 0, users: 0, sync: 0 };
      const key = plan.publicKey;
      const result: CompromiseResult = {
        publicKey: key,
        role: plan.role,
        status: plan.status === 'not-listed' ? 'not-listed' : 'done',
        resumed: plan.status === 'resuming',
        replacements: [],
        resigned: [],
        reissued: [],
        credsWritten: 0,
        // Creds outcomes come from the run itself (a seed file may turn out unreadable).
        cannot: plan.cannot.filter((c) => c.kind !== 'creds'),
        retired: false,
        warnings: [...plan.notes],
        next: [],
        seconds: 0,
        phases,
      };
      if (plan.status !== 'not-listed') {
        const blocked = plan.parents.find((p) => p.blocked);
        if (blocked) throw new SigchainError(blocked.blocked!.code, `Nothing was changed. ${blocked.kind === 'operator' ? 'Operator' : 'Account'} "${blocked.name}" must be re-signed without ${key}, and cannot be: ${blocked.blocked!.message}`, { parent: blocked.publicKey });
        const iat = Math.floor(Date.now() / 1000);
        let retired = false;
        for (const w of work) {
          const replacements = await chooseReplacements(ws, w, key, result);
          if (!retired) result.retired = retired = await retire(ws, key, result.replacements);
          clock();
          await applyParentSteps({ ws, key, replacements, signer, iat, result, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) }, w);
          phases.parents += clock();
          await applyUserSteps(
            {
              ws,
              key,
              iat,
              replacements,
              result,
              markChildren: () => writeJournal(w.op, journalOf(w, key, 'children')),
              phases,
              ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
              ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
            },
            w,
          );
          await removeJournal(w.op, key);
        }
        result.next = nextSteps(plan, key);
      }
      result.seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return result;
    }),
  );
}
