/**
 * The key store's keys with their usages and state, and whom each belongs to as far as the
 * operator stores tell (what `sigchain keys list` shows). Seeds are never read.
 */
import { SigchainError, isSigchainError } from '../../errors.js';
import { type KeyUsage, matchesAnyUsage } from '../../keys/usage.js';
import type { Role } from '../../nkeys/roles.js';
import type { KeyListing } from '../../store/keystore.js';
import type { OperatorEntities } from '../../store/store.js';
import { type EntityKey, entityKeys } from './entity-keys.js';
import type { Workspace } from '../workspace.js';

/** Whether a stored key may still sign; `unreadable` when its usage record is damaged. */
export type KeyStatus = 'active' | 'retired' | 'unreadable';

/** Which keys {@link keyInventory} returns; every given condition must hold. */
export interface KeyInventoryFilter {
  /** Start of the public key (case-insensitive), e.g. `OAB` or a whole key. */
  fingerprint?: string;
  /** Keys holding at least one of these usages (keys nsc made count as having all). */
  usages?: readonly KeyUsage[];
  role?: Role;
  status?: Exclude<KeyStatus, 'unreadable'>;
}

/** One stored key, as listed. */
export interface KeyInventoryRow extends KeyListing {
  readonly status: KeyStatus;
  /** Whom it belongs to, e.g. `operator O`, `account O/A signing key`, `user O/A/U`; empty when no store names it. */
  readonly entities: string[];
}

/**
 * Checks a fingerprint filter and returns it upper-cased. A seed (or its start) is refused
 * without being echoed: pasting one here must not print it back.
 */
function normalizeFingerprint(text: string): string {
  const upper = text.trim().toUpperCase();
  // Every seed starts with S and no public key does, so any S… text may be (part of) a seed.
  if (upper.startsWith('S')) {
    throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'The fingerprint looks like (the start of) a seed, S…; a fingerprint is the start of a public key (O…, A…, U…, N…, C…, X…, M…, V…). Keep the seed secret: clear it from your shell history.');
  }
  if (!/^[A-Z2-7]+$/.test(upper)) throw new SigchainError('USAGE', 'A fingerprint is the start of a public key: letters A-Z and digits 2-7 only.');
  return upper;
}

/** Adds `label` under `key`. */
function note(map: Map<string, string[]>, key: string, label: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [label]);
  else if (!list.includes(label)) list.push(label);
}

/** The label of a key in the inventory, e.g. `account O/A signing key (scoped: svc)`. */
function label(k: EntityKey): string {
  const path = k.kind === 'operator' ? k.operator : k.kind === 'user' ? `${k.operator}/${k.account}/${k.entity}` : `${k.operator}/${k.account}`;
  if (k.curve) return `account ${path} encryption key`;
  const what = `${k.kind} ${path}`;
  if (!k.signing) return what;
  return k.scopeRole !== undefined ? `${what} signing key (scoped: ${k.scopeRole})` : `${what} signing key`;
}

/** Who uses each public key, across every operator in the store; damaged entities are skipped. */
async function owners(ws: Workspace): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const name of await ws.store.listOperators()) {
    let op: OperatorEntities;
    try {
      op = await ws.store.openOperator(name);
    } catch (e) {
      if (!isSigchainError(e)) throw e;
      continue;
    }
    for (const k of await entityKeys(ws, op, { skipDamaged: true })) note(out, k.publicKey, label(k));
  }
  return out;
}

function statusOf(k: KeyListing): KeyStatus {
  if (k.problem) return 'unreadable';
  return k.retired !== undefined ? 'retired' : 'active';
}

/**
 * The stored keys matching `filter`, sorted by public key, each with its usages, status and
 * owners. Keys made by nsc (no usage record) are listed as `legacy` with every usage.
 *
 * @example
 * ```ts
 * const issuers = await keyInventory(ws, { usages: ['issuing'], status: 'active' });
 * const one = await keyInventory(ws, { fingerprint: 'OAB' });
 * ```
 */
export async function keyInventory(ws: Workspace, filter: KeyInventoryFilter = {}): Promise<KeyInventoryRow[]> {
  const prefix = filter.fingerprint === undefined ? undefined : normalizeFingerprint(filter.fingerprint);
  const keys = (await ws.keys.listKeyInfo()).filter(
    (k) =>
      (prefix === undefined || k.publicKey.startsWith(prefix)) &&
      (filter.role === undefined || k.role === filter.role) &&
      (filter.usages === undefined || matchesAnyUsage(k.usages, filter.usages)) &&
      (filter.status === undefined || statusOf(k) === filter.status),
  );
  if (!keys.length) return [];
  const named = await owners(ws);
  // listKeyInfo's rows are fresh objects: completed in place (a spread per key costs more than reading it).
  for (const k of keys as Array<{ -readonly [K in keyof KeyInventoryRow]: KeyInventoryRow[K] }>) {
    k.status = statusOf(k);
    k.entities = named.get(k.publicKey) ?? [];
  }
  return keys as KeyInventoryRow[];
}
