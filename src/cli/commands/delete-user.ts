import { SigchainError } from '../../errors.js';
import { deleteUser } from '../../workspace/entities/delete-user.js';
import { type Command, flag, list } from '../command.js';
import { entityScope, natsOnly, openWorkspace, printWarnings, scopeOptions, signerFrom, snake } from './support.js';

const USAGE = 'delete user (NAME | -n NAME[,NAME…]) [-R | --revoke] [-D | --rm-nkey] [-C | --rm-creds] [-a ACCOUNT] [-K OPERATOR_KEY] [flags]';

/** `sigchain delete user`: users leave the store (and, on request, their keys, creds and access). */
export const deleteUserCommand: Command = {
  words: ['delete', 'user'],
  summary: 'Delete users from the store; -R revokes them first, -D and -C remove their keys and creds',
  usage: USAGE,
  description: [
    'Removes users (NAME, or -n, repeated or comma-separated) of the current (or -a) account from',
    'the store, as nsc does. -D/--rm-nkey also removes each user\'s seed from the key store,',
    '-C/--rm-creds its creds file.',
    '',
    'Deleting does not stop the creds already handed out from connecting: servers know nothing',
    'of the store. -R/--revoke first revokes each user\'s key in the account JWT (re-signed by an',
    'operator key: -K, else an operator signing key at hand); servers refuse the users once they',
    'load the new account (`sigchain nats server-config`, then reload). Without -R a warning says',
    'so. Every user is checked before anything is removed.',
  ].join('\n'),
  examples: ['sigchain delete user U -a A', 'sigchain delete user -n U1,U2 -a A -R -D -C', 'sigchain delete user -n U -R --json'],
  options: {
    name: { type: 'string', short: 'n', multiple: true, valueName: 'NAME', description: 'A user to delete (repeated or comma-separated).' },
    revoke: { type: 'boolean', short: 'R', description: 'Revoke each user in the account JWT first, so servers refuse its creds.' },
    'rm-nkey': { type: 'boolean', short: 'D', description: "Also remove each user's seed from the key store." },
    'rm-creds': { type: 'boolean', short: 'C', description: "Also remove each user's creds file." },
    ...scopeOptions('The account of the users'),
  },
  args: { min: 0, max: 1 },
  async run(ctx) {
    const users = [...ctx.positionals, ...list(ctx, 'name')];
    if (!users.length) throw new SigchainError('USAGE', `Name the user to delete.\nUsage: sigchain ${USAGE}`);
    const ws = openWorkspace(ctx);
    const revoke = flag(ctx, 'revoke');
    const signer = revoke ? await signerFrom(ctx, ws) : undefined;
    const r = await natsOnly(() => 'wasmCloud accounts have no users.', () =>
      deleteUser(ws, { ...entityScope(ctx), users, revoke, rmNkey: flag(ctx, 'rm-nkey'), rmCreds: flag(ctx, 'rm-creds'), ...(signer ? { signer } : {}) }),
    );
    for (const u of r.users) {
      if (u.revocation === 'revoked') ctx.printer.ok(`revoked user "${u.name}" (${u.publicKey})`);
      if (u.revocation === 'already-revoked') ctx.printer.ok(`user "${u.name}" was already revoked`);
      ctx.printer.ok(`deleted user "${u.name}" from account "${r.account}"`);
      if (u.key) ctx.printer.ok(u.key === 'removed' ? `removed the seed of ${u.publicKey}` : `the seed of ${u.publicKey} was not stored`);
      if (u.creds) ctx.printer.ok(u.creds === 'removed' ? `removed the creds file of "${u.name}"` : `"${u.name}" had no creds file`);
    }
    if (r.resigned) ctx.printer.ok(`re-signed account "${r.account}" with operator ${r.resigned.signedBy === 'identity' ? 'identity' : 'signing'} key ${r.resigned.issuer}`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
