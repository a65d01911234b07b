import { SigchainError } from '../../errors.js';
import { validateStore } from '../../workspace/verify/validate.js';
import { type Command, flag, str } from '../command.js';
import { parseTimeFlag } from '../parse/time.js';
import { openWorkspace, scopeOptions } from './support.js';

/** `sigchain validate`: the store judged by the verifier, one line per problem. */
export const validateCommand: Command = {
  words: ['validate'],
  summary: 'Judge the store with the verifier: the operator and the current account (or all) with their users, one line per problem',
  usage: 'validate [--all-accounts | -a ACCOUNT] [--operator NAME] [--at TIME] [--json]',
  description: [
    'Verifies the operator, the current account (-a another, --all-accounts every one) and all',
    "their users as the verifier judges a chain: signatures, each issuer against its parent's",
    'CURRENT signing keys, key roles, expiry, revocations, scoped keys, strict mode. Accounts',
    'imports are judged against the accounts they import from: an exporter that is missing',
    '(IMPORT_EXPORTER_MISSING), a subject it does not export (IMPORT_NOT_EXPORTED), a private',
    'export imported without an activation (ACTIVATION_REQUIRED), an activation signed by a key',
    'the exporter does not list (SIGNING_KEY_NOT_LISTED). nsc validate checks neither of the last',
    'two. A problem is reported at the entity it belongs to (an expired account once, not at',
    'each of its users). Users are verified over every core when there are many.',
    '',
    'One line per problem: ENTITY: CODE: message. With --json, an array of',
    '{"entity","code","message"} (empty when there is nothing to fix). Exit status 1 when there',
    'is any problem, 0 when none, 2 for a bad command line.',
  ].join('\n'),
  examples: ['sigchain validate', 'sigchain validate --all-accounts', 'sigchain validate -a A --json', 'sigchain validate --all-accounts --at 30d'],
  options: {
    'all-accounts': { type: 'boolean', description: 'Judge every account of the operator (and their users), not only the current one.' },
    ...scopeOptions('The account to judge besides the operator'),
    at: { type: 'string', valueName: 'TIME', description: 'Judge as of this time (RFC 3339, a date, Unix seconds, or an offset like 30d): what will have expired by then.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const all = flag(ctx, 'all-accounts');
    const account = str(ctx, 'account');
    if (all && account !== undefined) throw new SigchainError('USAGE', '--all-accounts judges every account; -a names one. Give one of them.');
    const at = str(ctx, 'at');
    const now = at === undefined ? undefined : parseTimeFlag(at, 'at');
    if (now === 0) throw new SigchainError('USAGE', '--at needs a time (a date, RFC 3339, Unix seconds or an offset), not 0.');
    const operator = str(ctx, 'operator');
    const report = await validateStore(openWorkspace(ctx), {
      allAccounts: all,
      ...(operator !== undefined ? { operator } : {}),
      ...(account !== undefined ? { account } : {}),
      ...(now !== undefined ? { now } : {}),
    });
    const scope = `operator ${report.operator}${report.accounts.length ? `, ${report.accounts.length === 1 ? `account ${report.accounts[0]}` : `${report.accounts.length} accounts`}` : ''}`;
    if (ctx.printer.json) {
      // The array itself, as documented: scripts read `.[] | .code` without unwrapping.
      ctx.printer.raw(JSON.stringify(report.problems.map(({ entity, code, message }) => ({ entity, code, message })), null, 2));
    } else {
      if (report.problems.length) ctx.printer.result(undefined, report.problems.map((p) => `${p.entity}: ${p.code}: ${p.message}`).join('\n'));
      const n = report.problems.length;
      const summary = `Judged ${report.checked} token${report.checked === 1 ? '' : 's'} (${scope}): ${n ? `${n} problem${n === 1 ? '' : 's'}` : 'no problems'}.`;
      if (n) ctx.printer.info(summary);
      else ctx.printer.ok(summary);
    }
    if (report.problems.length) ctx.printer.failed = true;
  },
};
