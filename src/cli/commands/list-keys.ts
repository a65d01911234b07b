import { isSigchainError } from '../../errors.js';
import type { Role } from '../../nkeys/roles.js';
import type { OperatorEntities } from '../../store/store.js';
import type { Workspace } from '../../workspace/workspace.js';
import { entityKeys } from '../../workspace/signing/entity-keys.js';
import { type Command, type CommandContext, flag, str } from '../command.js';
import { renderGrid, wrapText } from '../output/table.js';
import { contextOrNothing, openWorkspace } from './support.js';

const USAGE = 'list keys [-o] [-a] [-u] [-x] [-A] [--account NAME] [--user NAME] [-f TEXT] [--not-referenced] [--show-seeds]';

/** One key row: who it belongs to, what it is, and whether its seed is in the key store. */
interface KeyRow {
  entity: string;
  kind: Role;
  public_key: string;
  signing: boolean;
  /** Auth-callout encryption target (an X key listed by an account). */
  curve: boolean;
  scope_role?: string;
  /** Public key of the parent (the operator for accounts, the account for users). */
  parent?: string;
  current: boolean;
  stored: boolean;
  path?: string;
  /** Why a stored seed cannot be used (INSECURE_PERMISSIONS, STORE_CORRUPT). */
  problem?: string;
  seed?: string;
}

type KeyFound = Omit<KeyRow, 'stored' | 'path' | 'problem' | 'seed' | 'current'> & { current?: boolean };

/** Fills in whether the seed is stored, reading it only to prove it is usable (never printed unless asked). */
async function resolveSeed(ctx: CommandContext, ws: Workspace, k: KeyFound, withSeed: boolean): Promise<KeyRow> {
  const row: KeyRow = { ...k, current: k.current ?? false, stored: false };
  if (!(await ws.keys.hasKey(k.public_key))) return row;
  row.stored = true;
  row.path = ws.keys.keyPath(k.public_key);
  try {
    const kp = await ws.keys.getKey(k.public_key);
    if (withSeed) row.seed = kp.seed;
  } catch (e) {
    if (!isSigchainError(e)) throw e;
    row.problem = e.code;
    ctx.printer.warn(e.message);
  }
  return row;
}

interface Want {
  operator: boolean;
  accounts: boolean;
  users: boolean;
  curves: boolean;
  account: string | undefined;
  user: string | undefined;
}

// nsc's KeyCollector: with no kind flag, the operator, the current (or --account) account and its users.
function wanted(ctx: CommandContext, currentAccount: string | undefined): Want {
  const all = flag(ctx, 'all');
  const none = !['operator', 'accounts', 'users', 'curve', 'all'].some((f) => flag(ctx, f));
  const account = str(ctx, 'account') ?? (none ? currentAccount : undefined);
  return {
    operator: all || none || flag(ctx, 'operator'),
    accounts: all || none || flag(ctx, 'accounts'),
    users: all || none || flag(ctx, 'users'),
    curves: all || none || flag(ctx, 'curve'),
    account,
    user: str(ctx, 'user'),
  };
}

async function collect(ws: Workspace, op: OperatorEntities, want: Want, current: { operator?: string; account?: string }): Promise<KeyFound[]> {
  const opCurrent = current.operator === op.name;
  const keys = await entityKeys(ws, op, { ...(want.account !== undefined ? { account: want.account } : {}), ...(want.user !== undefined ? { user: want.user } : {}) });
  return keys.map((k) => ({
    entity: k.entity,
    kind: k.kind,
    public_key: k.publicKey,
    signing: k.signing,
    curve: k.curve,
    ...(k.scopeRole !== undefined ? { scope_role: k.scopeRole } : {}),
    ...(k.parent !== undefined ? { parent: k.parent } : {}),
    ...(k.kind === 'user' ? {} : { current: k.kind === 'operator' ? opCurrent : opCurrent && current.account === k.account }),
  }));
}

function cells(k: KeyRow, showSeeds: boolean): string[] {
  const pad = k.kind === 'account' || k.curve ? ' ' : k.kind === 'user' ? '  ' : '';
  const entity = `${k.entity === '?' ? '' : pad}${k.entity}${k.current && !k.signing && !k.curve ? ' *' : ''}`;
  const sk = k.curve ? 'T' : k.signing ? (k.scope_role ? `* (${k.scope_role})` : '*') : '';
  if (showSeeds) return [entity, k.seed ?? `${k.public_key} [!]`, sk];
  return [entity, k.public_key, sk, k.problem ? 'BAD' : k.stored ? '*' : ''];
}

/** `sigchain list keys`: the keys of the operator tree and which seeds the key store holds. */
export const listKeysCommand: Command = {
  words: ['list', 'keys'],
  summary: 'List operator, account and user keys, marking signing keys and stored seeds',
  usage: USAGE,
  description: [
    "Lists the keys of the current operator: its identity and signing keys, the accounts' keys",
    '(identity, signing, auth-callout encryption) and the users\' keys. Columns:',
    '  Entity       whose key it is (accounts indented once, users twice); * = current context',
    '  Signing Key  * for a signing key (with its role when scoped), T for an encryption target',
    '  Stored       * when the seed is in the key store, BAD when it is there but unusable',
    '',
    'As in nsc, with no kind flag it shows the operator, the current account (or --account)',
    'and its users; -o, -a, -u pick kinds, -A shows everything. --not-referenced lists instead',
    'the keys in the key store that nothing in this operator uses (left over, or another',
    "operator's). --filter keeps keys containing the text.",
    '',
    '--show-seeds prints the seeds (private keys) instead of the public keys. Only use it when',
    'you mean to copy a seed somewhere safe: terminal scrollback and CI logs are not.',
  ].join('\n'),
  examples: [
    'sigchain list keys',
    'sigchain list keys -A                      # every operator, account and user key',
    'sigchain list keys --accounts --account A  # only account A\'s keys',
    'sigchain list keys --not-referenced        # seeds nothing in this operator uses',
    'sigchain list keys -A --json',
  ],
  options: {
    operator: { type: 'boolean', short: 'o', description: 'Show operator keys.' },
    accounts: { type: 'boolean', short: 'a', description: 'Show account keys.' },
    users: { type: 'boolean', short: 'u', description: 'Show user keys.' },
    curve: { type: 'boolean', short: 'x', description: 'Show curve (encryption) keys.' },
    all: { type: 'boolean', short: 'A', description: 'Show operator, account, user and curve keys of every account.' },
    account: { type: 'string', valueName: 'NAME', description: 'Only this account (and its users).' },
    user: { type: 'string', valueName: 'NAME', description: 'Only this user.' },
    filter: { type: 'string', short: 'f', valueName: 'TEXT', description: 'Only keys whose public key contains TEXT.' },
    'not-referenced': { type: 'boolean', description: 'List stored keys the current operator does not reference.' },
    'show-seeds': { type: 'boolean', short: 'S', description: 'Print the seeds instead of the public keys (secret output).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const now = await contextOrNothing(ctx, ws);
    const want = wanted(ctx, now.account);
    const showSeeds = flag(ctx, 'show-seeds');
    const op = await ws.operator();
    const notReferenced = flag(ctx, 'not-referenced');
    // "Referenced" means by anything in the operator, not only by the current account (nsc's default narrows it).
    let found = await collect(ws, op, notReferenced ? { ...want, account: undefined, user: undefined } : want, now);
    if (notReferenced) {
      const seen = new Set(found.map((k) => k.public_key));
      found = (await ws.keys.listKeys()).filter((k) => !seen.has(k.publicKey)).map((k) => ({ entity: '?', kind: k.role, public_key: k.publicKey, signing: false, curve: k.role === 'curve' }));
    }
    const filter = str(ctx, 'filter')?.toUpperCase();
    const shown = found.filter(
      (k) => (k.kind !== 'operator' || want.operator) && (k.kind !== 'account' || want.accounts) && (k.kind !== 'user' || want.users) && (k.kind !== 'curve' || want.curves) && (!filter || k.public_key.includes(filter)),
    );
    const rows: KeyRow[] = [];
    for (const k of shown) rows.push(await resolveSeed(ctx, ws, k, showSeeds));
    if (!rows.length) {
      ctx.printer.result({ operator: op.name, keys: [] }, 'No keys matched.');
      return;
    }
    const legend = showSeeds ? ['[ ! ] seed is not stored'] : ['[ * ] Entity: current operator/account; Signing Key: a signing key; Stored: the seed is in the key store'];
    if (rows.some((r) => r.problem)) legend.push('[BAD] the seed file is there but unusable (see the warning)');
    if (rows.some((r) => r.curve)) legend.push('[ T ] auth callout encryption target');
    if (rows.some((r) => r.entity === '?')) legend.push('[ ? ] unreferenced key: may belong to another operator');
    const table = showSeeds ? renderGrid('Seeds Keys', ['Entity', 'Private Key', 'Signing Key'], rows.map((r) => cells(r, true))) : renderGrid('Keys', ['Entity', 'Key', 'Signing Key', 'Stored'], rows.map((r) => cells(r, false)));
    ctx.printer.result({ operator: op.name, keys: rows }, `${table}\n${wrapText(legend.join('\n'), undefined, 2)}`);
  },
};
