/**
 * `check coverage`: for an operator and each of its accounts, which kinds of statement some key
 * at hand may still sign, given the delegation restrictions in force (the trap Canton warns of:
 * restrict every key away from delegations and nothing can ever rotate signing keys again).
 */
import type { IssuingParent } from './choose-signer.js';
import { type StatementKind, STATEMENT_KINDS, mayUnder } from '../../keys/restrictions.js';
import { accountParent, operatorParent } from './issue.js';
import { readAccount, readOperator } from '../read.js';
import { sortByUsage } from './signer-usage.js';
import type { Workspace } from '../workspace.js';

/** One kind of statement of one parent, and the keys at hand that may sign it. */
export interface CoverageRow {
  entity: 'operator' | 'account';
  name: string;
  publicKey: string;
  kind: StatementKind;
  /** Public keys whose seed is in the key store and that may sign this kind now. */
  signers: string[];
}

/** What {@link checkCoverage} found. */
export interface CoverageResult {
  operator: string;
  rows: CoverageRow[];
  /** One per kind no key may sign, saying what would fail. */
  warnings: string[];
}

const CONSEQUENCE: Record<StatementKind, string> = {
  account: 'issuing or re-issuing its accounts would fail',
  'signing-keys': "adding, removing or rotating an account's signing keys would fail",
  user: 'issuing or re-issuing its users would fail',
  activation: 'issuing activations for its private exports would fail',
};

/** The kinds a statement of each kind is: changing an account's signing keys re-issues the account. */
const CARRIES: Record<StatementKind, readonly StatementKind[]> = {
  account: ['account'],
  'signing-keys': ['account', 'signing-keys'],
  user: ['user'],
  activation: ['activation'],
};

/** Keys of `parent` that may sign `kind`: seed at hand, `issuing` usage, not retired, allowed by restriction and strict mode. */
async function signersOf(ws: Workspace, parent: IssuingParent): Promise<Map<StatementKind, string[]>> {
  const listed = parent.signingKeys.map((k) => (typeof k === 'string' ? k : k.key));
  const { usable } = await sortByUsage(ws, await ws.loadSigners([parent.identity, ...listed]), 'issuing', `tokens for ${parent.kind} "${parent.name}"`);
  const out = new Map<StatementKind, string[]>();
  for (const kind of STATEMENT_KINDS[parent.kind]) {
    // A statement of a kind carries the kinds it implies (a signing-key change is an account
    // statement too): ONE key must be allowed all of them.
    const needs = CARRIES[kind];
    const keys = listed.filter((k) => usable.has(k) && needs.every((n) => mayUnder(parent.restrictions?.get(k), n)));
    if (!parent.strict && usable.has(parent.identity)) keys.unshift(parent.identity);
    out.set(kind, keys);
  }
  return out;
}

/**
 * Lists, for the operator and each account, every kind of statement with the keys at hand that
 * may sign it, and warns for each kind none may. Reads only; changes nothing.
 *
 * @example
 * ```ts
 * const { warnings } = await checkCoverage(ws, { operator: 'O' });
 * for (const w of warnings) console.warn(w);
 * ```
 */
export async function checkCoverage(ws: Workspace, opts: { operator?: string } = {}): Promise<CoverageResult> {
  const op = await ws.operator(opts.operator);
  const operator = await readOperator(op);
  const strict = operator.claims.nats.strict_signing_key_usage === true;
  const parents: IssuingParent[] = [operatorParent(operator)];
  for (const name of await op.listAccounts()) parents.push(accountParent(await readAccount(op, name), strict));
  const result: CoverageResult = { operator: op.name, rows: [], warnings: [] };
  for (const parent of parents) {
    for (const [kind, signers] of await signersOf(ws, parent)) {
      result.rows.push({ entity: parent.kind, name: parent.name, publicKey: parent.identity, kind, signers });
      if (signers.length) continue;
      result.warnings.push(
        `No key may sign \`${kind}\` for ${parent.kind} "${parent.name}": ${CONSEQUENCE[kind]}. ` +
          `Keep the seed of a key allowed to in the key store, or re-issue ${parent.kind} "${parent.name}" with a wider restriction (\`sigchain edit ${parent.kind} --restrict-sk PUB=CanSignAll\`) or a new signing key.`,
      );
    }
  }
  return result;
}
