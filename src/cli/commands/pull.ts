import { SigchainError } from '../../errors.js';
import { type PullOutcome, pullAccounts, pullSucceeded } from '../../workspace/distribution/pull.js';
import { type Command, flag, str } from '../command.js';
import { SERVER_OPTIONS, accountSelection, timeoutMs } from '../parse/server-flags.js';
import { openWorkspace } from './support.js';

function line(a: PullOutcome): string {
  const iats = `local iat ${a.local_iat ?? '-'}, remote iat ${a.remote_iat ?? '-'}`;
  switch (a.status) {
    case 'differs':
      return `${a.account} (${a.public_key}): differs (${iats})`;
    case 'refused':
    case 'kept-newer':
    case 'not-found':
      return `${a.account} (${a.public_key}): ${a.status}: ${a.reason ?? ''}`;
    default:
      return `${a.account} (${a.public_key}): ${a.status} (${iats})`;
  }
}

/** `sigchain pull`: account JWTs from a cluster's NATS resolver into the store. */
export const pullCommand: Command = {
  words: ['pull'],
  summary: "Pull account JWTs from a cluster's NATS resolver into the store (verified; newer wins)",
  usage: 'pull (-a ACCOUNT | -A) [--operator NAME] [--server URL] [--timeout DURATION] [--diff] [--overwrite-newer]',
  description: [
    'Fetches what the servers hold ($SYS.REQ.ACCOUNT.<A>.CLAIMS.LOOKUP for -a, $SYS.REQ.CLAIMS.PACK',
    'for -A), as the same short-lived system user `sigchain push` mints. Every token is checked by',
    "sigchain's verifier before it touches the store (a refused one is reported, never written).",
    'A remote token newer than the store\'s replaces it; an older one is refused unless',
    '--overwrite-newer. --diff writes nothing and lists each account whose local and remote tokens',
    'differ, with both iats. Exit 0 when everything was pulled or already current, 1 otherwise.',
  ].join('\n'),
  examples: ['sigchain pull -A', 'sigchain pull -A --diff --json', 'sigchain pull -a A --overwrite-newer --server nats://127.0.0.1:4222'],
  options: {
    account: { type: 'string', short: 'a', multiple: true, valueName: 'ACCOUNT', description: 'An account to pull (name, or public key for one not in the store); repeatable.' },
    'all-accounts': { type: 'boolean', short: 'A', description: 'Pull every account the servers hold.' },
    ...SERVER_OPTIONS,
    diff: { type: 'boolean', description: 'List the accounts whose local and remote tokens differ; write nothing.' },
    'overwrite-newer': { type: 'boolean', description: "Take the servers' token even where the store's is newer." },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const selection = accountSelection(ctx, 'pull');
    if (flag(ctx, 'diff') && flag(ctx, 'overwrite-newer')) throw new SigchainError('USAGE', '--diff writes nothing; --overwrite-newer has nothing to overwrite with it.');
    const ws = openWorkspace(ctx);
    const server = str(ctx, 'server');
    const timeout = timeoutMs(ctx);
    const r = await pullAccounts(ws, {
      accounts: selection,
      ...(server !== undefined ? { server } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      diff: flag(ctx, 'diff'),
      overwriteNewer: flag(ctx, 'overwrite-newer'),
      ...(str(ctx, 'operator') ? { operator: str(ctx, 'operator')! } : {}),
    });
    const text = r.accounts.length ? `${r.accounts.map(line).join('\n')}\n` : flag(ctx, 'diff') ? 'no differences\n' : 'nothing to pull\n';
    const data = flag(ctx, 'diff') ? { diff: r.accounts.map(({ status: _s, ...a }) => a) } : r;
    if (!pullSucceeded(r)) {
      ctx.printer.besideError(data);
      if (!ctx.printer.json) ctx.printer.raw(text);
      const untrusted = r.accounts.find((a) => a.status === 'refused');
      const older = r.accounts.find((a) => a.status === 'kept-newer');
      if (untrusted) throw new SigchainError('ACCOUNT_UNTRUSTED', `Account ${untrusted.account} was not pulled: ${untrusted.reason}`, { account: untrusted.account });
      if (older) throw new SigchainError('PULL_ROLLBACK_REFUSED', `Account "${older.account}" was not pulled: ${older.reason}.`, { account: older.account, local_iat: older.local_iat, remote_iat: older.remote_iat });
      throw new SigchainError('SERVER_REFUSED', `Not every account was found on the servers: ${r.accounts.filter((a) => a.status === 'not-found').map((a) => a.account).join(', ')}.`);
    }
    ctx.printer.result(data, text);
  },
};
