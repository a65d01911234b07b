import { SigchainError } from '../../errors.js';
import { type Command, flag, str } from '../command.js';
import { MESSAGE_OPTIONS, messageFrom } from './sign-input.js';
import { openWorkspace } from './support.js';

const USAGE = 'sign -u KEY (-m MESSAGE | --file FILE | < stdin) [--context NAME] [--hex] [--json]\n       sign -u KEY --nonce-claim CONTRACT:NONCE:CHAIN [--hex] [--json]';

/** `sigchain sign`: scripted signing with a key of usage `authentication` (Arkeo's `signhere`). */
export const signCommand: Command = {
  words: ['sign'],
  summary: 'Sign a message or a nonce claim with a key of usage authentication, for scripts (audited)',
  usage: USAGE,
  description: [
    'Signs with the key named by -u (its public key), wherever its private half is kept, and prints',
    'the Ed25519 signature: base64url (86 characters) by default, hex with --hex. Only a key with the',
    'usage "authentication" signs here; any other is refused with KEY_USAGE_VIOLATION. Every use,',
    'refusals included, is recorded in the audit log ($SIGCHAIN_HOME/audit/audit.log) before the',
    'signature is printed: see `sigchain audit show`.',
    '',
    'Without --context the message bytes are signed as they are (what `signhere -u KEY -m MSG` signs).',
    'With --context NAME the bytes signed are "sigchain-sign-v1\\0" + NAME + "\\0" + MESSAGE: the',
    'signature then verifies only under that NAME (`sigchain verify-signature --context NAME`), so a',
    'signature asked for one purpose cannot be replayed for another. Prefer it for anything new.',
    '',
    '--nonce-claim CONTRACT:NONCE:CHAIN signs exactly that text (Arkeo\'s claim), and only if NONCE is',
    'greater than the last nonce signed for CONTRACT on this machine, by any key',
    '(NONCE_NOT_INCREASING otherwise): a stolen script cannot replay or reorder old claims. Of many',
    'processes racing on one nonce, exactly one signs it. The nonce is reserved before signing, so a',
    'signature that then fails leaves it spent: claim the next one. The state is kept in',
    '$SIGCHAIN_HOME/nonces/nonce-claims.json.',
  ].join('\n'),
  examples: [
    'sigchain sign -u UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 -m "hello"',
    'sigchain sign -u UDXU… --context login -m "$CHALLENGE" --json',
    'sigchain sign -u UDXU… --file request.bin --hex',
    'printf %s "$MSG" | sigchain sign -u UDXU…',
    'sigchain sign -u UDXU… --nonce-claim 42:7:arkeo-main',
  ],
  options: {
    key: { type: 'string', short: 'u', valueName: 'KEY', description: 'Public key of the signing key (U…, A…, O…); it must have the usage "authentication".' },
    ...MESSAGE_OPTIONS,
    'nonce-claim': { type: 'string', valueName: 'CONTRACT:NONCE:CHAIN', description: 'Sign this Arkeo nonce claim (its exact text), refusing a nonce not greater than the last one signed for the contract.' },
    hex: { type: 'boolean', description: 'Print the signature as 128 hex digits instead of base64url.' },
  },
  args: { min: 0, max: 0 },
  async run(ctx) {
    const key = str(ctx, 'key');
    if (key === undefined) throw new SigchainError('USAGE', `Name the key with -u PUBLIC_KEY.\nUsage: sigchain ${USAGE}`);
    const claim = str(ctx, 'nonce-claim');
    const ws = openWorkspace(ctx);
    const { signMessage, signNonceClaim } = await import('../../workspace/sign-message.js');
    let signed: { key: string; signature: Uint8Array };
    let extra: Record<string, unknown> = {};
    if (claim !== undefined) {
      if (str(ctx, 'message') !== undefined || str(ctx, 'file') !== undefined || str(ctx, 'context') !== undefined) {
        throw new SigchainError('USAGE', '--nonce-claim signs the claim text itself: give no -m, --file or --context with it.');
      }
      const r = await signNonceClaim(ws, { key, claim });
      signed = r;
      extra = { claim: r.claim.text };
    } else {
      const context = str(ctx, 'context');
      signed = await signMessage(ws, { key, message: await messageFrom(ctx), ...(context !== undefined ? { context } : {}) });
    }
    const signature = Buffer.from(signed.signature).toString(flag(ctx, 'hex') ? 'hex' : 'base64url');
    if (ctx.printer.json) ctx.printer.result({ key: signed.key, signature, ...extra });
    else ctx.printer.raw(signature);
  },
};
