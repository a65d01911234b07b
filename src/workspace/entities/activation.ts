/**
 * `generate activation`: the exporting account lets one other account import one of its
 * private exports, by signing an activation token for it (with one of its keys, through
 * custody). The token is handed to the importer, who adds it with `add import --token`.
 */
import type { SignerLike } from '../signing/signer-like.js';
import { newActivationClaims } from '../../claims/nats/activation.js';
import type { Export } from '../../claims/nats/types.js';
import { isContainedIn, subjectProblem } from '../../claims/nats/subjects.js';
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';

// A plain boolean (not a type guard), so the other branch keeps its string type.
const isAccountKey = (s: string): boolean => isPublicKey(s, ['account']);
import { issueActivation } from '../signing/issue-activation.js';
import { readAccountInStore } from '../read.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link generateActivation}. */
export interface GenerateActivationOptions {
  operator?: string;
  /** The exporting account; default the current one. */
  account?: string;
  /** The account allowed to import: a stored account's name, or any account public key (`-t`). */
  target: string;
  /** The subject granted (the export's, or a narrower one); may be left out when there is one private export. */
  subject?: string;
  /** Unix seconds; 0 or absent: never. */
  expiry?: number;
  /** Unix seconds; absent: now. */
  start?: number;
  /** The exporting account's key that signs (`-K`): its identity key or a signing key. */
  signer?: SignerLike;
}

/** What {@link generateActivation} made. */
export interface GenerateActivationResult {
  operator: string;
  account: { name: string; publicKey: string };
  target: { publicKey: string; name?: string };
  export: Export;
  subject: string;
  /** The activation JWT. */
  token: string;
  /** The token armored as nsc writes it (`-----BEGIN NATS ACTIVATION JWT-----`). */
  decorated: string;
  issuer: string;
  signedBy: 'identity' | 'signing-key';
  warnings: string[];
}

/**
 * The armored ("decorated") form nsc and the Go library (`jwt.DecorateJWT`) write for a token.
 *
 * @example
 * ```ts
 * decorateJwt(token, 'activation'); // '-----BEGIN NATS ACTIVATION JWT-----\n…'
 * ```
 */
export function decorateJwt(token: string, kind: string): string {
  const k = kind.toUpperCase();
  return `-----BEGIN NATS ${k} JWT-----\n${token}\n------END NATS ${k} JWT------\n\n`;
}

/**
 * Signs an activation of a private export of `account` for `target`. Refuses with
 * `EXPORT_NOT_FOUND` when the account has no private export covering the subject.
 *
 * @example
 * ```ts
 * const r = await generateActivation(ws, { account: 'A', target: 'B', subject: 'help' });
 * writeFileSync('help.activation', r.decorated);
 * ```
 */
export async function generateActivation(ws: Workspace, opts: GenerateActivationOptions): Promise<GenerateActivationResult> {
  const { op, operator, name, account } = await readAccountInStore(ws, opts.operator, opts.account);
  const privates = (account.claims.nats.exports ?? []).filter((e) => e.token_req);
  if (!privates.length) {
    throw new SigchainError(
      'EXPORT_NOT_FOUND',
      `Account "${name}" has no private exports, so there is nothing to activate${account.claims.nats.exports?.length ? ` (its exports are public: ${account.claims.nats.exports.map((e) => e.subject).join(', ')}; any account may import them)` : ''}. Add one with \`sigchain add export -a ${name} --private -s SUBJECT\`.`,
      { account: account.claims.sub },
    );
  }
  let subject = opts.subject?.trim();
  if (subject === undefined || subject === '') {
    if (privates.length > 1) throw new SigchainError('USAGE', `Account "${name}" has ${privates.length} private exports; say which with -s SUBJECT: ${privates.map((e) => e.subject).join(', ')}.`);
    subject = privates[0]!.subject;
  }
  const bad = subjectProblem(subject);
  if (bad) throw new SigchainError('INVALID_CLAIMS', `The activation subject is not valid: ${bad}.`);
  const e = privates.filter((x) => isContainedIn(subject!, x.subject)).sort((a, b) => b.subject.length - a.subject.length)[0];
  if (!e) {
    throw new SigchainError('EXPORT_NOT_FOUND', `Account "${name}" has no private export covering ${JSON.stringify(subject)}. Its private exports: ${privates.map((x) => `${x.type} ${x.subject}`).join(', ')}.`, { subject });
  }
  const target = opts.target.trim();
  let targetKey: string;
  let targetName: string | undefined;
  if (isAccountKey(target)) {
    targetKey = target;
    targetName = (await op.findAccountByPublicKey(target))?.name;
  } else {
    if (/^S[A-Z2-7]{20,}$/.test(target)) throw new SigchainError('USAGE', 'The target account (-t) is given as a seed: never pass seeds there. Give the importing account\'s public key (A…) or its name.');
    if (!(await op.hasAccount(target))) {
      const names = await op.listAccounts();
      throw new SigchainError('STORE_NOT_FOUND', `There is no account named ${JSON.stringify(target.slice(0, 64))} under operator ${op.name}. Give the importing account's public key (A…), or one of: ${names.join(', ') || '(none)'}.`, { operator: op.name });
    }
    targetName = target;
    targetKey = (await readAccountInStore(ws, op.name, target)).account.claims.sub;
  }
  if (targetKey === account.claims.sub) throw new SigchainError('USAGE', `Account "${name}" is the exporter itself: it needs no activation for its own subjects. Name the importing account with -t.`);
  const claims = newActivationClaims(subject, targetKey, subject, e.type);
  if (opts.expiry) claims.exp = opts.expiry;
  if (opts.start) claims.nbf = opts.start;
  const issued = await issueActivation(ws, account, operator.claims.nats.strict_signing_key_usage === true, claims, opts.signer);
  const warnings = [...issued.warnings];
  if (!targetName) warnings.push(`Account ${targetKey} is not in this store: the activation is only of use to it under an operator whose servers also know account "${name}".`);
  return {
    operator: op.name,
    account: { name, publicKey: account.claims.sub },
    target: { publicKey: targetKey, ...(targetName ? { name: targetName } : {}) },
    export: e,
    subject,
    token: issued.token,
    decorated: decorateJwt(issued.token, 'activation'),
    issuer: issued.signer.key.publicKey,
    signedBy: issued.signer.as,
    warnings,
  };
}
