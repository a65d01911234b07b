import { listRevokedJtis } from '../../workspace/revocation/revoked-jtis.js';
import { type Command } from '../command.js';
import { renderGrid } from '../output/table.js';
import { ACCOUNT_OPTIONS, when } from './revocation-support.js';
import { openWorkspace, snake, entityScope } from './support.js';

/** `sigchain revocations list-jtis`: the tokens revoked one by one. */
export const revocationsListJtisCommand: Command = {
  words: ['revocations', 'list-jtis'],
  summary: 'List the tokens revoked by jti, per account',
  usage: 'revocations list-jtis [-a ACCOUNT] [--operator NAME]',
  description: [
    'Lists the jtis revoked with `sigchain revoke jti`, for one account (-a) or every account of',
    'the operator: the jti, what is known of the token (type, name, subject, iat), from when',
    'verifiers refuse it, and whether servers were told by a key revocation at its iat',
    '(`sigchain revocations list-users` shows those entries). A damaged list is an error',
    '(STORE_CORRUPT), never skipped: skipping it would let revoked tokens through.',
  ].join('\n'),
  examples: ['sigchain revocations list-jtis', 'sigchain revocations list-jtis -a A --json'],
  options: ACCOUNT_OPTIONS,
  args: { min: 0, max: 0 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const scope = entityScope(ctx);
    const r = await listRevokedJtis(ws, scope);
    const rows = r.accounts.flatMap((a) =>
      a.jtis.map((e) => [a.name, e.jti, [e.type, e.name ? `"${e.name}"` : ''].filter(Boolean).join(' '), e.subject ?? '', when(e.at), e.keyRevocation ? `key at ${when(e.keyRevocation.at)}` : 'no (jti only)']),
    );
    const text = rows.length
      ? renderGrid(`Revoked Tokens (operator ${r.operator})`, ['Account', 'JTI', 'Token', 'Subject', 'Refused From', 'Servers Told'], rows)
      : `No token is revoked by jti${scope.account !== undefined ? ` in account ${scope.account}` : ''}. Revoke one with \`sigchain revoke jti TOKEN_OR_CREDS_FILE\`.`;
    ctx.printer.result(snake(r), text);
  },
};
