/**
 * Collects the links and reasons of one verdict, and applies the checks every link gets on
 * its own: the token's static findings, time (exp/nbf with the policy's skew), jti
 * revocation and banned keys.
 */
import type { ErrorCode } from '../errors.js';
import { isoSeconds } from '../claims/nats/common.js';
import type { Policy } from './policy.js';
import type { TokenFacts } from './nats/token-facts.js';
import type { ChainLink, LinkKind, Reason, Verdict } from './verdict.js';

/** Where a reason points: a link, or the input when not even its kind could be read. */
export type At = LinkKind | 'input';

function iso(t: number): string {
  return isoSeconds(t).replace('.000Z', 'Z');
}

function ago(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** "This user token" or "This user token ("name")", as a time finding starts. */
function tokenWhat(at: At, f: TokenFacts): string {
  return `This ${at} token${f.name ? ` ("${f.name}")` : ''}`;
}

/** "name (KEY)" or just the key. */
export function label(key: string, name?: string): string {
  return name ? `"${name}" (${key})` : key;
}

// Leaf first, like the chain.
const ORDER = { input: 0, user: 1, actor: 1, account: 2, operator: 3 } as const;

/** `list` without repeated reasons, leaf first (stable within a link). */
function sorted(list: Reason[]): Reason[] {
  if (list.length < 2) return list;
  const seen = new Set<string>();
  return list
    .filter((r) => {
      const k = `${r.at}\u0000${r.code}\u0000${r.field ?? ''}\u0000${r.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((x, y) => ORDER[x.at] - ORDER[y.at]);
}

export class Judge {
  readonly policy: Policy;
  /** Whole seconds, as Go's `time.Now().Unix()` that nats-server compares with. */
  readonly now: number;
  readonly chain: ChainLink[] = [];
  readonly errors: Reason[] = [];
  readonly warnings: Reason[] = [];

  constructor(policy: Policy) {
    this.policy = policy;
    this.now = Math.floor(policy.now());
  }

  error(at: At, code: ErrorCode, message: string, field?: string): void {
    this.errors.push(field ? { code, message, at, field } : { code, message, at });
  }

  warn(at: At, code: ErrorCode, message: string, field?: string): void {
    this.warnings.push(field ? { code, message, at, field } : { code, message, at });
  }

  /** Adds a link for `f` (leaf first) and runs the checks that need no parent. */
  link(kind: LinkKind, f: TokenFacts, source: ChainLink['source']): ChainLink {
    const link: ChainLink = { kind, sub: f.sub, iss: f.iss, signedBy: 'unknown', source, valid: true };
    if (f.name !== undefined) link.name = f.name;
    if (f.iat !== undefined) link.iat = f.iat;
    if (f.exp !== undefined) link.exp = f.exp;
    if (f.nbf !== undefined) link.nbf = f.nbf;
    if (f.jti !== undefined) link.jti = f.jti;
    this.chain.push(link);
    for (const i of f.errors) this.error(kind, i.code, i.message, i.field);
    for (const i of f.warnings) this.warn(kind, i.code, i.message, i.field);
    this.#time(kind, f);
    this.#revokedJti(kind, f);
    this.#banned(kind, f.sub, f.iss, f.name);
    return link;
  }

  /** A bare trusted key standing in for an operator whose JWT is unknown. */
  anchor(key: string): ChainLink {
    const link: ChainLink = { kind: 'operator', sub: key, iss: key, signedBy: 'identity', source: 'trusted-key', valid: true };
    this.chain.push(link);
    this.#banned('operator', key, key, undefined);
    return link;
  }

  #time(at: At, f: TokenFacts): void {
    if (!this.policy.checkTime) return;
    const skew = this.policy.clockSkewSeconds;
    if (f.exp !== undefined && f.exp > 0 && this.now > f.exp + skew) {
      this.error(at, 'TOKEN_EXPIRED', `${tokenWhat(at, f)} expired at ${iso(f.exp)} (${ago(this.now - f.exp)} ago). Ask its issuer for a new one.`, 'exp');
    }
    if (f.nbf !== undefined && f.nbf > 0 && f.nbf > this.now + skew) {
      this.error(at, 'TOKEN_NOT_YET_VALID', `${tokenWhat(at, f)} is not valid before ${iso(f.nbf)} (in ${ago(f.nbf - this.now)}). Wait until then, or check this machine's clock.`, 'nbf');
    }
  }

  #revokedJti(at: At, f: TokenFacts): void {
    if (!f.jti) return;
    const since = this.policy.jtiRevokedSince(f.jti);
    if (since !== undefined && this.now >= since) {
      this.error(at, 'TOKEN_REVOKED', `This ${at} token (jti ${f.jti}) is revoked by the policy${since > 0 ? ` since ${iso(since)}` : ''}. Ask its issuer for a new one.`, 'jti');
    }
  }

  #banned(at: At, sub: string, iss: string, name: string | undefined): void {
    const banned = this.policy.bannedKeys;
    if (banned.size === 0) return;
    if (sub && banned.has(sub)) this.error(at, 'KEY_BANNED', `The ${at} ${label(sub, name)} is banned by the policy. Its tokens are refused; use the entity that replaced it.`, 'sub');
    if (iss && iss !== sub && banned.has(iss)) {
      this.error(at, 'KEY_BANNED', `This ${at} token is signed by ${iss}, a key the policy bans (e.g. a rotated-out identity). Have it re-issued by a current signing key.`, 'iss');
    }
  }

  /** The verdict: each link marked valid iff no error points at it; duplicate reasons dropped. */
  finish(): Verdict {
    const errors = sorted(this.errors);
    const warnings = sorted(this.warnings);
    for (const l of this.chain) l.valid = !errors.some((e) => e.at === l.kind);
    return { valid: errors.length === 0, chain: this.chain, errors, warnings, checkedAt: this.now };
  }
}
