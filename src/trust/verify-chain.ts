/**
 * verifyChain: walks user → account → operator (or starts at an account or operator token),
 * checks every link on its own and against its parent's current token, and ends at a root the
 * policy trusts. All reasons are collected; the verdict is data, never an exception.
 *
 * The walk is a generator that asks for tokens, so one implementation serves both the async
 * driver (store resolvers read files) and the sync one (in-memory resolvers, hot paths).
 */
import { SigchainError } from '../errors.js';
import { roleOfKey } from '../nkeys/roles.js';
import { admitsNoConnections } from './connect-limits.js';
import { Judge, label } from './judge.js';
import { chooseOperator } from './operators.js';
import { judgeAccount, judgeOperator, judgeUser } from './parent-rules.js';
import { type Policy, type PolicyOptions, definePolicy, isPolicy } from './policy.js';
import type { ChainResolver, SyncChainResolver } from './resolver.js';
import { type TokenFacts, tokenFacts } from './token-facts.js';
import type { ChainLink, Verdict } from './verdict.js';

/** What {@link verifyChain} needs besides the token. */
export interface VerifyOptions {
  /** Finds the account and operator JWTs above the token. Default: none (only pinned operators). */
  resolver?: ChainResolver;
  /** A policy from {@link definePolicy} / {@link natsServerPolicy}, or options for one. Default: trusts nothing. */
  policy?: Policy | PolicyOptions;
}

/** {@link VerifyOptions} with a resolver that answers synchronously. */
export interface VerifySyncOptions extends VerifyOptions {
  resolver?: SyncChainResolver;
}

type Ask = { ask: 'account'; key: string } | { ask: 'operators' } | { ask: 'accountBySigningKey'; key: string };

const NO_OPERATORS: readonly string[] = Object.freeze([]);
const EMPTY: SyncChainResolver = { account: () => undefined, operators: () => NO_OPERATORS };


function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function operatorLink(j: Judge, f: TokenFacts, source: ChainLink['source']): ChainLink {
  const link = j.link('operator', f, source);
  link.signedBy = f.iss === f.sub ? 'identity' : 'unknown';
  judgeOperator(j, f);
  return link;
}

// The parent of an account: a trusted operator JWT, a bare trusted key, or nothing trusted.
function* aboveAccount(j: Judge, account: TokenFacts, accountLink: ChainLink): Generator<Ask, { strict: boolean; name?: string }, unknown> {
  if (roleOfKey(account.iss) !== 'operator') return { strict: false }; // its role error is already reported
  const operators = (yield { ask: 'operators' }) as readonly string[] | undefined;
  const choice = chooseOperator(account.iss, operators ?? NO_OPERATORS, j.policy);
  if (choice.kind === 'none') {
    j.error(
      'account',
      'ISSUER_NOT_TRUSTED',
      `This account is signed by ${account.iss}, which is not the identity or a signing key of any operator the policy trusts. If the operator is yours, trust it (--trust <operator key or JWT>) and give its JWT (--chain).`,
      'iss',
    );
    return { strict: false };
  }
  if (choice.kind === 'trusted-key') {
    j.anchor(choice.key);
    if (j.policy.requireSigningKeys) {
      j.error(
        'operator',
        'CHAIN_INCOMPLETE',
        `The account is signed by the trusted key ${choice.key}, but no operator JWT for it was found, so whether it is an identity or a signing key is unknown and the policy requires signing keys. Give the operator JWT (--chain or --trust <JWT>).`,
      );
    } else {
      j.warn('operator', 'CHAIN_INCOMPLETE', `No operator JWT was found for the trusted key ${choice.key}; it is trusted as a bare key (as nats-server's trusted_keys), so its signing keys and strict mode are unknown.`);
    }
    return { strict: false };
  }
  const op = choice.facts;
  operatorLink(j, op, choice.source);
  judgeAccount(j, accountLink, account, op);
  if (!choice.trusted) {
    j.error(
      'operator',
      'ISSUER_NOT_TRUSTED',
      j.policy.bannedKeys.has(op.sub)
        ? `Operator ${label(op.sub, op.name)} vouches for this account, but it is banned and not trusted. Re-sign the account with a signing key of the operator that replaced it.`
        : `Operator ${label(op.sub, op.name)} vouches for this account, but the policy does not trust it. If it is yours, trust it with --trust ${op.sub} (or its JWT).`,
      'sub',
    );
  }
  return op.name === undefined ? { strict: op.nats.strict_signing_key_usage === true } : { strict: op.nats.strict_signing_key_usage === true, name: op.name };
}

function* walk(token: string, policy: Policy): Generator<Ask, Verdict, unknown> {
  const j = new Judge(policy);
  const leaf = tokenFacts(token);
  const type = leaf.type;
  if (!leaf.claims || (type !== 'user' && type !== 'account' && type !== 'operator')) {
    for (const e of leaf.errors) j.error('input', e.code, e.message, e.field);
    if (j.errors.length === 0) j.error('input', 'WRONG_CLAIM_TYPE', 'The token is not a user, account or operator token, so it has no chain to verify.', 'nats.type');
    return j.finish();
  }
  if (type === 'operator') {
    operatorLink(j, leaf, 'token');
    if (roleOfKey(leaf.sub) === 'operator' && !policy.trustedKeys.has(leaf.sub)) {
      j.error('operator', 'ISSUER_NOT_TRUSTED', `Operator ${label(leaf.sub, leaf.name)} is not among the operators the policy trusts. If it is yours, trust it with --trust ${leaf.sub}.`, 'sub');
    }
    return j.finish();
  }
  if (type === 'account') {
    const link = j.link('account', leaf, 'token');
    yield* aboveAccount(j, leaf, link);
    if (admitsNoConnections(leaf.nats)) {
      j.warn('account', 'ACCOUNT_DISABLED', `Account ${label(leaf.sub, leaf.name)} admits no connections (limits.conn is 0 or absent): nats-server will refuse all its users. Set limits.conn to -1 (unlimited) or a positive number unless it is meant to be locked out.`, 'nats.limits.conn');
    }
    return j.finish();
  }

  const userLink = j.link('user', leaf, 'token');
  const issuerAccount = str(leaf.nats.issuer_account);
  if (issuerAccount) userLink.issuerAccount = issuerAccount;
  // nats-server finds the account by issuer_account, else by iss.
  const key = issuerAccount ?? leaf.iss;
  if (roleOfKey(key) !== 'account') return j.finish(); // SELF_ISSUED / WRONG_KEY_ROLE already say why
  const accountToken = (yield { ask: 'account', key }) as string | undefined;
  if (!accountToken) {
    if (!issuerAccount) {
      const owner = (yield { ask: 'accountBySigningKey', key: leaf.iss }) as string | undefined;
      if (owner) {
        const o = tokenFacts(owner);
        j.error(
          'user',
          'ISSUER_ACCOUNT_MISSING',
          `This user is signed by ${leaf.iss}, a signing key of account ${label(o.sub, o.name)}, but does not name that account in issuer_account, so nats-server cannot find its account and refuses it. Re-issue the user with issuer_account ${o.sub}.`,
          'nats.issuer_account',
        );
        return j.finish();
      }
    }
    j.error(
      'user',
      'CHAIN_INCOMPLETE',
      issuerAccount
        ? `Account ${key}, named by this user's issuer_account, was not found. Give its JWT (--chain FILE) or import it into the store.`
        : `No account ${key} (this user's issuer) was found. If it is an account signing key, the user needs issuer_account; otherwise give the account JWT (--chain FILE).`,
      issuerAccount ? 'nats.issuer_account' : 'iss',
    );
    return j.finish();
  }
  const account = tokenFacts(accountToken);
  if (account.signatureOk && !account.claims) {
    // A genuine account token whose claims Go would not decode: say why, at the account.
    for (const e of account.errors) j.error('account', e.code, e.message, e.field);
    return j.finish();
  }
  if (account.type !== 'account' || account.sub !== key) {
    j.error('user', 'CHAIN_INCOMPLETE', `The resolver answered the lookup of account ${key} with a token that is not that account's JWT. Fix the resolver or the files given.`);
    return j.finish();
  }
  const accountLink = j.link('account', account, 'resolver');
  const op = yield* aboveAccount(j, account, accountLink);
  judgeUser(j, userLink, leaf, account, op.strict, op.name);
  return j.finish();
}

function toPolicy(p: Policy | PolicyOptions | undefined): Policy {
  return isPolicy(p) ? p : definePolicy(p ?? {});
}

function ask(resolver: ChainResolver, a: Ask): unknown {
  if (a.ask === 'account') return resolver.account(a.key);
  if (a.ask === 'operators') return resolver.operators();
  return resolver.accountBySigningKey?.(a.key);
}

/**
 * Verifies a user, account or operator JWT and the chain above it, returning a {@link Verdict}:
 * valid, or every reason it is not, each with a stable code and a sentence to act on. Checks
 * each signature; that each issuer is its parent's identity key or a signing key the parent's
 * current token lists (users: the account named by `issuer_account`, else `iss`); key roles;
 * self-issued users; `exp`/`nbf` with the policy's skew; account revocations (NATS semantics)
 * and the policy's jti revocations; scoped signing keys; strict operators and the strict
 * policy; banned keys; and that the root is a trusted operator. Never throws for a bad token;
 * throws only for a bad policy or a failing resolver.
 *
 * @example
 * ```ts
 * const verdict = await verifyChain(userJwt, {
 *   resolver: memoryResolver(await loadChainFiles(['./jwts'])),
 *   policy: definePolicy({ trustedOperators: [operatorJwt], requireSigningKeys: true }),
 * });
 * if (!verdict.valid) for (const r of verdict.errors) console.log(r.code, r.message);
 * ```
 */
export async function verifyChain(token: string, options: VerifyOptions = {}): Promise<Verdict> {
  const resolver = options.resolver ?? EMPTY;
  const gen = walk(token, toPolicy(options.policy));
  let step = gen.next();
  while (!step.done) {
    const answer = ask(resolver, step.value);
    step = gen.next(answer instanceof Promise ? await answer : answer);
  }
  return step.value;
}

/**
 * {@link verifyChain} without promises, for resolvers that answer synchronously (such as
 * {@link memoryResolver}). Throws `USAGE` if the resolver returns a promise.
 *
 * @example
 * ```ts
 * const v = verifyChainSync(userJwt, { resolver: memoryResolver([accountJwt]), policy: natsServerPolicy([operatorJwt]) });
 * ```
 */
export function verifyChainSync(token: string, options: VerifySyncOptions = {}): Verdict {
  const resolver = options.resolver ?? EMPTY;
  const gen = walk(token, toPolicy(options.policy));
  let step = gen.next();
  while (!step.done) {
    const answer = ask(resolver, step.value);
    if (answer instanceof Promise) throw new SigchainError('USAGE', 'verifyChainSync needs a resolver that answers synchronously (e.g. memoryResolver); use verifyChain with this one.');
    step = gen.next(answer);
  }
  return step.value;
}
