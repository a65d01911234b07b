import { SigchainError } from '../../errors.js';
import { addUser } from '../../workspace/entities/add-user.js';
import { MAX_USERS_PER_BATCH, addUsers } from '../../workspace/entities/add-users.js';
import { type Command, type OptionSpec, list, str } from '../command.js';
import { progress } from '../output/progress.js';
import { stderr } from '../output/stdio.js';
import { USER_FLAG_OPTIONS, userEditFromFlags } from '../parse/user-flags.js';
import { entityName, entityScope, NAME_OPTION, openWorkspace, printWarnings, scopeOptions, signerFrom, snake, TIME_OPTIONS, timeOptions } from './support.js';

/** Users from which `add user` shows its progress (2,000 take about half a second here, 100,000 about 25). */
const PROGRESS_FROM = 2000;

const USAGE = 'add user NAME [NAME…] [-a ACCOUNT] [--operator NAME] [-K KEY] [permission flags] [--expiry WHEN] [--start WHEN]';

// A new user has nothing to remove or undo: offer the setting flags only.
const PERMISSION_OPTIONS: Record<string, OptionSpec> = {
  ...Object.fromEntries(Object.entries(USER_FLAG_OPTIONS).filter(([k]) => !k.startsWith('rm') && k !== 'no-bearer')),
  tag: { type: 'string', multiple: true, valueName: 'TAG', description: 'Tags to set (lower-cased, as NATS does).' },
};

/** `sigchain add user`: a new user of an account, with its creds file. */
export const addUserCommand: Command = {
  words: ['add', 'user'],
  summary: 'Create a user of an account and write its creds file',
  usage: USAGE,
  description: [
    'Creates a user in the current (or -a) account: a fresh user key (stored), a user JWT signed',
    'by an account key, and the creds file NATS clients connect with',
    '(<keystore>/creds/<operator>/<account>/<user>.creds, mode 0600).',
    '',
    'Which key signs: -K names it (a seed, a path to its .nk file, a public key whose seed is',
    'in the key store, or the role of a scoped signing key, see `edit signing-key`); it must be',
    'the account identity key or a signing key the account JWT',
    'lists. Without -K, sigchain picks an account signing key whose seed it holds, then the',
    'identity key. A user signed by a signing key carries issuer_account (the account), which',
    'nats-server needs to place it. If the signing key is scoped, the user gets exactly the',
    "scope's permissions and may not carry its own.",
    '',
    'Permission flags work as in nsc: --allow-pub/--deny-sub/… take subjects, repeated or',
    'comma-separated. Without any, the user may publish and subscribe to everything the',
    'account allows.',
    '',
    'Several names add several users at once, with the same flags, all or nothing: if one name',
    'is taken or not a valid name, none is added. A batch is written at the speed of the disk',
    '(one lock, the files synced once) rather than user by user; --json then prints',
    '{operator, account, users: [...]}. From 2,000 names the progress is shown on stderr (a bar',
    'on a terminal, a line at each tenth otherwise; not with --json).',
  ].join('\n'),
  examples: [
    'sigchain add user U',
    'sigchain add user U -K ~/.local/share/sigchain/keys/A/DU/ADUQ….nk   # sign with an account signing key',
    'sigchain add user worker -a A -K svc   # signed by the scoped key with role svc: gets its template',
    'sigchain add user svc -a A --allow-pub "orders.>" --allow-sub "_INBOX.>" --deny-pub orders.admin',
    'sigchain add user web -a A --allow-pubsub "ui.*,events.>" --conn-type WEBSOCKET --expiry 30d',
    'sigchain add user api -a A --allow-sub "api.>" --allow-pub-response 1 --response-ttl 5s --json',
    'sigchain add user web-1 web-2 web-3 -a A --allow-sub "ui.>"   # three users at once',
  ],
  options: {
    name: NAME_OPTION,
    ...scopeOptions('The account to add the user to'),
    ...PERMISSION_OPTIONS,
    ...TIME_OPTIONS,
  },
  args: { min: 0, max: MAX_USERS_PER_BATCH },
  async run(ctx) {
    if (ctx.positionals.length > 1 && str(ctx, 'name') !== undefined) {
      throw new SigchainError('USAGE', `Give the users' names as arguments, or one name with --name, not both.\nUsage: sigchain ${USAGE}`);
    }
    const names = ctx.positionals.length > 1 ? [...ctx.positionals] : [entityName(ctx, 'user', USAGE)!];
    const edit = userEditFromFlags(ctx);
    const times = timeOptions(ctx);
    const ws = openWorkspace(ctx);
    const scope = entityScope(ctx);
    const signer = await signerFrom(ctx, ws, scope);
    const tags = list(ctx, 'tag');
    const opts = {
      ...scope,
      ...(signer ? { signer } : {}),
      ...(edit ? { edit } : {}),
      ...(tags.length ? { tags } : {}),
      ...times,
    };
    if (names.length > 1) {
      // A bar on a terminal (a line each tenth in a log) when the call takes a while.
      const bar = names.length >= PROGRESS_FROM ? progress(stderr.stream(), 'users added', { quiet: ctx.printer.json }) : undefined;
      let r: Awaited<ReturnType<typeof addUsers>>;
      try {
        r = await addUsers(ws, names, { ...opts, ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}) });
      } finally {
        bar?.done();
      }
      for (const u of r.users) ctx.printer.ok(`added user "${u.name}" (${u.publicKey}) with creds file "${u.credsPath}"`);
      ctx.printer.ok(`added ${r.users.length} users to account "${r.account}"`);
      printWarnings(ctx, r.warnings);
      ctx.printer.result(snake({ operator: r.operator, account: r.account, users: r.users }));
      return;
    }
    const r = await addUser(ws, names[0]!, opts);
    ctx.printer.ok(`generated and stored user key "${r.user.publicKey}"`);
    ctx.printer.ok(`generated user creds file "${r.user.credsPath}"`);
    ctx.printer.ok(`added user "${r.user.name}" to account "${r.account}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake({ operator: r.operator, account: r.account, user: r.user }));
  },
};
