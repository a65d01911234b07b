// verifyChain as a whole: account and operator tokens on their own, collecting every reason,
// warnings apart from errors, time with skew and "as of", jti revocations, banned keys, bare
// trusted keys, and the sync and async drivers agreeing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import {
  type ChainResolver,
  type JtiRevocations,
  definePolicy,
  errorCodes,
  memoryResolver,
  natsServerPolicy,
  tokenFacts,
  verifyChain,
  verifyChainSync,
} from '../../src/trust/index.js';
import { assertCodes, assertValid, makeAccount, makeOperator, makeUser, now } from './helpers.js';

describe('verifyChain', () => {
  it('verifies an account token on its own up to its operator, and an operator token on its own', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const policy = natsServerPolicy([op.jwt]);
    const v = verifyChainSync(acct.jwt, { policy });
    assertValid(v);
    assert.deepEqual(v.chain.map((l) => [l.kind, l.source]), [['account', 'token'], ['operator', 'policy']]);
    assertValid(verifyChainSync(op.jwt, { policy }));
    assertCodes(verifyChainSync(op.jwt, { policy: natsServerPolicy([makeOperator().jwt]) }), ['ISSUER_NOT_TRUSTED']);
  });

  it('collects every reason rather than stopping at the first, each pointing at its link', () => {
    const op = makeOperator();
    const acct = makeAccount(op, { iat: now() - 100, exp: now() - 5 });
    const stranger = KeyPair.create('account');
    const user = makeUser(acct, { signer: stranger, iat: now() - 100, exp: now() - 10 });
    const v = verifyChainSync(user.jwt, { resolver: memoryResolver([acct.jwt]), policy: natsServerPolicy([op.jwt]) });
    assertCodes(v, ['TOKEN_EXPIRED', 'SIGNING_KEY_NOT_LISTED', 'TOKEN_EXPIRED']);
    assert.deepEqual(v.errors.map((e) => e.at), ['user', 'user', 'account'], 'leaf first');
    assert.deepEqual(v.chain.map((l) => l.valid), [false, false, true]);
    for (const e of v.errors) assert.match(e.message, /\. |\.$/, 'a sentence');
  });

  it('keeps warnings apart from errors: no expiry warns but stays valid', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const policy = natsServerPolicy([op.jwt]);
    const resolver = memoryResolver([acct.jwt]);
    const forever = verifyChainSync(makeUser(acct).jwt, { resolver, policy });
    assertValid(forever);
    assert.deepEqual(forever.warnings.map((w) => [w.code, w.at, w.field]), [['NO_EXPIRY', 'user', 'exp']]);
    const expiring = verifyChainSync(makeUser(acct, { exp: now() + 3600 }).jwt, { resolver, policy });
    assertValid(expiring);
    assert.deepEqual(expiring.warnings, []);
  });

  it('reports a missing account as CHAIN_INCOMPLETE, and trusts nothing without a policy', async () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const user = makeUser(acct).jwt;
    assertCodes(verifyChainSync(user, { policy: natsServerPolicy([op.jwt]) }), ['CHAIN_INCOMPLETE']);
    assertCodes(await verifyChain(user, { resolver: memoryResolver([op.jwt, acct.jwt]) }), ['ISSUER_NOT_TRUSTED']);
  });

  it('applies clock skew to exp and nbf, and judges "as of" a given time', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const t = now();
    const expired = makeUser(acct, { iat: t - 100, exp: t - 30 }).jwt;
    const early = makeUser(acct, { nbf: t + 30 }).jwt;
    const at = (opts: Parameters<typeof definePolicy>[0]) => definePolicy({ trustedOperators: [op.jwt], now: t, ...opts });
    assertCodes(verifyChainSync(expired, { resolver, policy: at({}) }), ['TOKEN_EXPIRED']);
    assertCodes(verifyChainSync(early, { resolver, policy: at({}) }), ['TOKEN_NOT_YET_VALID']);
    assertValid(verifyChainSync(expired, { resolver, policy: at({ clockSkewSeconds: 60 }) }));
    assertValid(verifyChainSync(early, { resolver, policy: at({ clockSkewSeconds: 60 }) }));
    assertCodes(verifyChainSync(expired, { resolver, policy: at({ clockSkewSeconds: 29 }) }), ['TOKEN_EXPIRED']);
    assertValid(verifyChainSync(expired, { resolver, policy: at({ now: new Date((t - 60) * 1000) }) }));
    assertValid(verifyChainSync(expired, { resolver, policy: at({ now: () => t - 30 }) })); // exp itself is still valid (Go: now > exp)
    assertValid(verifyChainSync(expired, { resolver, policy: at({ checkTime: false }) }));
  });

  it('revokes by jti from the policy (record, map or function), from the given time on', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const user = makeUser(acct);
    const jti = tokenFacts(user.jwt).jti!;
    const t = now();
    const with_ = (revokedJtis: JtiRevocations) => definePolicy({ trustedOperators: [op.jwt], revokedJtis, now: t });
    assertCodes(verifyChainSync(user.jwt, { resolver, policy: with_({ [jti]: 0 }) }), ['TOKEN_REVOKED']);
    assertCodes(verifyChainSync(user.jwt, { resolver, policy: with_(new Map([[jti, t]])) }), ['TOKEN_REVOKED']);
    assertCodes(verifyChainSync(user.jwt, { resolver, policy: with_((j) => j === jti) }), ['TOKEN_REVOKED']);
    assertValid(verifyChainSync(user.jwt, { resolver, policy: with_({ [jti]: t + 60 }) }));
    assertValid(verifyChainSync(user.jwt, { resolver, policy: with_({ other: 0 }) }));
    // An account revoked by jti takes its users with it.
    const v = verifyChainSync(user.jwt, { resolver, policy: with_({ [tokenFacts(acct.jwt).jti!]: 0 }) });
    assertCodes(v, ['TOKEN_REVOKED']);
    assert.equal(v.errors[0]!.at, 'account');
  });

  it('bans keys wherever they act: a user key, an account signing key', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const user = makeUser(acct, { signer: acct.sks[0] });
    const ban = (k: string) => definePolicy({ trustedOperators: [op.jwt], bannedKeys: [k] });
    assertCodes(verifyChainSync(user.jwt, { resolver, policy: ban(user.key.publicKey) }), ['KEY_BANNED']);
    const bySk = verifyChainSync(user.jwt, { resolver, policy: ban(acct.sks[0]!.publicKey) });
    assertCodes(bySk, ['KEY_BANNED']);
    assert.equal(bySk.errors[0]!.field, 'iss');
  });

  it('trusts a bare operator key without any operator JWT, as nats-server\'s trusted_keys, with a warning', () => {
    const op = makeOperator();
    const acct = makeAccount(op, { signer: op.id });
    const lax = verifyChainSync(acct.jwt, { policy: definePolicy({ trustedOperators: [op.id.publicKey] }) });
    assertValid(lax);
    assert.equal(lax.chain[1]!.source, 'trusted-key');
    assert.ok(lax.warnings.some((w) => w.code === 'CHAIN_INCOMPLETE'));
    // A strict policy cannot tell an identity from a signing key without the operator JWT.
    assertCodes(verifyChainSync(acct.jwt, { policy: definePolicy({ trustedOperators: [op.id.publicKey], requireSigningKeys: true }) }), ['CHAIN_INCOMPLETE']);
    // Given the JWT, it can.
    assertCodes(verifyChainSync(acct.jwt, { resolver: memoryResolver([op.jwt]), policy: definePolicy({ trustedOperators: [op.id.publicKey], requireSigningKeys: true }) }), ['IDENTITY_KEY_MISUSE']);
  });

  it('judges connect-time windows as nats-server does (overnight windows only before midnight)', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const at = (h: number) => definePolicy({ trustedOperators: [op.jwt], now: Date.UTC(2027, 0, 1, h, 30, 0) / 1000 });
    const windowed = (start: string, end: string) =>
      makeUser(acct, {
        exp: Date.UTC(2028, 0, 1) / 1000,
        edit: (c) => {
          c.nats.times = [{ start, end }];
          c.nats.times_location = 'UTC';
        },
      }).jwt;
    assertValid(verifyChainSync(windowed('11:00:00', '13:00:00'), { resolver, policy: at(12) }));
    const closed = verifyChainSync(windowed('11:00:00', '13:00:00'), { resolver, policy: at(14) });
    assertCodes(closed, ['CONNECTION_NOT_ALLOWED']);
    assert.equal(closed.errors[0]!.field, 'nats.times');
    assertValid(verifyChainSync(windowed('22:00:00', '06:00:00'), { resolver, policy: at(23) }));
    assertCodes(verifyChainSync(windowed('22:00:00', '06:00:00'), { resolver, policy: at(2) }), ['CONNECTION_NOT_ALLOWED']);
    assertValid(verifyChainSync(windowed('11:00:00', '13:00:00'), { resolver, policy: definePolicy({ trustedOperators: [op.jwt], now: Date.UTC(2027, 0, 1, 14) / 1000, checkTime: false }) }));
    // Go's time.Parse accepts a fraction (the server drops it), and validation accepts it too.
    assertValid(verifyChainSync(windowed('11:00:00.5', '13:00:00,25'), { resolver, policy: at(12) }));
    assertCodes(verifyChainSync(windowed('11:00:00.5', '13:00:00'), { resolver, policy: at(14) }), ['CONNECTION_NOT_ALLOWED']);
  });

  it('reads times_location "Local" as the machine\'s own zone, as Go does', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const user = (location: string | undefined) =>
      makeUser(acct, {
        exp: Date.UTC(2028, 0, 1) / 1000,
        edit: (c) => {
          c.nats.times = [{ start: '11:00:00', end: '13:00:00' }];
          if (location) c.nats.times_location = location;
          else delete c.nats.times_location;
        },
      }).jwt;
    // Noon and 14:30 on the machine's wall clock, whatever its zone.
    const local = (h: number) => definePolicy({ trustedOperators: [op.jwt], now: new Date(2027, 0, 1, h, 30, 0).getTime() / 1000 });
    for (const location of ['Local', undefined]) {
      assertValid(verifyChainSync(user(location), { resolver, policy: local(12) }));
      assertCodes(verifyChainSync(user(location), { resolver, policy: local(14) }), ['CONNECTION_NOT_ALLOWED']);
    }
  });

  it('judges src and connection types only against a given connection; warns otherwise', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const resolver = memoryResolver([acct.jwt]);
    const user = makeUser(acct, { exp: now() + 60, edit: (c) => ((c.nats.src = ['192.168.0.0/16']), (c.nats.allowed_connection_types = ['WEBSOCKET'])) }).jwt;
    const unknown = verifyChainSync(user, { resolver, policy: natsServerPolicy([op.jwt]) });
    assertValid(unknown);
    assert.deepEqual(unknown.warnings.map((w) => [w.code, w.field]), [['CONNECTION_NOT_ALLOWED', 'nats.src'], ['CONNECTION_NOT_ALLOWED', 'nats.allowed_connection_types']]);
    const fits = verifyChainSync(user, { resolver, policy: natsServerPolicy([op.jwt], { connection: { ip: '192.168.4.5', type: 'WEBSOCKET' } }) });
    assertValid(fits);
    assert.deepEqual(fits.warnings, []);
    const wrong = verifyChainSync(user, { resolver, policy: natsServerPolicy([op.jwt], { connection: { ip: '10.0.0.1', type: 'STANDARD' } }) });
    assert.deepEqual(wrong.errors.map((e) => [e.code, e.field]), [['CONNECTION_NOT_ALLOWED', 'nats.src'], ['CONNECTION_NOT_ALLOWED', 'nats.allowed_connection_types']]);
  });

  it('an account that admits no connections (limits.conn 0 or no limits) refuses its users; alone it only warns', () => {
    const op = makeOperator();
    const policy = natsServerPolicy([op.jwt]);
    for (const edit of [(c: { nats: { limits?: object } }) => (c.nats.limits = { conn: 0 }), (c: { nats: { limits?: object } }) => delete c.nats.limits]) {
      const acct = makeAccount(op, { edit });
      const v = verifyChainSync(makeUser(acct).jwt, { resolver: memoryResolver([acct.jwt]), policy });
      assertCodes(v, ['ACCOUNT_DISABLED']);
      assert.equal(v.errors[0]!.at, 'account');
      const alone = verifyChainSync(acct.jwt, { policy });
      assertValid(alone);
      assert.ok(alone.warnings.some((w) => w.code === 'ACCOUNT_DISABLED'));
    }
  });

  it('refuses a bad policy with a coded error', () => {
    const op = makeOperator();
    assert.throws(() => definePolicy({ trustedOperators: [KeyPair.create('operator').seed] }), { code: 'NKEY_PUBLIC_EXPECTED' });
    const sigAt = op.jwt.lastIndexOf('.') + 10;
    const forged = op.jwt.slice(0, sigAt) + (op.jwt[sigAt] === 'A' ? 'B' : 'A') + op.jwt.slice(sigAt + 1);
    assert.throws(() => definePolicy({ trustedOperators: [forged] }), { code: 'BAD_SIGNATURE' });
    assert.throws(() => definePolicy({ trustedOperators: [makeAccount(op).jwt] }), { code: 'WRONG_CLAIM_TYPE' });
    assert.throws(() => definePolicy({ clockSkewSeconds: -1 }), { code: 'USAGE' });
    assert.throws(() => definePolicy({ bannedKeys: ['nope'] }), { code: 'NKEY_MALFORMED' });
  });

  it('gives the same verdict sync and async; the sync driver refuses an async resolver', async () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const policy = natsServerPolicy([op.jwt], { now: now() });
    const mem = memoryResolver([acct.jwt]);
    const slow: ChainResolver = { account: async (k) => mem.account(k), operators: async () => mem.operators() };
    for (const token of [makeUser(acct).jwt, makeUser(acct, { signer: KeyPair.create('account') }).jwt]) {
      assert.deepEqual(await verifyChain(token, { resolver: slow, policy }), verifyChainSync(token, { resolver: mem, policy }));
    }
    assert.throws(() => verifyChainSync(makeUser(acct).jwt, { resolver: slow as never, policy }), { code: 'USAGE' });
  });

  it('keeps what it learnt about a token read twice: a warm chain re-reads nothing', () => {
    const op = makeOperator();
    const acct = makeAccount(op);
    const first = tokenFacts(acct.jwt);
    const second = tokenFacts(acct.jwt);
    assert.notEqual(second, first, 'a token read once is not kept (most users are seen once)');
    assert.deepEqual(second, first);
    assert.equal(tokenFacts(acct.jwt), second, 'from the second reading on, it is');
    const sigAt = acct.jwt.lastIndexOf('.') + 10;
    const forged = acct.jwt.slice(0, sigAt) + (acct.jwt[sigAt] === 'A' ? 'B' : 'A') + acct.jwt.slice(sigAt + 1);
    assert.notEqual(tokenFacts(forged), tokenFacts(forged), 'forgeries are not cached');
    assert.deepEqual(errorCodes(verifyChainSync(forged, { policy: natsServerPolicy([op.jwt]) })), ['BAD_SIGNATURE']);
  });
});
