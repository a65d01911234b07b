/**
 * The process `store.validate_10k` times our side in (bench/store-cases.ts): forked once, it
 * answers each `run` message with one `validateStore` of the store in `home`, each
 * `one_thread` message with one in-memory verification of the given tokens on this thread, and
 * each `verify_files` message with what `sigchain verify FILE...` does with the store's user files.
 *
 * Why a process of its own: by the time the full bench reaches the store figures, this process
 * has run every token format, verdict and chain shape of the other families through the same
 * verifier functions, and V8 has compiled them for all of those (measured: 5% slower validates
 * than in a process that only validates, the same code). `sigchain validate` runs in a fresh
 * process, as does the Go peer; so does this. It stays up between rounds, so each round after
 * the first is warm, as the Go peer is.
 */
import { type PlainPolicy, verifyMany } from '../src/workspace/verify/verify-many.js';
import { readStoreTrust } from '../src/workspace/verify/store-trust.js';
import { validateStore } from '../src/workspace/verify/validate.js';
import { verifyInputs } from '../src/workspace/verify/verify-inputs.js';
import { Workspace } from '../src/workspace/workspace.js';

/** What the parent asks. */
export type ValidateChildRequest = { run: 'validate'; home: string } | { run: 'one_thread'; given?: OneThreadInput } | { run: 'verify_files'; home: string; files?: string[] };

/** The tokens `one_thread` verifies: sent once, kept for the later rounds. */
export interface OneThreadInput {
  tokens: string[];
  chain: string[];
  policy: PlainPolicy;
}

let kept: OneThreadInput | undefined;
let keptFiles: string[] | undefined;

/** What the child answers: seconds taken and tokens judged, or why it failed. */
export type ValidateChildAnswer = { seconds: number; checked: number; problem?: string } | { failed: string };

async function answer(m: ValidateChildRequest): Promise<ValidateChildAnswer> {
  if (m.run === 'validate') {
    const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: m.home, HOME: m.home } });
    const t = performance.now();
    const r = await validateStore(ws, { allAccounts: true });
    const seconds = (performance.now() - t) / 1000;
    return { seconds, checked: r.checked, ...(r.problems.length ? { problem: `${r.problems[0]!.code} ${r.problems[0]!.message}` } : {}) };
  }
  if (m.run === 'verify_files') {
    // As `sigchain verify FILE...` does: the store's chain and roots, then every file judged.
    keptFiles = m.files ?? keptFiles;
    if (!keptFiles) return { failed: 'verify_files: no files were given' };
    const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: m.home, HOME: m.home } });
    const t = performance.now();
    const store = await readStoreTrust(ws);
    const r = await verifyInputs(keptFiles, { chain: store.tokens, policy: { trustedOperators: store.operators, revokedJtis: store.revokedJtis } });
    const seconds = (performance.now() - t) / 1000;
    const bad = r.find((v) => !v.valid);
    return { seconds, checked: r.length, ...(bad ? { problem: `${bad.input}: ${bad.errors[0]!.code} ${bad.errors[0]!.message}` } : {}) };
  }
  kept = m.given ?? kept;
  if (!kept) return { failed: 'one_thread: no tokens were given' };
  const t = performance.now();
  const r = await verifyMany(kept.tokens, kept.chain, kept.policy, { workers: 1 });
  const seconds = (performance.now() - t) / 1000;
  const bad = r.errors.find((e) => e.length > 0);
  return { seconds, checked: kept.tokens.length, ...(bad ? { problem: `${bad[0]!.code} ${bad[0]!.message}` } : {}) };
}

process.on('message', (m: ValidateChildRequest) => {
  answer(m).then(
    (a) => process.send!(a),
    (e: unknown) => process.send!({ failed: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
