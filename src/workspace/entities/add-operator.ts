import type { Signer } from '../../keys/signer.js';
import { formatCreds } from '../../claims/nats/creds.js';
import { encodeOperatorAsync } from '../../claims/nats/encode.js';
import { addSigningKey, newAccountClaims, systemAccountExports } from '../../claims/nats/account.js';
import { newOperatorClaims } from '../../claims/nats/operator.js';
import { newUserClaims } from '../../claims/nats/user.js';
import { decodeAccount } from '../../claims/nats/decode.js';
import { SigchainError } from '../../errors.js';
import { defaultUsages } from '../../keys/usage.js';
import { KeyPair } from '../../nkeys/keypair.js';
import { expiredAtIssue, issueAccount, issueUser } from '../signing/issue.js';
import { tokenSigner } from '../signing/token-signer.js';
import { assertSignerMay } from '../signing/signer-usage.js';
import type { Workspace } from '../workspace.js';

/** Options of {@link addOperator}. */
export interface AddOperatorOptions {
  /**
   * Create the system account `SYS` (with nsc's two monitoring exports, see
   * `systemAccountExports`) and user `sys` (default true), as `nsc add operator --sys`.
   */
  systemAccount?: boolean;
  /** Generate and list an operator signing key, and sign the system account with it. */
  generateSigningKey?: boolean;
  /** Unix seconds; 0/undefined = never. */
  expiry?: number;
  start?: number;
}

/** What {@link addOperator} made. */
export interface AddOperatorResult {
  operator: { name: string; publicKey: string; keyPath: string };
  signingKey?: { publicKey: string; keyPath: string };
  systemAccount?: { name: string; publicKey: string; signingKey: string };
  systemUser?: { name: string; publicKey: string; credsPath: string };
  warnings: string[];
}

/**
 * Creates an operator: its identity key (stored), its self-signed JWT, and unless told not
 * to, the system account `SYS` (with its own signing key and nsc's monitoring exports
 * `account-monitoring-services` and `account-monitoring-streams`) and a system user `sys` signed by
 * that key, so the system user keeps working when the operator later requires signing keys.
 * Makes the new operator the current one.
 *
 * @example
 * ```ts
 * const r = await addOperator(ws, 'O2');
 * r.operator.publicKey; // 'O…'
 * ```
 */
export async function addOperator(ws: Workspace, name: string, opts: AddOperatorOptions = {}): Promise<AddOperatorResult> {
  return ws.store.locked(async () => {
    // Checked before any key is made, so a refused add leaves no orphan seed in the key store.
    if (await ws.store.hasOperator(name)) {
      throw new SigchainError('STORE_EXISTS', `Operator ${name} already exists in ${ws.store.location}. Choose another name, or edit that operator.`, { kind: 'operator', name });
    }
    const withSys = opts.systemAccount !== false;
    // Made side by side: sealing a key costs a scrypt, and scrypt runs off the main thread.
    const [identity, sk, sys, sysSk] = await Promise.all([
      ws.custody.generate('operator', defaultUsages('operator', 'identity')),
      opts.generateSigningKey ? ws.custody.generate('operator', defaultUsages('operator', 'signing-key')) : undefined,
      withSys ? ws.custody.generate('account', defaultUsages('account', 'identity')) : undefined,
      withSys ? ws.custody.generate('account', defaultUsages('account', 'signing-key')) : undefined,
    ]);
    const made = [identity, sk, sys, sysSk].filter((k): k is Signer => k !== undefined);
    const claims = newOperatorClaims(name, identity.publicKey);
    if (opts.expiry) claims.exp = opts.expiry;
    if (opts.start) claims.nbf = opts.start;
    if (sk) claims.nats.signing_keys = [sk.publicKey];
    if (sys) claims.nats.system_account = sys.publicKey;

    const keyPath = ws.custody.whereIs(identity);
    const skPath = sk ? ws.custody.whereIs(sk) : undefined;
    await assertSignerMay(ws, identity, 'identity', `the token of operator "${name}"`);
    let op;
    let operatorJwt: string;
    try {
      operatorJwt = await encodeOperatorAsync(claims, tokenSigner(identity, 'identity', identity.publicKey));
      op = await ws.store.createOperator(name, operatorJwt);
    } catch (e) {
      // A refused create (STORE_EXISTS…) must not leave the fresh, unused keys behind.
      for (const k of made) await ws.keys.removeKey(k.publicKey);
      throw e;
    }
    const result: AddOperatorResult = { operator: { name: op.name, publicKey: identity.publicKey, keyPath }, warnings: [] };
    const expired = expiredAtIssue(`operator "${op.name}"`, claims.exp);
    if (expired) result.warnings.push(expired);
    if (sk && skPath) result.signingKey = { publicKey: sk.publicKey, keyPath: skPath };

    if (sys && sysSk) {
      const acct = newAccountClaims('SYS', sys.publicKey);
      addSigningKey(acct, sysSk.publicKey);
      // nsc's monitoring exports: without them no account can import its own CONNZ/SUBSZ/… data.
      acct.nats.exports = systemAccountExports();
      const operator = { name: op.name, token: operatorJwt, claims };
      const issued = await issueAccount(ws, operator, acct, sk ?? identity, { previous: null });
      await op.addAccount('SYS', issued.token);
      const sysUser = KeyPair.create('user');
      await ws.custody.importKey(sysUser, defaultUsages('user'));
      const user = await issueUser(ws, { name: 'SYS', token: issued.token, claims: decodeAccount(issued.token) }, false, newUserClaims('sys', sysUser.publicKey), { explicit: sysSk });
      await op.addUser('SYS', 'sys', user.token);
      const credsPath = await ws.keys.writeCreds(op.name, 'SYS', 'sys', formatCreds(user.token, sysUser.seed));
      result.systemAccount = { name: 'SYS', publicKey: sys.publicKey, signingKey: sysSk.publicKey };
      result.systemUser = { name: 'sys', publicKey: sysUser.publicKey, credsPath };
    }
    if (!sk) {
      result.warnings.push(
        `Operator "${op.name}" has no signing keys, so the accounts it issues are signed by its identity key${withSys ? ' (the system account SYS already is)' : ''}. ` +
          'If that key leaks, the whole operator tree must be re-issued. Keep the identity key offline: add a signing key with ' +
          '`sigchain generate nkey --operator --store` and `sigchain edit operator --sk <PUB>`, and sign accounts with `-K <PUB>`.',
      );
    }
    await ws.select(op.name, withSys ? 'SYS' : null);
    return result;
  });
}
