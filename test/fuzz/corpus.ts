// A genuine, deterministic world to mutate: fixed keys (raw seeds 0x11.., 0x22.., …), fixed iat,
// one operator → account → users chain, an activation, a creds file, an armored JWT file and a
// server config. Every genuine input here is accepted today; the mutators start from these.
import { formatCreds } from '../../src/claims/nats/creds.js';
import {
  type AccountClaims,
  addOperatorSigningKey,
  addSigningKey,
  encodeAccount,
  encodeActivation,
  encodeOperator,
  encodeUser,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newUserClaims,
  newUserScope,
  setScoped,
} from '../../src/claims/nats/index.js';
import { KeyPair, type Role } from '../../src/nkeys/index.js';

/** Issued-at of every corpus token: fixed so inputs are reproducible from a seed. */
export const IAT = 1_700_000_000;

function key(role: Role, byte: number): KeyPair {
  return KeyPair.fromRawSeed(role, new Uint8Array(32).fill(byte));
}

export interface Corpus {
  keys: Record<'op' | 'opSk' | 'sys' | 'acct' | 'acctSk' | 'acctScoped' | 'user' | 'user2' | 'user3' | 'other' | 'server' | 'cluster' | 'curve', KeyPair>;
  operatorJwt: string;
  accountJwt: string;
  systemJwt: string;
  /** Signed by the account's identity key. */
  userJwt: string;
  /** Signed by the account's signing key, with issuer_account. */
  userSkJwt: string;
  /** Signed by the scoped signing key. */
  userScopedJwt: string;
  activationJwt: string;
  creds: string;
  armored: string;
  serverConfig: string;
  /** Every token above. */
  tokens: string[];
  /** Every nkey text (public keys and seeds of each role). */
  nkeys: string[];
  /** The decoded payloads of the tokens, by kind, to re-sign after mutation. */
  payloads: Array<{ kind: 'operator' | 'account' | 'user' | 'activation'; signer: KeyPair; json: Record<string, unknown> }>;
}

let built: Corpus | undefined;

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The corpus (built once per process). */
export function corpus(): Corpus {
  if (built) return built;
  const k = {
    op: key('operator', 0x11),
    opSk: key('operator', 0x12),
    sys: key('account', 0x13),
    acct: key('account', 0x21),
    acctSk: key('account', 0x22),
    acctScoped: key('account', 0x23),
    user: key('user', 0x31),
    user2: key('user', 0x32),
    user3: key('user', 0x33),
    other: key('account', 0x41),
    server: key('server', 0x51),
    cluster: key('cluster', 0x52),
    curve: key('curve', 0x53),
  };
  const opts = { iat: IAT };
  const oc = newOperatorClaims('O', k.op.publicKey);
  addOperatorSigningKey(oc, k.opSk.publicKey);
  oc.nats.system_account = k.sys.publicKey;
  oc.nats.operator_service_urls = ['nats://localhost:4222'];
  const operatorJwt = encodeOperator(oc, k.op, opts);

  const ac: AccountClaims = newAccountClaims('A', k.acct.publicKey);
  addSigningKey(ac, k.acctSk.publicKey);
  addSigningKey(ac, newUserScope(k.acctScoped.publicKey, 'svc', { pub: { allow: ['svc.>'] }, sub: { allow: ['_INBOX.>'] } }));
  ac.nats.revocations = { [k.user2.publicKey]: IAT - 10 };
  ac.nats.exports = [
    { name: 'svc', subject: 'svc.*', type: 'service', token_req: true, response_type: 'Stream', account_token_position: 2 },
    { name: 'events', subject: 'events.>', type: 'stream' },
  ];
  ac.nats.imports = [{ name: 'other', subject: 'o.>', account: k.other.publicKey, type: 'stream' }];
  ac.nats.tags = ['env:prod'];
  const accountJwt = encodeAccount(ac, k.opSk, opts);
  const systemJwt = encodeAccount(newAccountClaims('SYS', k.sys.publicKey), k.opSk, opts);

  const uc = newUserClaims('U', k.user.publicKey);
  uc.nats.pub = { allow: ['foo.>'], deny: ['foo.secret'] };
  uc.nats.sub = { allow: ['_INBOX.>'] };
  uc.nats.resp = { max: 1, ttl: 0 };
  uc.nats.src = ['127.0.0.0/8'];
  uc.nats.times = [{ start: '00:00:00', end: '23:59:59' }];
  uc.nats.allowed_connection_types = ['STANDARD', 'WEBSOCKET'];
  uc.exp = IAT + 10 * 365 * 86400;
  const userJwt = encodeUser(uc, k.acct, opts);
  const u2 = newUserClaims('U2', k.user2.publicKey);
  u2.nats.issuer_account = k.acct.publicKey;
  const userSkJwt = encodeUser(u2, k.acctSk, opts);
  const u3 = newUserClaims('U3', k.user3.publicKey);
  u3.nats.issuer_account = k.acct.publicKey;
  setScoped(u3);
  const userScopedJwt = encodeUser(u3, k.acctScoped, opts);

  const act = newActivationClaims('act', k.other.publicKey, 'svc.other', 'service');
  const activationJwt = encodeActivation(act, k.acct, opts);

  const creds = formatCreds(userJwt, k.user.seed);
  const armored = `-----BEGIN NATS ACCOUNT JWT-----\n${accountJwt}\n------END NATS ACCOUNT JWT------\n`;
  const serverConfig = `operator: ${operatorJwt}\nsystem_account: ${k.sys.publicKey}\nresolver: MEMORY\nresolver_preload: {\n  ${k.acct.publicKey}: ${accountJwt}\n  ${k.sys.publicKey}: ${systemJwt}\n}\n`;
  const nkeys: string[] = [];
  for (const kp of Object.values(k)) nkeys.push(kp.publicKey, kp.seed);
  built = {
    keys: k,
    operatorJwt,
    accountJwt,
    systemJwt,
    userJwt,
    userSkJwt,
    userScopedJwt,
    activationJwt,
    creds,
    armored,
    serverConfig,
    tokens: [operatorJwt, accountJwt, systemJwt, userJwt, userSkJwt, userScopedJwt, activationJwt],
    nkeys,
    payloads: [
      { kind: 'operator', signer: k.op, json: payloadOf(operatorJwt) },
      { kind: 'account', signer: k.opSk, json: payloadOf(accountJwt) },
      { kind: 'user', signer: k.acct, json: payloadOf(userJwt) },
      { kind: 'user', signer: k.acctSk, json: payloadOf(userSkJwt) },
      { kind: 'user', signer: k.acctScoped, json: payloadOf(userScopedJwt) },
      { kind: 'activation', signer: k.acct, json: payloadOf(activationJwt) },
    ],
  };
  return built;
}
