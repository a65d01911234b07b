/**
 * wasmCloud (wascap) operators and accounts in the store. They live in the same layout as NATS
 * ones (`<stores>/<Op>/<Op>.jwt`, `accounts/<A>/<A>.jwt`), holding wascap JWTs; the format is
 * told by each token's header (`"alg":"Ed25519"`), so nothing else records it and a store
 * copied elsewhere keeps saying what it is.
 */
import { decodeWascap } from '../../claims/wascap/codec.js';
import type { AccountWascapClaims, OperatorWascapClaims } from '../../claims/wascap/types.js';
import { SigchainError } from '../../errors.js';
import type { OperatorEntities } from '../../store/store.js';
import { type Stored, isWascapStored, readAccount, readOperator } from '../read.js';

function natsGiven(op: OperatorEntities, what: string): SigchainError {
  return new SigchainError(
    'WRONG_CLAIM_TYPE',
    `${what} is a NATS ${what.startsWith('Operator') ? 'operator' : 'account'}, not a wasmCloud (wascap) one: wascap accounts and signed modules do not chain to it. Create a wascap operator with \`sigchain add operator NAME --format wascap\`, or use the NATS commands (no --format) here.`,
    { expected: 'wascap', got: 'nats', operator: op.name },
  );
}

/**
 * True when the operator's stored token is a wascap token.
 *
 * @example
 * ```ts
 * if (await isWascapOperator(await ws.operator('W'))) console.log('wasmCloud');
 * ```
 */
export async function isWascapOperator(op: OperatorEntities): Promise<boolean> {
  return isWascapStored(await op.readOperatorJwt());
}

/**
 * The wascap operator token from the store, signature and key roles verified (time is the
 * verifier's to judge). `WRONG_CLAIM_TYPE` for a NATS operator.
 *
 * @example
 * ```ts
 * const o = await readWascapOperator(await ws.operator('W'));
 * o.claims.wascap.valid_signers; // ['O…']
 * ```
 */
export async function readWascapOperator(op: OperatorEntities): Promise<Stored<OperatorWascapClaims>> {
  const token = await op.readOperatorJwt();
  if (!isWascapStored(token)) throw natsGiven(op, `Operator ${op.name}`);
  return { name: op.name, token, claims: decodeWascap(token, { expect: 'operator', checkTime: false }).claims };
}

/**
 * A wascap account token from the store, verified as {@link readWascapOperator}.
 *
 * @example
 * ```ts
 * const a = await readWascapAccount(op, 'team');
 * a.claims.wascap.valid_signers; // ['A…']
 * ```
 */
export async function readWascapAccount(op: OperatorEntities, name: string): Promise<Stored<AccountWascapClaims>> {
  const token = await op.readAccountJwt(name);
  if (!isWascapStored(token)) throw natsGiven(op, `Account ${name} of operator ${op.name}`);
  return { name, token, claims: decodeWascap(token, { expect: 'account', checkTime: false }).claims };
}

/** What listings show of a stored operator or account, whichever its format. */
export interface EntityKeys {
  format: 'nats' | 'wascap';
  sub: string;
  iss: string;
}

/**
 * The operator's keys and format, verified, NATS or wascap (for listings that show both).
 *
 * @example
 * ```ts
 * (await readOperatorKeys(await ws.operator('W'))).format; // 'wascap'
 * ```
 */
export async function readOperatorKeys(op: OperatorEntities): Promise<EntityKeys> {
  if (await isWascapOperator(op)) {
    const c = (await readWascapOperator(op)).claims;
    return { format: 'wascap', sub: c.sub, iss: c.iss };
  }
  const c = (await readOperator(op)).claims;
  return { format: 'nats', sub: c.sub, iss: c.iss ?? '' };
}

/**
 * An account's keys and format, verified, NATS or wascap.
 *
 * @example
 * ```ts
 * (await readAccountKeys(op, 'team')).iss; // the operator signing key that signed it
 * ```
 */
export async function readAccountKeys(op: OperatorEntities, name: string): Promise<EntityKeys> {
  if (isWascapStored(await op.readAccountJwt(name))) {
    const c = (await readWascapAccount(op, name)).claims;
    return { format: 'wascap', sub: c.sub, iss: c.iss };
  }
  const c = (await readAccount(op, name)).claims;
  return { format: 'nats', sub: c.sub, iss: c.iss ?? '' };
}
