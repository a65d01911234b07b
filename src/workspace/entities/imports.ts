/**
 * `add import` and `delete import`: an account takes in a stream or a service another account
 * of the same operator exports, publicly or with an activation token. Imports live in the
 * importing ACCOUNT JWT, so an operator key re-signs it. Unlike nsc, an import that no server
 * could ever serve is refused before anything is signed: an exporter that is not in the store,
 * a subject it does not export, a private export without activation, and an activation made
 * for another account, signed by a key the exporter does not list, or for another subject.
 */
import type { SignerLike } from '../signing/signer-like.js';
import { accountDidSign, isRevoked } from '../../claims/nats/account.js';
import { decodeActivation } from '../../claims/nats/decode.js';
import type { AccountClaims, ActivationClaims, Export, ExportType, Import } from '../../claims/nats/types.js';
import { isContainedIn } from '../../claims/nats/subjects.js';
import { SigchainError } from '../../errors.js';
import { isPublicKey } from '../../nkeys/codec.js';

// A plain boolean (not a type guard), so the other branch keeps its string type.
const isAccountKey = (s: string): boolean => isPublicKey(s, ['account']);
import { issueAccount } from '../signing/issue.js';
import { type Stored, readAccountInStore } from '../read.js';
import { exportsCovering, importFromSpec, insertImport, removeImport } from '../edits/export-edit.js';
import { findAccountRef } from './account-set.js';
import type { ResignedAccountInfo } from './exports.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link addImport}. */
export interface AddImportOptions {
  operator?: string;
  /** The importing account; default the current one. */
  account?: string;
  /**
   * The activation token of a private export (the JWT; the CLI reads `--token FILE|TOKEN`). The
   * exporter, subject and kind come from it.
   */
  token?: string;
  /** Public imports: the exporting account, by name or public key (`--src-account`). */
  srcAccount?: string;
  /** Public imports: the subject as exported (`--remote-subject`). */
  remoteSubject?: string;
  /** Public imports: a service (`--service`); default a stream. */
  service?: boolean;
  /** The subject in the importing account (`--local-subject`). */
  localSubject?: string;
  /** Default: the remote subject, or the activation's name. */
  name?: string;
  /** Services: share latency data with the exporter. */
  share?: boolean;
  allowTrace?: boolean;
  /** The operator key that re-signs the importing account (`-K`). */
  signer?: SignerLike;
}

/** What {@link addImport} did. */
export interface AddImportResult {
  operator: string;
  account: ResignedAccountInfo;
  exporter: { name: string; publicKey: string };
  import: Import;
  /** The export that serves it. */
  export: Export;
  /** Set when the remote subject's account token (`*`) was filled in with the importer's key. */
  accountTokenFilled?: number;
  warnings: string[];
}

function describeExports(exporter: Stored<AccountClaims>, type?: ExportType): string {
  const list = (exporter.claims.nats.exports ?? []).filter((e) => !type || e.type === type);
  return list.length ? list.map((e) => `${e.type} ${e.subject}${e.token_req ? ' (private)' : ''}${e.account_token_position ? ` (account token ${e.account_token_position})` : ''}`).join(', ') : '(none)';
}

// An activation as add import checks it; every refusal names what to do instead.
async function checkActivation(importer: Stored<AccountClaims>, exporter: Stored<AccountClaims>, act: ActivationClaims, accountNames: (pub: string) => Promise<string | undefined>): Promise<Export> {
  if (act.sub !== importer.claims.sub) {
    const other = await accountNames(act.sub);
    throw new SigchainError(
      'ACTIVATION_WRONG_ACCOUNT',
      `The activation token was made for account ${act.sub}${other ? ` ("${other}")` : ''}, not for "${importer.name}" (${importer.claims.sub}). Ask the exporter for one made for this account: \`sigchain generate activation -a ${exporter.name} -t ${importer.claims.sub} -s ${act.nats.subject}\`.`,
      { for: act.sub, account: importer.claims.sub },
    );
  }
  if (!accountDidSign(exporter.claims, act)) {
    const keys = [exporter.claims.sub, ...(exporter.claims.nats.signing_keys ?? []).map((k) => (typeof k === 'string' ? k : k.key))];
    throw new SigchainError(
      'SIGNING_KEY_NOT_LISTED',
      `The activation token is signed by ${act.iss}, which is neither account "${exporter.name}"'s identity key nor a signing key its current token lists (${keys.join(', ')}), so servers refuse it. Ask for an activation signed by one of those keys.`,
      { issuer: act.iss, exporter: exporter.claims.sub, keys },
    );
  }
  const now = Math.floor(Date.now() / 1000);
  if (act.exp && act.exp <= now) {
    throw new SigchainError('TOKEN_EXPIRED', `The activation token expired at ${new Date(act.exp * 1000).toISOString()}. Ask account "${exporter.name}" for a new one.`, { exp: act.exp });
  }
  const covering = exportsCovering(exporter.claims, act.nats.subject, act.nats.kind);
  if (!covering.length) {
    throw new SigchainError(
      'ACTIVATION_SUBJECT_MISMATCH',
      `The activation token is for ${act.nats.kind} ${JSON.stringify(act.nats.subject)}, which account "${exporter.name}" does not export. Its exports: ${describeExports(exporter)}. Ask for an activation of one of them.`,
      { subject: act.nats.subject, kind: act.nats.kind },
    );
  }
  const e = covering[0]!;
  if (isRevoked(e.revocations, importer.claims.sub, act.iat ?? 0)) {
    throw new SigchainError('TOKEN_REVOKED', `Account "${exporter.name}" revoked the activations of ${e.type} ${JSON.stringify(e.subject)} it issued to "${importer.name}" up to this one. Ask it for a new activation.`, { export: e.subject });
  }
  return e;
}

/**
 * Adds an import to an account and re-signs it with an operator key. A private export is
 * imported with its activation token (`token`: from `generate activation`), a public one with
 * `srcAccount` and `remoteSubject`. For a public export with an account token position, a `*`
 * at that position of the remote subject is filled in with the importer's public key, as
 * servers require.
 *
 * @example
 * ```ts
 * await addImport(ws, { account: 'B', srcAccount: 'A', remoteSubject: 'orders.>' });
 * await addImport(ws, { account: 'B', token: activationJwt, localSubject: 'help' });
 * ```
 */
export async function addImport(ws: Workspace, opts: AddImportOptions): Promise<AddImportResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account: importer } = await readAccountInStore(ws, opts.operator, opts.account);
    const previous = structuredClone(importer.claims);
    const nameOf = async (pub: string) => (await op.findAccountByPublicKey(pub))?.name;
    let exporter: Stored<AccountClaims>;
    let served: Export;
    let subject: string;
    let type: ExportType;
    let importName = opts.name;
    let local = opts.localSubject;
    let filled: number | undefined;
    if (opts.token !== undefined) {
      if (opts.srcAccount !== undefined || opts.remoteSubject !== undefined) {
        throw new SigchainError('USAGE', 'An import with --token takes the exporting account and the subject from the activation token: drop --src-account and --remote-subject.');
      }
      const act = decodeActivation(opts.token.trim());
      if (opts.service !== undefined && opts.service !== (act.nats.kind === 'service')) {
        throw new SigchainError('USAGE', `The activation token is for a ${act.nats.kind}; ${opts.service ? 'drop --service' : 'add --service'} (or leave it out: the token says).`);
      }
      const exporterKey = act.nats.issuer_account || act.iss!;
      exporter = await findAccountRef(op, exporterKey, 'the exporter that issued this activation');
      served = await checkActivation(importer, exporter, act, nameOf);
      subject = act.nats.subject;
      type = act.nats.kind;
      importName ??= act.name;
      // As nsc: a service imported with a token is reached under its own subject unless renamed.
      if (type === 'service') local ??= subject;
    } else {
      if (opts.srcAccount === undefined || opts.remoteSubject === undefined) {
        throw new SigchainError('USAGE', 'A public import needs the exporting account (--src-account NAME|PUB) and the subject it exports (--remote-subject); a private one needs --token FILE|TOKEN.');
      }
      exporter = await findAccountRef(op, opts.srcAccount, 'the account to import from');
      type = opts.service ? 'service' : 'stream';
      subject = opts.remoteSubject.trim();
      // Named as the user wrote it, before an account token is filled in (nsc: the remote subject).
      importName ??= subject;
      const ofType = (exporter.claims.nats.exports ?? []).filter((e) => e.type === type);
      // A public export with an account token position serves each importer under its own key.
      for (const e of ofType) {
        const pos = e.account_token_position;
        if (!pos || e.token_req) continue;
        const tokens = subject.split('.');
        if (tokens[pos - 1] !== '*') continue;
        tokens[pos - 1] = importer.claims.sub;
        if (isContainedIn(tokens.join('.'), e.subject)) {
          subject = tokens.join('.');
          filled = pos;
          break;
        }
      }
      const covering = exportsCovering(exporter.claims, subject, type);
      const open = covering.filter((e) => !e.token_req && (!e.account_token_position || subject.split('.')[e.account_token_position - 1] === importer.claims.sub));
      if (!open.length) {
        if (covering.some((e) => e.token_req)) {
          throw new SigchainError(
            'ACTIVATION_REQUIRED',
            `Account "${exporter.name}" exports ${type} ${JSON.stringify(covering.find((e) => e.token_req)!.subject)} privately: importing it needs an activation token. Ask for one (\`sigchain generate activation -a ${exporter.name} -t ${importer.claims.sub} -s ${subject}\`) and add it with \`sigchain add import --token FILE\`.`,
            { exporter: exporter.claims.sub, subject },
          );
        }
        const positional = covering.find((e) => e.account_token_position);
        throw new SigchainError(
          'EXPORT_NOT_FOUND',
          positional
            ? `Account "${exporter.name}" exports ${type} ${JSON.stringify(positional.subject)} only to the account whose key is token ${positional.account_token_position} of the subject: import ${JSON.stringify(positional.subject.split('.').map((t, i) => (i === positional.account_token_position! - 1 ? importer.claims.sub : t)).join('.'))} (or give * at that position).`
            : `Account "${exporter.name}" exports no ${type} covering ${JSON.stringify(subject)}, so no server would deliver it. Its ${type} exports: ${describeExports(exporter, type)}.${type === 'stream' && (exporter.claims.nats.exports ?? []).some((e) => e.type === 'service' && isContainedIn(subject, e.subject)) ? ' It exports that subject as a service: add --service.' : ''}`,
          { exporter: exporter.claims.sub, subject, type },
        );
      }
      served = open[0]!;
    }
    if (exporter.claims.sub === importer.claims.sub) {
      throw new SigchainError('USAGE', `Account "${name}" cannot import from itself: its own subjects need no import.`);
    }
    const im = importFromSpec({
      account: exporter.claims.sub,
      subject,
      type,
      ...(importName ? { name: importName } : {}),
      ...(local ? { localSubject: local } : {}),
      ...(opts.token !== undefined ? { token: opts.token.trim() } : {}),
      ...(opts.share ? { share: true } : {}),
      ...(opts.allowTrace ? { allowTrace: true } : {}),
    });
    insertImport(importer.claims, im);
    const issued = await issueAccount(ws, operator, importer.claims, opts.signer, { previous });
    await op.writeAccountJwt(name, issued.token);
    return {
      operator: op.name,
      account: { name, publicKey: importer.claims.sub, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as },
      exporter: { name: exporter.name, publicKey: exporter.claims.sub },
      import: im,
      export: served,
      ...(filled ? { accountTokenFilled: filled } : {}),
      warnings: issued.warnings,
    };
  });
}

/** Options of {@link deleteImport}. */
export interface DeleteImportOptions {
  operator?: string;
  account?: string;
  /** The imported (remote) subject; may be left out when the account has one import. */
  subject?: string;
  /** When several accounts are imported from on that subject: which (name or public key). */
  srcAccount?: string;
  signer?: SignerLike;
}

/** What {@link deleteImport} did. */
export interface DeleteImportResult {
  operator: string;
  account: ResignedAccountInfo;
  removed: Import;
  warnings: string[];
}

/**
 * Removes an import and re-signs the account.
 *
 * @example
 * ```ts
 * await deleteImport(ws, { account: 'B', subject: 'orders.>' });
 * ```
 */
export async function deleteImport(ws: Workspace, opts: DeleteImportOptions): Promise<DeleteImportResult> {
  return ws.store.locked(async () => {
    const { op, operator, name, account } = await readAccountInStore(ws, opts.operator, opts.account);
    const previous = structuredClone(account.claims);
    let from: string | undefined;
    if (opts.srcAccount !== undefined) {
      const ref = opts.srcAccount.trim();
      // An exporter deleted since may be named by its key alone: it is no longer in the store.
      from = isAccountKey(ref) ? ref : (await findAccountRef(op, ref, 'the account imported from')).claims.sub;
    }
    const removed = removeImport(account.claims, opts.subject, from);
    const issued = await issueAccount(ws, operator, account.claims, opts.signer, { previous });
    await op.writeAccountJwt(name, issued.token);
    return { operator: op.name, account: { name, publicKey: account.claims.sub, issuer: issued.signer.key.publicKey, signedBy: issued.signer.as }, removed, warnings: issued.warnings };
  });
}
