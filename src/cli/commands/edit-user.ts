import { type EditUserOptions, editUser } from '../../workspace/entities/edit-user.js';
import { type Command, flag, str } from '../command.js';
import { CLAIM_OPTIONS, claimEditFromFlags } from '../parse/claim-flags.js';
import { USER_FLAG_OPTIONS, userEditFromFlags } from '../parse/user-flags.js';
import { entityName, openWorkspace, scopeOptions, signerFrom, snake } from './support.js';
import { userName } from './default-user.js';


const USAGE = 'edit user [NAME] [-a ACCOUNT] [flags]';
/** `sigchain edit user`: permissions, limits, validity; also re-issues a user with another key. */
export const editUserCommand: Command = {
  words: ['edit', 'user'],
  summary: "Change a user's permissions, limits, tags or validity, or re-issue it with another key",
  usage: USAGE,
  description: [
    'Changes a user and re-signs it with an account key: the one given with -K (an account',
    'signing key, the role of a scoped one as in `add user -K ROLE`, or the identity key unless',
    'the operator requires signing keys), else a',
    'signing key whose seed is in the key store. A user signed by a signing key carries the',
    'account in issuer_account, which nats-server needs to find it.',
    '',
    'With no change flags it re-issues the user as it is: the way to repair users whose',
    'signing key was removed (`edit account --rm-sk`). When the user seed is in the key store',
    'its creds file is rewritten with the new JWT.',
    '',
    'A user signed by a scoped signing key gets exactly the scope\'s template, so permission and',
    'limit flags are refused for it. Times are daily windows in --locale (or the server\'s zone).',
    '',
    'A user its account revokes is refused (USER_REVOKED): a re-issued token is newer than the',
    'revocation, so servers would accept the user again. --lift-revocation does it on purpose.',
  ].join('\n'),
  examples: [
    'sigchain edit user U --allow-pub "orders.>" --allow-sub "_INBOX.>" --deny-pub "orders.admin.>"',
    'sigchain edit user U -a A --rm "orders.admin.>" --allow-pub-response 1 --response-ttl 5s',
    'sigchain edit user U --source-network 10.0.0.0/8 --time 08:00:00-18:00:00 --locale Europe/Berlin',
    'sigchain edit user U -K ADUQTJD4TF4O6LTTHCKDKSHKGBN2NECCHHMWFREPKNO6MPA7ZETFEEF7   # re-issue with another signing key',
    'sigchain edit user worker -a A -K svc   # re-issue under the scoped signing key with role svc',
  ],
  options: {
    name: { type: 'string', short: 'n', valueName: 'NAME', description: 'The user (instead of the positional NAME).' },
    'lift-revocation': { type: 'boolean', description: 'Re-issue a user its account revokes: the new token is newer than the revocation, so servers accept the user again (USER_REVOKED without it).' },
    ...scopeOptions('The account'),
    ...USER_FLAG_OPTIONS,
    ...CLAIM_OPTIONS,
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const ws = openWorkspace(ctx);
    const claimEdit = claimEditFromFlags(ctx);
    const edit = userEditFromFlags(ctx);
    const op = await ws.operator(str(ctx, 'operator'));
    const account = await ws.account(op, str(ctx, 'account'));
    const user = await userName(op, account, entityName(ctx, 'user', USAGE, true));
    const opts: EditUserOptions = { operator: op.name, account, user, ...claimEdit, ...(edit ? { edit } : {}), ...(flag(ctx, 'lift-revocation') ? { liftRevocation: true } : {}) };
    const signer = await signerFrom(ctx, ws, { operator: op.name, account });
    if (signer) opts.signer = signer;

    const r = await editUser(ws, opts);
    ctx.printer.ok(`edited user "${r.user.name}" (signed by ${r.user.issuerAccount ? 'account signing key' : 'account identity key'} ${r.user.issuer})`);
    if (r.user.credsPath) ctx.printer.ok(`wrote creds file "${r.user.credsPath}"`);
    else ctx.printer.info(`The seed of user "${r.user.name}" is not in the key store, so no creds file was written: give the new JWT to the user's owner (\`sigchain describe user ${r.user.name} --raw\`).`);
    for (const w of r.warnings) ctx.printer.warn(w);
    ctx.printer.result(snake(r));
  },
};
