/**
 * The current operator and account: what commands act on when none is named. Kept in
 * `config.json` (sigchain mode) or nsc's own `nsc.json` (nsc mode), in nsc's JSON shape
 * `{"store_root","operator","account",…}`, so nsc and sigchain follow each other's `select`.
 *
 * As nsc does, a saved choice that no longer exists is ignored, and when there is exactly one
 * operator (or account) it is the default.
 */
import { readFileSync } from 'node:fs';
import { SigchainError } from '../errors.js';
import { PRIVATE_DIR_MODE, SECRET_FILE_MODE, ioError, writeFileAtomic } from './atomic.js';
import { withStoreLock } from './lock.js';
import { safeName } from './names.js';
import type { EntityStore, OperatorEntities } from './store.js';
import type { StorePaths } from './paths.js';

/** The context file's JSON. Unknown keys (nsc's `github_updates`, `last_update`, …) are kept on write. */
export interface ContextFile {
  store_root?: string;
  operator?: string;
  account?: string;
  [key: string]: unknown;
}

/** The resolved current context; a field is undefined when nothing is selected and there is no single default. */
export interface CurrentContext {
  readonly operator: string | undefined;
  readonly account: string | undefined;
}

/**
 * Reads the context file; `{}` when it does not exist. `STORE_CORRUPT` when it is not a JSON object.
 *
 * @example
 * ```ts
 * (await readContextFile(paths)).operator; // 'ACME'
 * ```
 */
export async function readContextFile(paths: StorePaths): Promise<ContextFile> {
  const file = paths.configFile.path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8'); // sync: a few bytes, read by every command
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw ioError('read', file, e);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SigchainError('STORE_CORRUPT', `${file} is not a JSON object. Delete it and select the operator and account again.`, { path: file });
  }
  return v as ContextFile;
}

/**
 * Updates the context file: sets (string) or clears (null) the operator and account, records the
 * stores folder as `store_root`, and keeps every other key. Atomic and locked.
 *
 * @example
 * ```ts
 * await writeContextFile(paths, { operator: 'ACME', account: null });
 * ```
 */
export async function writeContextFile(paths: StorePaths, update: { operator?: string | null; account?: string | null }): Promise<ContextFile> {
  return withStoreLock(paths.configDir.path, async () => {
    const current = await readContextFile(paths);
    // nsc's field order first, so the file diffs cleanly against one nsc wrote.
    const next: ContextFile = { store_root: paths.storesDir.path, operator: current.operator ?? '', account: current.account ?? '', ...current };
    next.store_root = paths.storesDir.path;
    if (update.operator !== undefined) next.operator = update.operator ?? '';
    if (update.account !== undefined) next.account = update.account ?? '';
    await writeFileAtomic(paths.configFile.path, JSON.stringify(next), { mode: SECRET_FILE_MODE, dirMode: PRIVATE_DIR_MODE });
    return next;
  });
}

// nsc's saneDefault: keep the saved choice if it still exists, else the only one, else nothing.
function saneDefault(saved: string | undefined, choices: string[]): string | undefined {
  if (choices.length === 1) return choices[0];
  return saved && choices.includes(saved) ? saved : undefined;
}

/**
 * The current operator and account without failing: what `sigchain env` shows.
 *
 * @example
 * ```ts
 * await currentContext(store, paths); // { operator: 'ACME', account: 'billing' }
 * ```
 */
export async function currentContext(store: EntityStore, paths: StorePaths): Promise<CurrentContext> {
  const saved = await readContextFile(paths);
  const operator = saneDefault(saved.operator, await store.listOperators());
  if (!operator) return { operator: undefined, account: undefined };
  const op = await store.openOperator(operator);
  return { operator, account: saneDefault(saved.account, await op.listAccounts()) };
}

/**
 * The operator a command acts on: `named` if given (it must exist), else the selected one,
 * else the only one. `NO_CONTEXT` when several exist and none is selected; `STORE_NOT_FOUND`
 * when there are none or `named` does not exist.
 *
 * @example
 * ```ts
 * const op = await resolveOperator(store, paths, flags.operator);
 * ```
 */
export async function resolveOperator(store: EntityStore, paths: StorePaths, named?: string): Promise<OperatorEntities> {
  if (named !== undefined) return store.openOperator(named);
  const operators = await store.listOperators();
  if (operators.length === 0) throw noOperators(store);
  const chosen = saneDefault((await readContextFile(paths)).operator, operators);
  if (!chosen) {
    throw new SigchainError(
      'NO_CONTEXT',
      `No operator is selected and ${store.location} holds ${operators.length} (${operators.join(', ')}). Run \`sigchain select operator NAME\` or pass \`--operator NAME\`.`,
      { kind: 'operator', choices: operators },
    );
  }
  return store.openOperator(chosen);
}

function noOperators(store: EntityStore): SigchainError {
  return new SigchainError('STORE_NOT_FOUND', `There are no operators in ${store.location}. Create an operator first, or point --data-dir (or --nsc) at the folder holding your stores.`, { kind: 'operator', dir: store.location, operators: [] });
}

/**
 * The account a command acts on within `op`: `named` if given (it must exist), else the
 * selected one, else the only one. `NO_CONTEXT` when several exist and none is selected;
 * `STORE_NOT_FOUND` when there are none or `named` does not exist.
 *
 * @example
 * ```ts
 * const account = await resolveAccount(op, paths, flags.account); // 'billing'
 * ```
 */
export async function resolveAccount(op: OperatorEntities, paths: StorePaths, named?: string): Promise<string> {
  if (named !== undefined) {
    const a = safeName(named, 'account');
    await op.readAccountJwt(a); // throws STORE_NOT_FOUND listing the accounts
    return a;
  }
  const accounts = await op.listAccounts();
  if (accounts.length === 0) {
    throw new SigchainError('STORE_NOT_FOUND', `Operator ${op.name} has no accounts. Add an account first.`, { kind: 'account', operator: op.name, accounts: [] });
  }
  const saved = await readContextFile(paths);
  // A saved account only counts for the operator it was saved with.
  const chosen = saneDefault(saved.operator === op.name ? saved.account : undefined, accounts);
  if (!chosen) {
    throw new SigchainError(
      'NO_CONTEXT',
      `No account is selected in operator ${op.name}, which has ${accounts.length} (${accounts.join(', ')}). Run \`sigchain select account NAME\` or pass \`--account NAME\`.`,
      { kind: 'account', operator: op.name, choices: accounts },
    );
  }
  return chosen;
}

/**
 * Makes `name` the current operator. The current account is kept if the new operator has it,
 * else set to its only account, else cleared (as nsc does).
 *
 * @example
 * ```ts
 * await selectOperator(store, paths, 'ACME');
 * ```
 */
export async function selectOperator(store: EntityStore, paths: StorePaths, name: string): Promise<ContextFile> {
  const op = await store.openOperator(name);
  const saved = await readContextFile(paths);
  const account = saneDefault(saved.account, await op.listAccounts());
  return writeContextFile(paths, { operator: op.name, account: account ?? null });
}

/**
 * Makes `account` the current account of the current (or `operator`) operator, selecting that
 * operator too.
 *
 * @example
 * ```ts
 * await selectAccount(store, paths, 'billing');
 * ```
 */
export async function selectAccount(store: EntityStore, paths: StorePaths, account: string, operator?: string): Promise<ContextFile> {
  const op = await resolveOperator(store, paths, operator);
  const a = await resolveAccount(op, paths, account);
  return writeContextFile(paths, { operator: op.name, account: a });
}

/**
 * The `keyring_backend` saved in the context file (`$SIGCHAIN_HOME/config.json`), read at once
 * since a workspace is opened synchronously; undefined when the file or the setting is absent.
 * A file that is not JSON is left to {@link readContextFile} to refuse.
 */
export function keyringBackendSetting(paths: StorePaths): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(paths.configFile.path, 'utf8'));
  } catch {
    return undefined;
  }
  const b = (v as Record<string, unknown> | null)?.keyring_backend;
  return typeof b === 'string' ? b : undefined;
}
