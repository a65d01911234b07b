/**
 * The few, small writes of a compromise, each atomic and fsynced: the parents' tokens without
 * the compromised key (and with its replacement), the accounts whose imports carried
 * activations it signed, and, for an operator signing key, the accounts it signed.
 * Every step reads the current state first, so running it again after an interruption only
 * does what is left.
 */
import type { Signer } from '../../keys/signer.js';
import { decodeActivation, decodeOperator } from '../../claims/nats/decode.js';
import { encodeActivationAsync, encodeOperatorAsync } from '../../claims/nats/encode.js';
import { tokenSigner } from '../signing/token-signer.js';
import type { AccountClaims } from '../../claims/nats/types.js';
import { SigchainError, isSigchainError } from '../../errors.js';
import type { OperatorWork } from './scan.js';
import { swapSigningKey } from './swap-signing-key.js';
import type { CompromiseProgress, CompromiseResult } from './types.js';
import { issueAccount } from '../signing/issue.js';
import { assertSignerMay } from '../signing/signer-usage.js';
import type { Workspace } from '../workspace.js';

/** What the parent steps need besides the scan. */
export interface ParentStepContext {
  ws: Workspace;
  key: string;
  /** Replacement key pair by parent identity key. */
  replacements: Map<string, Signer>;
  /** The -K key. */
  signer: Signer | undefined;
  iat: number;
  result: CompromiseResult;
  onProgress?: (p: CompromiseProgress) => void;
}

/** Re-signs the operator token without the compromised key, with its replacement. */
async function resignOperator(c: ParentStepContext, w: OperatorWork): Promise<void> {
  const p = w.parents.find((x) => x.view.kind === 'operator' && !x.view.replaced);
  if (!p) return;
  const identity = w.operator.claims.sub;
  const k = c.signer ?? (await c.ws.custody.signer(identity));
  if (k.publicKey !== identity) throw new SigchainError('NO_APPROPRIATE_SIGNING_KEY', `Only operator "${w.op.name}"'s identity key ${identity} can re-sign its token. Pass it with -K.`, { allowed: [identity] });
  await assertSignerMay(c.ws, k, 'identity', `the token of operator "${w.op.name}"`);
  const claims = structuredClone(w.operator.claims);
  swapSigningKey('operator', claims, c.key, c.replacements.get(identity)!.publicKey, null);
  const token = await encodeOperatorAsync(claims, tokenSigner(k, 'identity', identity));
  await w.op.writeOperatorJwt(token);
  w.operator = { name: w.operator.name, token, claims: decodeOperator(token) };
  p.view.replaced = true;
  c.result.resigned.push({ kind: 'operator', operator: w.op.name, name: w.op.name, signer: identity, as: 'identity' });
}

/**
 * Re-signs, with an operator key, every account that changes: a parent (the compromised key
 * swapped for its replacement, same scope) and any account importing with an activation the
 * compromised key signed (re-issued with the replacement). A parent that cannot be re-signed
 * stops everything (the plan said so before anything changed); an importer is reported.
 */
async function resignAccounts(c: ParentStepContext, w: OperatorWork): Promise<void> {
  const names = new Set<string>();
  for (const p of w.parents) if (p.view.kind === 'account' && !p.view.replaced) names.add(p.view.name);
  for (const a of w.activationJobs) names.add(a.importer);
  for (const name of names) {
    const stored = w.accounts.get(name)!;
    const claims: AccountClaims = structuredClone(stored.claims);
    const parent = w.parents.find((p) => p.view.kind === 'account' && p.view.name === name && !p.view.replaced);
    if (parent) swapSigningKey('account', claims, c.key, c.replacements.get(parent.view.publicKey)!.publicKey, parent.view.scope);
    const activations = w.activationJobs.filter((a) => a.importer === name);
    const reissued: typeof c.result.reissued = [];
    for (const job of activations) {
      const imp = claims.nats.imports![job.index]!;
      const exporter = w.parents.find((p) => p.view.kind === 'account' && p.view.name === job.exporter)!;
      try {
        const act = decodeActivation(imp.token!);
        act.nats.issuer_account = exporter.view.publicKey;
        imp.token = await encodeActivationAsync(act, tokenSigner(c.replacements.get(exporter.view.publicKey)!, 'issuing', act.sub), { iat: c.iat });
        reissued.push({ kind: 'activation', operator: w.op.name, account: name, name: imp.name || imp.subject, publicKey: claims.sub });
      } catch (e) {
        if (!isSigchainError(e)) throw e;
        c.result.cannot.push({ kind: 'activation', operator: w.op.name, account: name, name: imp.name || imp.subject, reason: `its token cannot be read (${e.code}): ${e.message}` });
      }
    }
    try {
      // `previous`: a parent's new signing key is a delegation, which only some keys may sign.
      const issued = await issueAccount(c.ws, w.operator, claims, c.signer, { previous: stored.claims });
      await w.op.writeAccountJwt(name, issued.token);
      w.accounts.set(name, { name, token: issued.token, claims: structuredClone(claims) });
      c.result.resigned.push({ kind: 'account', operator: w.op.name, name, signer: issued.signer.key.publicKey, as: issued.signer.as });
      c.result.warnings.push(...issued.warnings);
      c.result.reissued.push(...reissued);
      if (parent) parent.view.replaced = true;
    } catch (e) {
      if (parent || !isSigchainError(e)) throw e;
      for (const r of reissued) c.result.cannot.push({ kind: 'activation', operator: w.op.name, account: name, name: r.name, reason: `account "${name}", which carries it, cannot be re-signed: ${e.message}` });
    }
  }
}

/** Operator signing key: re-issues the accounts it signed with the replacement. */
async function reissueAccounts(c: ParentStepContext, w: OperatorWork): Promise<void> {
  const total = w.accountJobs.length;
  const replacement = c.replacements.get(w.operator.claims.sub);
  if (!total || !replacement) return;
  let done = 0;
  for (const name of w.accountJobs) {
    const stored = w.accounts.get(name)!;
    try {
      const issued = await issueAccount(c.ws, w.operator, structuredClone(stored.claims), replacement, { previous: stored.claims });
      await w.op.writeAccountJwt(name, issued.token);
      c.result.reissued.push({ kind: 'account', operator: w.op.name, account: name, name, publicKey: stored.claims.sub });
    } catch (e) {
      if (!isSigchainError(e)) throw e;
      c.result.cannot.push({ kind: 'account', operator: w.op.name, account: name, name, reason: e.message });
    }
    c.onProgress?.({ phase: 'accounts', done: ++done, total });
  }
}

/**
 * The parent steps of one operator, in order: operator token, accounts to re-sign, then (for an
 * operator signing key) the accounts it signed.
 */
export async function applyParentSteps(c: ParentStepContext, w: OperatorWork): Promise<void> {
  await resignOperator(c, w);
  await resignAccounts(c, w);
  await reissueAccounts(c, w);
}
