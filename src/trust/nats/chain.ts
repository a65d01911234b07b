/**
 * NATS JWT v2 as a chain format: user → account → operator, as nats-server 2.9.10 judges it.
 * The walk itself is generic (verify-chain.ts); what is NATS lives here: which token starts a
 * chain, how a user finds its account (`issuer_account`, else `iss`) and an account its
 * operator (policy pins, resolver, bare trusted keys), and the rules between them.
 */
import { roleOfKey } from '../../nkeys/roles.js';
import type { Above, Ask, ChainFormat, Step } from '../format.js';
import { type Judge, label } from '../judge.js';
import { judgeRootTrust } from '../root-trust.js';
import { admitsNoConnections } from './connect-limits.js';
import { chooseOperator } from './operators.js';
import { judgeAccount, judgeOperator, judgeUser } from './parent-rules.js';
import { tokenFacts } from './token-facts.js';

const NO_OPERATORS: readonly string[] = Object.freeze([]);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// The parent of an account: a trusted operator JWT, a bare trusted key, or nothing trusted.
function* aboveAccount(j: Judge, account: Step): Generator<Ask, Above, unknown> {
  const f = account.facts;
  if (roleOfKey(f.iss) !== 'operator') return 'stop'; // its role error is already reported
  const operators = (yield { ask: 'operators' }) as readonly string[] | undefined;
  const choice = chooseOperator(f.iss, operators ?? NO_OPERATORS, j.policy);
  if (choice.kind === 'none') {
    j.error(
      'account',
      'ISSUER_NOT_TRUSTED',
      `This account is signed by ${f.iss}, which is not the identity or a signing key of any operator the policy trusts. If the operator is yours, trust it (--trust <operator key or JWT>) and give its JWT (--chain).`,
      'iss',
    );
    return 'stop';
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
    return 'stop';
  }
  return { kind: 'operator', facts: choice.facts, source: choice.source, trusted: choice.trusted };
}

// The parent of a user: the account named by issuer_account, else by iss.
function* aboveUser(j: Judge, user: Step): Generator<Ask, Above, unknown> {
  const leaf = user.facts;
  const issuerAccount = str(leaf.nats.issuer_account);
  if (issuerAccount) user.link.issuerAccount = issuerAccount;
  const key = issuerAccount ?? leaf.iss;
  if (roleOfKey(key) !== 'account') return 'stop'; // SELF_ISSUED / WRONG_KEY_ROLE already say why
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
        return 'stop';
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
    return 'stop';
  }
  const account = tokenFacts(accountToken);
  if (account.signatureOk && !account.claims) {
    // A genuine account token whose claims Go would not decode: say why, at the account.
    for (const e of account.errors) j.error('account', e.code, e.message, e.field);
    return 'stop';
  }
  if (account.type !== 'account' || account.sub !== key) {
    j.error('user', 'CHAIN_INCOMPLETE', `The resolver answered the lookup of account ${key} with a token that is not that account's JWT. Fix the resolver or the files given.`);
    return 'stop';
  }
  return { kind: 'account', facts: account, source: 'resolver', trusted: false };
}

// An operator is the top of a NATS chain.
// eslint-disable-next-line require-yield
function* atRoot(): Generator<Ask, Above, unknown> {
  return 'root';
}

// The NATS header, as every NATS tool writes it (other headers are read by the NATS facts too,
// which explain what is wrong with them).
const NATS_HEADER = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.';

/** NATS JWT v2 chains: user → account → operator. */
export const NATS_CHAIN: ChainFormat = {
  name: 'nats',
  reads: (token) => token.startsWith(NATS_HEADER),
  facts: tokenFacts,
  leafKind(j, leaf) {
    const type = leaf.type;
    if (leaf.claims && (type === 'user' || type === 'account' || type === 'operator')) return type;
    for (const e of leaf.errors) j.error('input', e.code, e.message, e.field);
    if (j.errors.length === 0) j.error('input', 'WRONG_CLAIM_TYPE', 'The token is not a user, account or operator token, so it has no chain to verify.', 'nats.type');
    return undefined;
  },
  above(j, child) {
    if (child.kind === 'user') return aboveUser(j, child);
    if (child.kind === 'account') return aboveAccount(j, child);
    return atRoot();
  },
  judgeRoot(j, top, leaf) {
    const op = top.facts;
    top.link.signedBy = op.iss === op.sub ? 'identity' : 'unknown';
    judgeOperator(j, op);
    judgeRootTrust(j, top, leaf, `--trust ${op.sub}${leaf ? '' : ' (or its JWT)'}`, roleOfKey(op.sub) === 'operator');
  },
  judgeEdge(j, chain, i) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    if (child.kind === 'account') {
      judgeAccount(j, child.link, child.facts, parent.facts);
      return;
    }
    // A user: its operator's strict mode (when the chain reaches an operator JWT) cascades down.
    const op = chain[i + 2];
    const strict = op !== undefined && op.facts.nats.strict_signing_key_usage === true;
    judgeUser(j, child.link, child.facts, parent.facts, strict, op?.facts.name);
  },
  judgeLeaf(j, chain) {
    const leaf = chain[0]!;
    if (leaf.kind === 'account' && admitsNoConnections(leaf.facts.nats)) {
      j.warn('account', 'ACCOUNT_DISABLED', `Account ${label(leaf.facts.sub, leaf.facts.name)} admits no connections (limits.conn is 0 or absent): nats-server will refuse all its users. Set limits.conn to -1 (unlimited) or a positive number unless it is meant to be locked out.`, 'nats.limits.conn');
    }
  },
};
