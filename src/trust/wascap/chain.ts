/**
 * wasmCloud wascap tokens as a chain format: actor → account → operator, strict by default as
 * Gantry mandated. An actor names no account: its `iss` is the account's identity key or one
 * of the account's `valid_signers` (then found through the resolver's accountBySigningKey). An
 * account's `iss` must be one of its operator's `valid_signers`; the operator's identity key
 * signing an account is IDENTITY_KEY_MISUSE, always an error here. The operator above an
 * account is chosen as for NATS (pinned JWTs, resolver, identity rotation by listed keys).
 */
import { roleOfKey } from '../../nkeys/roles.js';
import type { Above, Ask, ChainFormat, Step } from '../format.js';
import { type Judge, label } from '../judge.js';
import { judgeRootTrust } from '../root-trust.js';
import { operatorChooser } from '../nats/operators.js';
import type { TokenFacts } from '../nats/token-facts.js';
import { type WascapFacts, isWascapToken, wascapFacts } from './token-facts.js';

const NO_OPERATORS: readonly string[] = Object.freeze([]);

function signersOf(f: TokenFacts): readonly string[] {
  return (f as Partial<WascapFacts>).signers ?? NO_OPERATORS;
}

const chooseWascapOperator = operatorChooser({ facts: wascapFacts, signingKeys: signersOf });

// A parent token that is not the wascap entity asked for: its own errors say why (a NATS
// token is WRONG_CLAIM_TYPE), otherwise the resolver answered with the wrong token.
function wrongParent(j: Judge, child: Step, key: string, f: WascapFacts): 'stop' | undefined {
  if (f.kind === 'account' && f.sub === key && f.claims) return undefined;
  if (f.errors.length > 0) {
    for (const e of f.errors) j.error('account', e.code, `Account ${key}: ${e.message}`, e.field);
    return 'stop';
  }
  j.error(child.kind, 'CHAIN_INCOMPLETE', `The resolver answered the lookup of account ${key} with a token that is not that account's wascap JWT. Fix the resolver or the files given.`);
  return 'stop';
}

// The parent of an actor: the account whose identity key signed it, else the account that
// lists the signer in its valid_signers.
function* aboveActor(j: Judge, actor: Step): Generator<Ask, Above, unknown> {
  const key = actor.facts.iss;
  if (roleOfKey(key) !== 'account' || key === actor.facts.sub) return 'stop'; // WRONG_KEY_ROLE / SELF_ISSUED already say why
  let token = (yield { ask: 'account', key }) as string | undefined;
  let owner = key;
  if (token === undefined) {
    token = (yield { ask: 'accountBySigningKey', key }) as string | undefined;
    if (token !== undefined) owner = wascapFacts(token).sub;
  }
  if (token === undefined) {
    j.error(
      'actor',
      'CHAIN_INCOMPLETE',
      `No account ${key} (this actor's issuer) was found, nor an account listing it in valid_signers. Give the account's wascap JWT (--chain FILE).`,
      'iss',
    );
    return 'stop';
  }
  const account = wascapFacts(token);
  const wrong = wrongParent(j, actor, owner, account);
  if (wrong) return wrong;
  return { kind: 'account', facts: account, source: 'resolver', trusted: false };
}

// The parent of an account: a trusted operator JWT, or nothing trusted. A bare trusted key
// cannot tell whether it is the operator's identity (which may not sign accounts here) or a
// signing key, so it does not complete a wascap chain.
function* aboveAccount(j: Judge, account: Step): Generator<Ask, Above, unknown> {
  const f = account.facts;
  if (!f.claims || roleOfKey(f.iss) !== 'operator') return 'stop';
  const operators = (yield { ask: 'operators' }) as readonly string[] | undefined;
  const choice = chooseWascapOperator(f.iss, operators ?? NO_OPERATORS, j.policy);
  if (choice.kind === 'none') {
    j.error(
      'account',
      'ISSUER_NOT_TRUSTED',
      `This account is signed by ${f.iss}, which is not the identity or a valid signer of any wascap operator the policy trusts. If the operator is yours, trust its JWT (--trust <operator JWT>) or give it (--chain).`,
      'iss',
    );
    return 'stop';
  }
  if (choice.kind === 'trusted-key') {
    j.anchor(choice.key);
    j.error(
      'operator',
      'CHAIN_INCOMPLETE',
      `The account is signed by the trusted key ${choice.key}, but no operator JWT for it was found, so whether it is the operator's identity key (never allowed to sign accounts) or one of its valid_signers is unknown. Give the operator JWT (--chain or --trust <JWT>).`,
    );
    return 'stop';
  }
  return { kind: 'operator', facts: choice.facts, source: choice.source, trusted: choice.trusted };
}

// eslint-disable-next-line require-yield
function* atRoot(): Generator<Ask, Above, unknown> {
  return 'root';
}

function ownIdentityListed(j: Judge, at: 'account' | 'operator', f: TokenFacts): void {
  if (!signersOf(f).includes(f.sub)) return;
  const message = `The ${at} ${label(f.sub, f.name)} lists its own identity key in valid_signers, which defeats the separation of identity and signing keys. Remove it and sign with a separate key.`;
  if (j.policy.requireSigningKeys) j.error(at, 'KEY_USAGE_VIOLATION', message, 'wascap.valid_signers');
  else j.warn(at, 'KEY_USAGE_VIOLATION', message, 'wascap.valid_signers');
}

/** An actor against its account: signed by the account's identity key or one of its valid_signers. */
function judgeActor(j: Judge, actor: Step, account: TokenFacts): void {
  const u = actor.facts;
  if (u.iss === account.sub) actor.link.signedBy = 'identity';
  else if (signersOf(account).includes(u.iss)) actor.link.signedBy = 'signing-key';
  else {
    j.error(
      'actor',
      'SIGNING_KEY_NOT_LISTED',
      `This actor is signed by ${u.iss}, which is neither the identity key of account ${label(account.sub, account.name)} nor one of the valid_signers its current token lists. Re-sign the module with a current key of the account.`,
      'iss',
    );
  }
}

/** An account against its operator: signed by one of the operator's valid_signers, never its identity. */
function judgeAccount(j: Judge, account: Step, op: TokenFacts): void {
  const a = account.facts;
  const opName = label(op.sub, op.name);
  if (a.iss === op.sub) {
    account.link.signedBy = 'identity';
    j.error(
      'account',
      'IDENTITY_KEY_MISUSE',
      `This account is signed by the identity key of operator ${opName}. wasmCloud chains are strict (Gantry): only an operator signing key (one of its valid_signers) may sign accounts, so a stolen identity key cannot mint them. Re-sign the account with an operator signing key.`,
      'iss',
    );
  } else if (signersOf(op).includes(a.iss)) {
    account.link.signedBy = 'signing-key';
  } else {
    j.error('account', 'SIGNING_KEY_NOT_LISTED', `This account is signed by ${a.iss}, which is not one of the valid_signers the current token of operator ${opName} lists. Re-sign the account with a current operator signing key.`, 'iss');
  }
  ownIdentityListed(j, 'account', a);
}

/** wasmCloud wascap chains: actor → account → operator. */
export const WASCAP_CHAIN: ChainFormat = {
  name: 'wascap',
  reads: isWascapToken,
  facts: wascapFacts,
  leafKind(j, leaf) {
    const kind = (leaf as WascapFacts).kind;
    // Its own errors (an operator not self-signed) are reported at its link.
    if (leaf.claims && (kind === 'actor' || kind === 'account' || kind === 'operator')) return kind;
    for (const e of leaf.errors) j.error('input', e.code, e.message, e.field);
    if (j.errors.length === 0) j.error('input', 'WRONG_CLAIM_TYPE', `This is a wascap ${kind ?? 'unknown'} token; a chain is verified from an actor, account or operator token.`, 'sub');
    return undefined;
  },
  above(j, child) {
    if (child.kind === 'actor') return aboveActor(j, child);
    if (child.kind === 'account') return aboveAccount(j, child);
    return atRoot();
  },
  judgeRoot(j, top, leaf) {
    const op = top.facts;
    top.link.signedBy = op.iss === op.sub ? 'identity' : 'unknown';
    if (top.kind !== 'operator') return;
    ownIdentityListed(j, 'operator', op);
    judgeRootTrust(j, top, leaf, '--trust <its JWT>');
  },
  judgeEdge(j, chain, i) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    if (child.kind === 'actor') judgeActor(j, child, parent.facts);
    else if (child.kind === 'account') judgeAccount(j, child, parent.facts);
  },
  judgeLeaf() {
    // No rule of a wascap leaf runs after the others.
  },
};
