import { existsSync } from 'node:fs';
import { SigchainError } from '../../errors.js';
import { type Restriction, formatRestriction } from '../../keys/restrictions.js';
import { isSeed } from '../../nkeys/codec.js';
import { type CompromisePlan, type CompromiseResult, type NotReissued, applyCompromise, planCompromise, searchIncomplete } from '../../workspace/compromise/compromised.js';
import { type Command, type CommandContext, flag, str } from '../command.js';
import { progress } from '../output/progress.js';
import { stderr } from '../output/stdio.js';
import { renderTable, type TableSection } from '../output/table.js';
import { openWorkspace, signerFrom, snake } from './support.js';
import { pushAccounts } from '../../workspace/distribution/push.js';
import { pushLines, pushRefusal } from './push.js';
import { timeoutMs } from '../parse/server-flags.js';

const USAGE = 'keys compromised PUBLIC_KEY [--apply [--push [--server URL] [--timeout DURATION]]] [-K KEY]';
/** Rows of "cannot" entries shown before "… and N more" (all of them are in --json). */
const SHOWN = 10;

const fmt = (n: number): string => n.toLocaleString('en-US');

function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmt(n)} ${n === 1 ? one : many}`;
}

function counts(items: ReadonlyArray<{ kind: string }>): { accounts: number; users: number; activations: number } {
  const n = (k: string) => items.filter((t) => t.kind === k).length;
  return { accounts: n('account'), users: n('user'), activations: n('activation') };
}

function cannotRows(list: readonly NotReissued[]): string[] {
  const rows = list.slice(0, SHOWN).map((c) => `${c.kind} ${c.account && c.account !== c.name ? `${c.account}/` : ''}${c.name}: ${c.reason}`);
  if (list.length > SHOWN) rows.push(`… and ${fmt(list.length - SHOWN)} more (all are listed with --json)`);
  return rows;
}

function kindOf(role: string, scope: { role: string } | null | undefined, restriction?: Restriction): string {
  const notes = [...(scope ? [`scoped: role ${scope.role}`] : []), ...(restriction !== undefined ? [`restricted: ${formatRestriction(restriction)}`] : [])];
  return `${role} signing key${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/**
 * The command that applies what the dry run showed: the same flags, plus --apply. Seeds given
 * with -K are not echoed. When a parent is blocked (its re-signing key is not at hand), the -K
 * it needs is named instead: a placeholder for the seed or .nk file of that public key.
 */
function applyCommand(ctx: CommandContext, key: string, plan?: CompromisePlan): string {
  const parts = ['sigchain', 'keys', 'compromised', key, '--apply'];
  const k = str(ctx, 'private-key');
  const needs = plan?.parents.find((p) => p.blocked)?.blocked?.needs;
  if (needs !== undefined) parts.push('-K', `<seed or .nk file of ${needs}>`);
  else if (k !== undefined) parts.push('-K', isSeed(k.trim()) ? '<the same key>' : k);
  for (const o of ['data-dir', 'keystore-dir', 'config-dir']) {
    const v = str(ctx, o);
    if (v !== undefined) parts.push(`--${o}`, v);
  }
  if (flag(ctx, 'nsc')) parts.push('--nsc');
  return parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`)).join(' ');
}

function planText(plan: CompromisePlan, apply: string): string {
  if (plan.status === 'not-listed') return `${[...plan.notes, ...cannotRows(plan.cannot).map((r) => `  - ${r}`)].join('\n')}\n`;
  const c = counts(plan.reissue);
  const users = plan.reissue.filter((t) => t.kind === 'user');
  const creds = users.filter((u) => u.creds !== 'none').length;
  const sections: TableSection[] = [
    {
      rows: [
        ['Key', plan.publicKey],
        ['Kind', kindOf(plan.role, plan.parents[0]?.scope, plan.parents[0]?.restriction)],
        ['Listed by', plan.parents.map((p) => `${p.kind} "${p.name}"${p.kind === 'account' ? ` (operator "${p.operator}")` : ''}`)],
        [
          'Re-signed with',
          plan.parents.map((p) => (p.replaced ? `${p.kind} "${p.name}": done (lists ${p.replacement})` : p.blocked ? `${p.kind} "${p.name}": BLOCKED (${p.blocked.code})` : `${p.signer!.as === 'identity' ? 'identity key' : 'signing key'} ${p.signer!.publicKey}`)),
        ],
      ],
    },
    {
      rows: [
        ['Accounts', fmt(c.accounts)],
        ['Users', `${fmt(c.users)} (${plural(creds, 'creds file')} to rewrite)`],
        ['Activations', fmt(c.activations)],
        ...(plan.status === 'resuming' ? ([['Already done', `${fmt(plan.alreadyReissued)} (an interrupted run)`]] as Array<[string, string]>) : []),
        ['Untouched', `${plural(plan.untouched, 'token')} signed by other keys`],
      ],
    },
  ];
  if (plan.cannot.length) sections.push({ rows: [['Cannot', cannotRows(plan.cannot)]] });
  const blocked = plan.parents.filter((p) => p.blocked).map((p) => `Blocked: ${p.blocked!.message}`);
  return [
    renderTable(`Compromised ${kindOf(plan.role, null)}: blast radius`, sections),
    ...plan.notes,
    ...blocked,
    plan.unsearched.length
      ? 'Dry run: nothing was changed. The search is incomplete (below): once every account can be read, run this again; it would then apply with:'
      : `Dry run: nothing was changed. ${plan.status === 'resuming' ? 'To finish the interrupted run' : 'To apply'}:`,
    `  ${apply}`,
    '',
  ].join('\n');
}

function resultText(r: CompromiseResult): string {
  if (r.status === 'not-listed') return `${r.warnings.join('\n')}\n`;
  const c = counts(r.reissued);
  const sections: TableSection[] = [
    {
      rows: [
        ['Key', `${r.publicKey}${r.retired ? ' (retired in the key store)' : ''}`],
        ['New signing key', r.replacements.map((k) => `${k.publicKey} (${k.kind} "${k.name}"${k.scope ? `, scope: role ${k.scope}` : ''})`)],
        ['Seed stored at', r.replacements.map((k) => k.storedAt)],
        ['Re-signed', r.resigned.length ? r.resigned.map((s) => `${s.kind} "${s.name}" with ${s.as === 'identity' ? 'identity key' : 'signing key'} ${s.signer}`) : '(already done)'],
        ['Re-issued', `${plural(c.accounts, 'account')}, ${plural(c.users, 'user')}, ${plural(c.activations, 'activation')}${r.resumed ? ' (finishing an interrupted run)' : ''}`],
        ['Creds written', fmt(r.credsWritten)],
        ['Took', `${r.seconds.toFixed(2)} s (reading the store ${r.phases.scan.toFixed(2)} s, parents ${r.phases.parents.toFixed(2)} s, users ${r.phases.users.toFixed(2)} s, sync to disk ${r.phases.sync.toFixed(2)} s)`],
      ],
    },
  ];
  if (r.cannot.length) sections.push({ rows: [['Not re-issued', cannotRows(r.cannot)]] });
  return [renderTable('Compromised signing key replaced', sections), 'Next:', ...r.next.map((n) => `  - ${n}`), ''].join('\n');
}

/**
 * `-K svc` names a scoped signing key's role in `add user`; here -K is the key that re-signs the
 * entity listing the leaked key, so a bare word that names no file is said to be that, rather
 * than read as a seed that "is no such file".
 */
function refuseRoleName(spec: string | undefined): void {
  const text = spec?.trim();
  if (text === undefined || !/^[A-Za-z][\w-]{0,63}$/.test(text) || /^S[A-Z0-9]{40,}$/.test(text) || existsSync(text)) return;
  throw new SigchainError(
    'USAGE',
    `-K "${text}" is neither a key nor a file. keys compromised takes, with -K, the key that re-signs what lists the leaked key (an operator key for an account signing key): a seed, a .nk file, or a public key held here. ` +
      'A role name (as `add user -K ROLE` takes) names a scoped signing key of an account, which does not apply here.',
  );
}

/** `sigchain keys compromised`: the sledge hammer for a leaked signing key, dry run first. */
export const keysCompromisedCommand: Command = {
  words: ['keys', 'compromised'],
  summary: 'A signing key leaked: replace it and re-issue everything it signed (dry run unless --apply)',
  usage: USAGE,
  description: [
    'Handles a leaked operator or account signing key in one command. It finds the operator or',
    'account whose token lists the key, removes it there, adds a fresh signing key with the same',
    'scope (stored with the issuing usage only), re-signs that entity, and re-issues every token the',
    'leaked key signed with the fresh key: accounts (for an operator signing key), users and',
    'activations (for an account signing key). Claims, subjects and user seeds stay; creds files',
    'are rewritten where the user seed is in the key store. Tokens signed by other keys are not',
    'touched. Revoked users are left alone: a new token would lift their revocation.',
    '',
    'Without --apply it changes nothing and prints the blast radius: what would be re-issued,',
    'what cannot be and why, and the exact command to apply. -K is the key that re-signs the',
    "entity: the operator's identity key for an operator signing key, an operator key for an",
    'account signing key (default: one whose seed is in the key store).',
    '',
    'Safe to run again if interrupted: the fresh key and a backup of the tokens being replaced are',
    'recorded first, and a re-run finishes with the same key. An identity key is refused:',
    'replacing one is identity rotation, a different operation.',
    '',
    'Afterwards servers must learn the change: regenerate their configuration (`sigchain nats',
    'server-config`); account changes reload with SIGHUP, operator changes need a restart. With a',
    'NATS-based resolver, --push sends the changed accounts to the cluster right after --apply.',
  ].join('\n'),
  examples: [
    'sigchain keys compromised ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7',
    'sigchain keys compromised ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7 --apply',
    'sigchain keys compromised ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7 --apply --push',
    'sigchain keys compromised OAZBRNE7DQGDYT5CSAGWDMI5ENGKOEJ57BXVU6WUTHFEAO3CU5GLQYF5 --apply -K ~/.nkeys/keys/O/AB/OABX….nk --json',
  ],
  options: {
    apply: { type: 'boolean', description: 'Do it. Without it nothing changes (a dry run).' },
    push: { type: 'boolean', description: "With --apply: push the changed accounts to the cluster's NATS resolver afterwards (as `sigchain push`)." },
    server: { type: 'string', valueName: 'URL', description: 'With --push: the server to push to (default as `sigchain push`).' },
    timeout: { type: 'string', valueName: 'DURATION', description: "With --push: how long to wait for the servers' answers (default 2s)." },
  },
  args: { min: 1, max: 1 },
  async run(ctx) {
    const key = ctx.positionals[0]!.trim();
    // A seed pasted here must not be echoed back in an error or the output.
    if (isSeed(key)) throw new SigchainError('NKEY_PUBLIC_EXPECTED', 'keys compromised takes the public key of the leaked signing key (O… or A…), not its seed. Keep the seed out of shells and logs.');
    // A role or a label (`svc`, the name of a scoped key) is what people remember a key by.
    if (ctx.positionals[0]!.trim().length < 40) throw new SigchainError('NKEY_MALFORMED', 'keys compromised takes the public key of the leaked key (56 characters, O… or A…), not a name, role or label. Find it with `sigchain keys list` or `sigchain describe account NAME` (its Signing Keys).');
    const ws = openWorkspace(ctx);
    refuseRoleName(str(ctx, 'private-key'));
    const signer = await signerFrom(ctx, ws);
    const opts = signer ? { signer } : {};
    if (flag(ctx, 'push') && !flag(ctx, 'apply')) throw new SigchainError('USAGE', '--push sends what --apply changed: add --apply.');
    if (!flag(ctx, 'apply')) {
      const plan = await planCompromise(ws, key, opts);
      for (const p of plan.parents) if (p.blocked) ctx.printer.warn(`${p.kind} "${p.name}" cannot be re-signed yet: ${p.blocked.message}`);
      const apply = applyCommand(ctx, plan.publicKey, plan);
      if (plan.unsearched.length) {
        // Shown to people for what it found, but the exit is the refusal: never "nothing to do".
        if (!ctx.printer.json) ctx.printer.result(null, planText(plan, apply));
        throw searchIncomplete(plan);
      }
      ctx.printer.result(snake({ dryRun: true, ...plan, applyCommand: apply }), planText(plan, apply));
      return;
    }
    const bar = progress(stderr.stream(), 'users re-issued', { quiet: ctx.printer.json });
    let r: CompromiseResult;
    try {
      r = await applyCompromise(ws, key, { ...opts, onProgress: (p) => (p.phase === 'users' ? bar.update(p.done, p.total) : undefined) });
    } finally {
      bar.done();
    }
    for (const k of r.replacements) ctx.printer.ok(`added signing key "${k.publicKey}" to ${k.kind} "${k.name}" in place of "${r.publicKey}" (seed stored at ${k.storedAt})`);
    if (r.status === 'done') ctx.printer.ok(`re-issued ${plural(r.reissued.length, 'token')} signed by "${r.publicKey}"`);
    for (const w of r.status === 'done' ? r.warnings : []) ctx.printer.warn(w);
    if (!flag(ctx, 'push')) return ctx.printer.result(snake(r), resultText(r));
    // The accounts whose tokens changed: re-signed parents, re-issued accounts, and importers of re-issued activations.
    const byOperator = new Map<string, Set<string>>();
    const add = (operator: string, account: string) => byOperator.set(operator, (byOperator.get(operator) ?? new Set()).add(account));
    for (const s of r.resigned) if (s.kind === 'account') add(s.operator, s.name);
    for (const t of r.reissued) if (t.kind === 'account' || t.kind === 'activation') add(t.operator, t.account);
    const server = str(ctx, 'server');
    const timeout = timeoutMs(ctx);
    const pushed = [];
    for (const [operator, accounts] of byOperator) {
      const p = await pushAccounts(ws, { operator, accounts: [...accounts], ...(server !== undefined ? { server } : {}), ...(timeout !== undefined ? { timeoutMs: timeout } : {}) });
      pushed.push(...p.accounts);
    }
    const data = { ...(snake(r) as object), pushed: pushed.map(({ newer: _n, ...a }) => a) };
    const refusal = pushRefusal({ accounts: pushed });
    if (refusal) {
      ctx.printer.besideError(data);
      if (!ctx.printer.json) ctx.printer.raw(`${resultText(r)}${pushLines(pushed)}`);
      throw refusal;
    }
    ctx.printer.result(data, `${resultText(r)}${pushed.length ? pushLines(pushed) : 'nothing to push\n'}`);
  },
};
