// Builds operator → account → user chains with sigchain's own claim builders, and crafts the
// malformed or forged tokens an attacker would (raw payloads signed by any key).
import assert from 'node:assert/strict';
import {
  type AccountClaims,
  type OperatorClaims,
  type UserClaims,
  type UserPermissionLimits,
  addOperatorSigningKey,
  addSigningKey,
  encodeAccount,
  encodeOperator,
  encodeUser,
  newAccountClaims,
  newOperatorClaims,
  newUserClaims,
  newUserScope,
  setScoped,
} from '../../src/claims/nats/index.js';
import { signJwt } from '../../src/jwt/index.js';
import { KeyPair } from '../../src/nkeys/index.js';
import type { ErrorCode } from '../../src/errors.js';
import type { Verdict } from '../../src/trust/index.js';

export const now = (): number => Math.floor(Date.now() / 1000);

export interface Op {
  id: KeyPair;
  sks: KeyPair[];
  sys: KeyPair;
  claims: OperatorClaims;
  jwt: string;
}

export interface OperatorOptions {
  name?: string;
  signingKeys?: number;
  /** Reuse these signing keys (identity rotation keeps them). */
  keepSigningKeys?: KeyPair[];
  strict?: boolean;
  iat?: number;
  exp?: number;
  edit?: (c: OperatorClaims) => void;
}

/** An operator with `signingKeys` fresh signing keys (default 1) and a system account key. */
export function makeOperator(opts: OperatorOptions = {}): Op {
  const id = KeyPair.create('operator');
  const sks = opts.keepSigningKeys ?? Array.from({ length: opts.signingKeys ?? 1 }, () => KeyPair.create('operator'));
  const sys = KeyPair.create('account');
  const claims = newOperatorClaims(opts.name ?? 'O', id.publicKey);
  if (sks.length) addOperatorSigningKey(claims, ...sks.map((k) => k.publicKey));
  claims.nats.system_account = sys.publicKey;
  if (opts.strict) claims.nats.strict_signing_key_usage = true;
  if (opts.exp) claims.exp = opts.exp;
  opts.edit?.(claims);
  const jwt = encodeOperator(claims, id, opts.iat ? { iat: opts.iat } : undefined);
  return { id, sks, sys, claims, jwt };
}

export interface Acct {
  id: KeyPair;
  sks: KeyPair[];
  scoped: KeyPair[];
  claims: AccountClaims;
  jwt: string;
}

export interface AccountOptions {
  name?: string;
  /** Default: the operator's first signing key, else its identity. */
  signer?: KeyPair;
  /** Reuse an account identity (to re-issue an account). */
  id?: KeyPair;
  signingKeys?: KeyPair[] | number;
  scopes?: Array<{ role: string; template?: UserPermissionLimits }>;
  revocations?: Record<string, number>;
  iat?: number;
  exp?: number;
  nbf?: number;
  edit?: (c: AccountClaims) => void;
}

/** An account under `op`, with unlimited limits (nsc defaults). */
export function makeAccount(op: Op, opts: AccountOptions = {}): Acct {
  const id = opts.id ?? KeyPair.create('account');
  const sks = Array.isArray(opts.signingKeys) ? opts.signingKeys : Array.from({ length: opts.signingKeys ?? 1 }, () => KeyPair.create('account'));
  const claims = newAccountClaims(opts.name ?? 'A', id.publicKey);
  for (const k of sks) addSigningKey(claims, k.publicKey);
  const scoped: KeyPair[] = [];
  for (const s of opts.scopes ?? []) {
    const k = KeyPair.create('account');
    scoped.push(k);
    addSigningKey(claims, newUserScope(k.publicKey, s.role, s.template ?? {}));
  }
  if (opts.revocations) claims.nats.revocations = { ...opts.revocations };
  if (opts.exp) claims.exp = opts.exp;
  if (opts.nbf) claims.nbf = opts.nbf;
  opts.edit?.(claims);
  const signer = opts.signer ?? op.sks[0] ?? op.id;
  const jwt = encodeAccount(claims, signer, opts.iat ? { iat: opts.iat } : undefined);
  return { id, sks, scoped, claims, jwt };
}

/** The system account the operator names (needed by nats-server in operator mode). */
export function makeSystemAccount(op: Op): Acct {
  return makeAccount(op, { name: 'SYS', id: op.sys, signingKeys: 1 });
}

export interface Usr {
  key: KeyPair;
  claims: UserClaims;
  jwt: string;
}

export interface UserOptions {
  name?: string;
  /** Default: the account identity key. A different signer sets issuer_account. */
  signer?: KeyPair;
  /** false: leave issuer_account out even for a signing key. */
  issuerAccount?: boolean;
  /** Issue as a scoped user (no permissions or limits). */
  scoped?: boolean;
  iat?: number;
  exp?: number;
  nbf?: number;
  edit?: (c: UserClaims) => void;
}

export function makeUser(acct: Acct, opts: UserOptions = {}): Usr {
  const key = KeyPair.create('user');
  const claims = newUserClaims(opts.name ?? 'U', key.publicKey);
  const signer = opts.signer ?? acct.id;
  if (signer.publicKey !== acct.id.publicKey && opts.issuerAccount !== false) claims.nats.issuer_account = acct.id.publicKey;
  if (opts.scoped) setScoped(claims);
  if (opts.exp) claims.exp = opts.exp;
  if (opts.nbf) claims.nbf = opts.nbf;
  opts.edit?.(claims);
  const jwt = encodeUser(claims, signer, opts.iat ? { iat: opts.iat } : undefined);
  return { key, claims, jwt };
}

/** Signs any payload with any key: how an attacker makes a token no builder would. */
export function craft(payload: Record<string, unknown>, signer: KeyPair): string {
  return signJwt({ jti: 'X', iat: now(), ...payload }, signer);
}

/** Edits the payload of a signed token and keeps its header and signature. */
export function tamper(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(payload);
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
}

/** Replaces a token's header, keeping payload and signature. */
export function withHeader(token: string, header: Record<string, unknown>): string {
  const [, p, s] = token.split('.');
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
}

/** Asserts the verdict is invalid with exactly these error codes (order-insensitive). */
export function assertCodes(v: Verdict, codes: ErrorCode[]): void {
  assert.equal(v.valid, false, `expected an invalid verdict, got valid: ${JSON.stringify(v, null, 1)}`);
  assert.deepEqual([...v.errors.map((e) => e.code)].sort(), [...codes].sort(), JSON.stringify(v.errors, null, 1));
}

/** Asserts the verdict is valid (showing the errors when it is not). */
export function assertValid(v: Verdict): void {
  assert.equal(v.valid, true, JSON.stringify(v.errors, null, 1));
  assert.deepEqual(v.errors, []);
}
