import { SigchainError } from '../../errors.js';
import { formatUsages, parseUsages } from '../../keys/usage.js';
import { ALL_ROLES, type Role } from '../../nkeys/roles.js';
import { type KeyInventoryFilter, type KeyInventoryRow, keyInventory } from '../../workspace/signing/key-inventory.js';
import { type Command, type CommandContext, flag, str } from '../command.js';
import { renderGrid, wrapText } from '../output/table.js';
import { openWorkspace } from './support.js';

const USAGE = 'keys list [--fingerprint PREFIX] [--usage USAGES] [--role ROLE] [--retired|--active]';

function filterFrom(ctx: CommandContext): KeyInventoryFilter {
  const filter: KeyInventoryFilter = {};
  const fingerprint = str(ctx, 'fingerprint');
  if (fingerprint !== undefined) filter.fingerprint = fingerprint;
  const usage = str(ctx, 'usage');
  if (usage !== undefined) filter.usages = parseUsages(usage);
  const role = str(ctx, 'role');
  if (role !== undefined) {
    if (!(ALL_ROLES as string[]).includes(role)) throw new SigchainError('USAGE', `--role must be one of ${ALL_ROLES.join(', ')}.\nUsage: sigchain ${USAGE}`);
    filter.role = role as Role;
  }
  if (flag(ctx, 'retired') && flag(ctx, 'active')) throw new SigchainError('USAGE', `Give --retired or --active, not both (without either, every key is listed).\nUsage: sigchain ${USAGE}`);
  if (flag(ctx, 'retired')) filter.status = 'retired';
  if (flag(ctx, 'active')) filter.status = 'active';
  return filter;
}

function usagesCell(k: KeyInventoryRow): string {
  if (k.problem) return `? (${k.problem.code})`;
  return k.legacy ? 'all (legacy)' : formatUsages(k.usages);
}

/** Where the private key is kept: from the file the key store holds, or the record of an HSM/KMS key. */
function backendOf(k: KeyInventoryRow): string {
  if (k.path.endsWith('.nk')) return 'file';
  if (k.path.endsWith('.nk.age')) return 'encrypted';
  return k.backend ?? 'file';
}

function statusCell(k: KeyInventoryRow): string {
  if (k.status !== 'retired') return k.status;
  return `retired ${k.retired!.slice(0, 10)}${k.replacedBy ? ` → ${k.replacedBy.slice(0, 8)}…` : ''}`;
}

/** What `--json` shows of a row: no seed (none was read), the record and the owners. */
function jsonRow(k: KeyInventoryRow): Record<string, unknown> {
  return {
    public_key: k.publicKey,
    role: k.role,
    usages: [...k.usages],
    legacy: k.legacy,
    status: k.status,
    backend: backendOf(k),
    ...(k.uri ? { uri: k.uri } : {}),
    ...(k.created ? { created: k.created } : {}),
    ...(k.retired ? { retired: k.retired } : {}),
    ...(k.retiredReason ? { retired_reason: k.retiredReason } : {}),
    ...(k.replacedBy ? { replaced_by: k.replacedBy } : {}),
    ...(k.problem ? { problem: k.problem.code } : {}),
    entities: k.entities,
    path: k.path,
  };
}

/** `sigchain keys list`: the key store's keys with their usages and whether they may still sign. */
export const keysListCommand: Command = {
  words: ['keys', 'list'],
  summary: 'List stored keys with their usages and status (active or retired)',
  usage: USAGE,
  description: [
    'Lists every key in the key store with what it may ever sign (its usages, fixed when it was',
    'made), whether it is active or retired, and whom it belongs to as far as the stores tell.',
    'Seeds are never read or printed. Columns:',
    '  Key      the public key',
    '  Role     operator, account, user, server, cluster, curve, module, service',
    '  Usages   identity, issuing, authentication, protocol (all = every usage; none = never signs);',
    '           "all (legacy)" for keys made by nsc or before usages were recorded',
    '  Status   active, or retired with the date (and → its replacement); a retired key signs nothing',
    '  Entity   the operator, account or user using it (e.g. "account O/A signing key")',
    '',
    'Filters combine: --fingerprint keeps keys whose public key starts with PREFIX; --usage keeps',
    'keys holding at least one of the usages given (a preset or a list); --role keeps one role;',
    '--retired or --active keeps one status. `list keys` (nsc\'s view of the operator tree) is',
    'unchanged.',
    '',
    'Usages belong to the public key: a stored key\'s usages apply however it is given to -K',
    '(public key, seed or .nk path). A seed or file the key store does not hold has no record and',
    'counts as all.',
  ].join('\n'),
  examples: [
    'sigchain keys list',
    'sigchain keys list --usage issuing --active     # keys that may sign accounts or users now',
    'sigchain keys list --fingerprint OAB            # one key, by the start of its public key',
    'sigchain keys list --role user --json',
    'sigchain keys list --retired',
  ],
  options: {
    fingerprint: { type: 'string', short: 'f', valueName: 'PREFIX', description: 'Only keys whose public key starts with PREFIX (any case).' },
    usage: { type: 'string', valueName: 'USAGES', description: 'Only keys with at least one of these usages: a preset (IssuingOnly, …, All) or a list (issuing,protocol).' },
    role: { type: 'string', valueName: 'ROLE', description: `Only keys of this role (${ALL_ROLES.join(', ')}).` },
    retired: { type: 'boolean', description: 'Only retired keys.' },
    active: { type: 'boolean', description: 'Only keys that may still sign.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const filter = filterFrom(ctx);
    const rows = await keyInventory(openWorkspace(ctx), filter);
    for (const r of rows) if (r.problem) ctx.printer.warn(r.problem.message);
    if (!rows.length) {
      ctx.printer.result({ keys: [] }, 'No stored key matched.');
      return;
    }
    // One of the two shapes, not both: a store of 10,000 users has as many rows.
    if (ctx.printer.json) {
      ctx.printer.result({ keys: rows.map(jsonRow) });
      return;
    }
    // One pass over the rows for the cells and the legend; a key has one owner as a rule.
    const cells: string[][] = new Array(rows.length);
    let legacy = false;
    for (let i = 0; i < rows.length; i++) {
      const k = rows[i]!;
      if (k.legacy) legacy = true;
      cells[i] = [k.publicKey, k.role, usagesCell(k), backendOf(k), statusCell(k), k.entities.length === 1 ? k.entities[0]! : k.entities.join('; ')];
    }
    const table = renderGrid('Stored Keys', ['Key', 'Role', 'Usages', 'Backend', 'Status', 'Entity'], cells);
    const legend = legacy ? '\nall (legacy): no usages were recorded when the key was made (nsc made it), so it may sign anything; replace it to narrow that.' : '';
    ctx.printer.result({}, `${table}${wrapText(legend)}`);
  },
};
