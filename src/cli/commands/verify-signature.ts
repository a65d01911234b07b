import { SigchainError } from '../../errors.js';
import { type Command, str } from '../command.js';
import { MESSAGE_OPTIONS, messageFrom } from './sign-input.js';

const USAGE = 'verify-signature -u PUBLIC_KEY (-m MESSAGE | --file FILE | < stdin) --signature SIG [--context NAME] [--json]';

/** `sigchain verify-signature`: checks what `sigchain sign` printed. */
export const verifySignatureCommand: Command = {
  words: ['verify-signature'],
  summary: 'Check a signature made by `sigchain sign` (exit 0 genuine, 1 not)',
  usage: USAGE,
  description: [
    'Checks that SIG is the Ed25519 signature of the key PUBLIC_KEY over the message (and, with',
    '--context NAME, over "sigchain-sign-v1\\0" + NAME + "\\0" + MESSAGE, as `sign --context NAME`',
    'signs). Exits 0 when it is genuine, 1 when it is not (SIGNATURE_INVALID). No private key is',
    'used, so nothing is written to the audit log.',
    '',
    'SIG is taken as `sign` prints it: 86 base64url characters, or 128 hex digits (as with',
    '`sign --hex`); standard base64 with "==" padding is accepted too. Anything else is a usage',
    'error (exit 2). A nonce claim verifies as the message CONTRACT:NONCE:CHAIN, without --context.',
  ].join('\n'),
  examples: [
    'sigchain verify-signature -u UDXU… -m "hello" --signature "$SIG"',
    'sigchain verify-signature -u UDXU… --context login -m "$CHALLENGE" --signature "$SIG" --json',
    'sigchain verify-signature -u UDXU… -m 42:7:arkeo-main --signature "$SIG"',
  ],
  options: {
    key: { type: 'string', short: 'u', valueName: 'PUBLIC_KEY', description: 'The public key the signature must be from (U…, A…, O…).' },
    ...MESSAGE_OPTIONS,
    signature: { type: 'string', valueName: 'SIG', description: 'The signature: base64url (as `sign` prints it) or hex (as `sign --hex` prints it).' },
  },
  args: { min: 0, max: 0 },
  jsonRefusal: { valid: false },
  async run(ctx) {
    const key = str(ctx, 'key');
    const sig = str(ctx, 'signature');
    if (key === undefined || sig === undefined) throw new SigchainError('USAGE', `Give the key with -u and the signature with --signature.\nUsage: sigchain ${USAGE}`);
    const { decodeSignature, verifyMessage } = await import('../../workspace/sign-message.js');
    const signature = decodeSignature(sig);
    const context = str(ctx, 'context');
    const message = await messageFrom(ctx);
    const pub = key.trim();
    if (verifyMessage(pub, message, signature, context)) {
      ctx.printer.result({ valid: true, key: pub, ...(context !== undefined ? { context } : {}) }, `genuine: signed by ${pub}${context !== undefined ? ` for context "${context}"` : ''}`);
      return;
    }
    ctx.printer.besideError({ key: pub });
    throw new SigchainError(
      'SIGNATURE_INVALID',
      `The signature is not ${pub}'s over this message${context !== undefined ? ` in context "${context}"` : ' (without context)'}. Check the key, the exact message bytes${context !== undefined ? ', the context name' : ', and whether it was signed with --context'}.`,
      { key: pub },
    );
  },
};
