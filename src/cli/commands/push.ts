import { SigchainError } from '../../errors.js';
import { type AccountOutcome, type PushResult, pushAccounts, pushSucceeded } from '../../workspace/distribution/push.js';
import { type Command, flag, list, str } from '../command.js';
import { SERVER_OPTIONS, accountSelection, timeoutMs } from '../parse/server-flags.js';
import { openWorkspace } from './support.js';

/** `<account> <server_name> (<server_id>): <status>` lines, one per server and account. */
export function pushLines(accounts: readonly AccountOutcome[]): string {
  const lines: string[] = [];
  for (const a of accounts) {
    for (const s of a.servers) {
      const status = s.status === 'refused' ? `refused: ${s.reason ?? ''}` : s.status;
      lines.push(`${a.account} ${s.server_name}${s.server_id ? ` (${s.server_id})` : ''}: ${status}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The refusal a push ends with when not every server took every account. */
export function pushRefusal(r: Pick<PushResult, 'accounts'>): SigchainError | undefined {
  const rolled = r.accounts.find((a) => a.newer);
  if (rolled) {
    const n = rolled.newer!;
    return new SigchainError('PUSH_ROLLBACK_REFUSED', `Account "${rolled.account}" was not pushed: a server holds a newer token (jti ${n.jti}, iat ${n.iat}, server ${n.server_id}) than the store's. Pull it (\`sigchain pull -a ${rolled.account}\`) and edit on top of it, or push with --force to roll the servers back on purpose.`, { account: rolled.account, newer: n });
  }
  if (pushSucceeded(r)) return undefined;
  const bad = r.accounts.flatMap((a) => a.servers.filter((s) => s.status === 'refused' || s.status === 'no answer').map((s) => `${a.account} ${s.server_name}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`));
  const noAnswer = r.accounts.every((a) => a.servers.every((s) => s.status === 'no answer'));
  if (noAnswer && r.accounts.length) return new SigchainError('SERVER_UNREACHABLE', 'No server answered the push in time; nothing is known to be updated. Check the servers and run the push again.', { failures: bad.length });
  return new SigchainError('SERVER_REFUSED', `Not every server took the push (${bad.length} line(s)):\n${bad.slice(0, 10).map((b) => `  - ${b}`).join('\n')}\nRun the same push again once the servers are back: it converges.`, { failures: bad.length });
}

/** `sigchain push`: accounts to every server of a cluster's NATS resolver. */
export const pushCommand: Command = {
  words: ['push'],
  summary: "Push account JWTs to a cluster's NATS resolver (refusing rollbacks and tokens sigchain would not accept)",
  usage: 'push (-a ACCOUNT | -A) [--operator NAME] [--server URL] [--timeout DURATION] [--force] [--prune] [--account-removal NAME|PUB]',
  description: [
    'Sends account JWTs through $SYS.REQ.CLAIMS.UPDATE to the servers of a cluster running the',
    'NATS-based resolver (`sigchain nats server-config --resolver full`). It talks to --server,',
    "else the operator's account_server_url when it is nats://, else the first of its service URLs",
    '(`sigchain edit operator --service-url`). It connects as a system user it mints for itself: a',
    'fresh key held in memory only, signed through custody by a system-account signing key (else',
    'the system account key), expiring within 15 minutes, allowed to publish only on the',
    'resolver subjects and to subscribe only to _INBOX.>. No system-user creds are stored.',
    '',
    'Before pushing, every token is checked by sigchain\'s own verifier (ACCOUNT_UNTRUSTED: the',
    'server would take a foreign operator\'s account) and each server is asked what it holds:',
    'a token older than the server\'s (or as old with other content) is refused',
    '(PUSH_ROLLBACK_REFUSED) unless --force, so a stolen older account JWT cannot be pushed',
    'back. One line per account and server: updated, unchanged, refused: REASON, or no answer',
    "(servers among the operator's service URLs that did not answer within --timeout).",
    '',
    '--account-removal NAME|PUB and -A --prune (accounts the servers hold that the store does',
    'not) delete through an operator-signed $SYS.REQ.CLAIMS.DELETE; servers need --allow-delete.',
    'Exit 0 when every server updated (or already held) every account, 1 otherwise.',
  ].join('\n'),
  examples: [
    'sigchain push -A',
    'sigchain push -a A --server nats://127.0.0.1:4222 --timeout 5s --json',
    'sigchain push -A --prune',
    'sigchain push --account-removal OLD',
  ],
  options: {
    account: { type: 'string', short: 'a', multiple: true, valueName: 'ACCOUNT', description: 'An account to push (name or public key); repeatable.' },
    'all-accounts': { type: 'boolean', short: 'A', description: 'Push every account of the operator.' },
    ...SERVER_OPTIONS,
    force: { type: 'boolean', description: 'Push even when a server holds a newer token (a deliberate rollback).' },
    prune: { type: 'boolean', description: 'With -A: delete from the servers the accounts the store does not hold.' },
    'account-removal': { type: 'string', multiple: true, valueName: 'NAME|PUB', description: 'Delete this account from the servers (repeatable).' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const removals = list(ctx, 'account-removal');
    const selection = removals.length && ctx.options.account === undefined && !flag(ctx, 'all-accounts') ? [] : accountSelection(ctx, 'push');
    if (flag(ctx, 'prune') && selection !== 'all') throw new SigchainError('USAGE', '--prune needs -A: it deletes what the servers hold beyond the whole store.');
    const ws = openWorkspace(ctx);
    const server = str(ctx, 'server');
    const timeout = timeoutMs(ctx);
    const r = await pushAccounts(ws, {
      accounts: selection,
      removals,
      ...(server !== undefined ? { server } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      force: flag(ctx, 'force'),
      prune: flag(ctx, 'prune'),
      ...(str(ctx, 'operator') ? { operator: str(ctx, 'operator')! } : {}),
    });
    if (r.systemUserSigner.as === 'identity') ctx.printer.warn(`The system user was signed by the system account's identity key ${r.systemUserSigner.publicKey}: give the system account a signing key (\`sigchain edit account SYS --sk generate\`) to keep its identity key offline.`);
    const data = { accounts: r.accounts.map(({ newer: _n, ...a }) => a) };
    const refusal = pushRefusal(r);
    if (refusal) {
      ctx.printer.besideError(data);
      if (!ctx.printer.json) ctx.printer.raw(pushLines(r.accounts));
      throw refusal;
    }
    ctx.printer.result(data, pushLines(r.accounts));
  },
};
