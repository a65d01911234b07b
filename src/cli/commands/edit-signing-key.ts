import { SigchainError } from '../../errors.js';
import { type EditSigningKeyScopeOptions, editSigningKeyScope } from '../../workspace/signing/signing-key-scope.js';
import { type Command, str } from '../command.js';
import { STATEMENT_KINDS_HELP } from '../parse/restrict-sk.js';
import { USER_FLAG_OPTIONS, userEditFromFlags } from '../parse/user-flags.js';
import { natsOnly, noWascapEdit, openWorkspace, printWarnings, scopeOptions, signerFrom, snake } from './support.js';

const USAGE = 'edit signing-key -a ACCOUNT --sk PUB|generate --role ROLE [--description TEXT] [template permission flags] [-K OPERATOR_KEY]';

/** `sigchain edit signing-key`: make an account signing key scoped (nsc's command of that name). */
export const editSigningKeyCommand: Command = {
  words: ['edit', 'signing-key'],
  summary: "Scope an account signing key: a role and the permission template of every user it signs",
  usage: USAGE,
  description: [
    'Turns an account signing key into a scoped signing key (a NATS user_scope), or changes its',
    'scope, and re-signs the account with an operator key (-K, else one at hand).',
    '',
    'What a scope limits: every user the key signs gets exactly the template\'s permissions and',
    'limits, applied by nats-server at login; the user JWT itself must carry none (sigchain',
    'refuses to issue such a user, `sigchain verify` reports SCOPE_VIOLATION, and the server',
    'refuses the login). So a leaked scoped key can only mint users confined to the template,',
    'never users with more rights. Pick the key by role when adding users: `add user -K ROLE`.',
    '',
    'The template takes the permission flags of `add user` (--allow-pub, --deny-sub, --subs, …)',
    'and may use the functions {{name()}}, {{subject()}}, {{account-name()}},',
    '{{account-subject()}}, {{tag(KEY)}} and {{account-tag(KEY)}}, filled in per user. On',
    'nats-server 2.9.x a function must be a whole subject token: "svc.{{name()}}.>" works,',
    '"svc.user-{{name()}}" needs 2.11 or later (sigchain warns). Quote templates in the shell.',
    '',
    'Users this key signed earlier with permissions of their own are listed: servers refuse them',
    'from now on. Servers apply the new scope to connections made after the account update.',
    '',
    'Adding or changing a scope changes the account\'s signing keys: a `signing-keys` statement,',
    'so the operator key that re-signs the account must be allowed `account` and `signing-keys`',
    '(as for `edit account --sk`); a key restricted to `account` is refused.',
    '',
    ...STATEMENT_KINDS_HELP,
  ].join('\n'),
  examples: [
    "sigchain edit signing-key -a A --sk generate --role svc --allow-pub 'svc.{{name()}}.>' --allow-sub '_INBOX.>'   # then: sigchain add user worker -a A -K svc",
    "sigchain edit signing-key -a A --sk ADUQ… --role readers --allow-sub 'telemetry.>' --deny-pubsub 'telemetry.admin.>' --description 'read-only dashboards'",
    "sigchain edit signing-key -a A --sk ADUQ… --rm 'telemetry.>' --subs 100 -K ~/.local/share/sigchain/keys/O/AZ/OAZ….nk --json",
  ],
  options: {
    ...scopeOptions('The account'),
    sk: { type: 'string', seed: true, valueName: 'PUB|PATH|SEED|generate', description: 'The account signing key to scope: a public key (A…), a seed or .nk file, or "generate" (a new key, stored). Added to the account if not listed.' },
    role: { type: 'string', valueName: 'ROLE', description: 'The scope\'s role, unique in the account; `add user -K ROLE` signs with this key. Required for a new scope.' },
    description: { type: 'string', valueName: 'TEXT', description: 'A description of the scope ("" clears it).' },
    ...USER_FLAG_OPTIONS,
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const key = str(ctx, 'sk');
    if (key === undefined) throw new SigchainError('USAGE', `Name the signing key with --sk (a public key, or generate).\nUsage: sigchain ${USAGE}`);
    const opts: EditSigningKeyScopeOptions = { key };
    for (const [field, name] of [['account', 'account'], ['operator', 'operator'], ['role', 'role'], ['description', 'description']] as const) {
      const v = str(ctx, name);
      if (v !== undefined) opts[field] = v;
    }
    const edit = userEditFromFlags(ctx);
    if (edit) opts.edit = edit;
    const ws = openWorkspace(ctx);
    const signer = await signerFrom(ctx, ws);
    if (signer) opts.signer = signer;
    const r = await natsOnly(noWascapEdit('signing key'), () => editSigningKeyScope(ws, opts));
    if (r.key.generated) ctx.printer.ok(`generated and stored account signing key "${r.key.publicKey}"${r.key.storedAt ? ` at ${r.key.storedAt}` : ''}`);
    ctx.printer.ok(`${r.change === 'created' ? 'scoped' : 'updated scope of'} signing key "${r.key.publicKey}" (role "${r.scope.role}")`);
    ctx.printer.ok(`edited account "${r.account.name}"`);
    printWarnings(ctx, r.warnings);
    ctx.printer.result(snake(r));
  },
};
