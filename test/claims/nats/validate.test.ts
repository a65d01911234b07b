// validateClaims mirrors Go's Validate: errors for what nats-server/nsc refuse, warnings for likely mistakes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Issue,
  addSigningKey,
  connectLineSize,
  decodeUser,
  encodeActivation,
  encodeUser,
  newAccountClaims,
  newActivationClaims,
  newOperatorClaims,
  newUserClaims,
  newUserScope,
  setScoped,
  validateClaims,
  validateScopedSigner,
} from '../../../src/claims/nats/index.js';
import { PUB, SEEDS, key } from './fixtures.js';

const codes = (issues: Issue[]) => issues.map((i) => i.code);
const fields = (issues: Issue[]) => issues.map((i) => i.field);

describe('time checks', () => {
  it('exp in the past → TOKEN_EXPIRED, nbf in the future → TOKEN_NOT_YET_VALID (timeCheck)', () => {
    const u = { ...newUserClaims('u', PUB.U7), exp: 100, nbf: 300 };
    const r = validateClaims(u, { now: 200 });
    assert.deepEqual(codes(r.errors), ['TOKEN_EXPIRED', 'TOKEN_NOT_YET_VALID']);
    assert.ok(r.errors.every((e) => e.timeCheck === true));
    assert.deepEqual(validateClaims(u, { now: new Date(100_000) }).errors.map((e) => e.code), ['TOKEN_NOT_YET_VALID']);
    assert.deepEqual(validateClaims({ ...u, nbf: 0 }, { now: 100 }).errors, []);
  });
});

describe('user', () => {
  it('accepts a well-formed user', () => {
    const u = newUserClaims('u', PUB.U7);
    Object.assign(u.nats, { pub: { allow: ['a.>'] }, sub: { allow: ['b q'] }, src: ['10.0.0.0/8', '::1/128'], times: [{ start: '8:00:00', end: '17:30:00' }], times_location: 'America/New_York', issuer_account: PUB.A4 });
    assert.deepEqual(validateClaims(u), { errors: [], warnings: [] });
  });

  it('flags bad subjects, queues in pub, bad CIDRs, times and zones, non-account issuer_account', () => {
    const u = newUserClaims('u', PUB.U7);
    Object.assign(u.nats, {
      pub: { allow: ['a..b', 'x q'], deny: [''] },
      sub: { allow: ['.a', 'a b c'] },
      src: ['10.0.0.0', '300.1.1.1/8', '10.0.0.0/33'],
      times: [{ start: '25:00:00', end: '' }],
      times_location: 'Mars/Olympus',
      issuer_account: PUB.U8,
    });
    const r = validateClaims(u);
    assert.deepEqual(fields(r.errors), [
      'nats.sub.allow[0]',
      'nats.sub.allow[1]',
      'nats.pub.allow[0]',
      'nats.pub.allow[1]',
      'nats.pub.deny[0]',
      'nats.src[0]',
      'nats.src[1]',
      'nats.src[2]',
      'nats.times[0].start',
      'nats.times[0].end',
      'nats.times_location',
      'nats.issuer_account',
    ]);
    assert.equal(r.errors.at(-1)!.code, 'WRONG_KEY_ROLE');
  });

  it('warns about unknown connection types', () => {
    const u = newUserClaims('u', PUB.U7);
    u.nats.allowed_connection_types = ['STANDARD', 'CARRIER_PIGEON'];
    assert.deepEqual(fields(validateClaims(u).warnings), ['nats.allowed_connection_types[1]']);
  });

  it('warns when the JWT would overflow the 4 KiB CONNECT line', () => {
    const u = newUserClaims('u', PUB.U7);
    u.nats.pub = { allow: Array.from({ length: 150 }, (_, i) => `service.number.${i}.>`) };
    const r = validateClaims(u);
    assert.deepEqual(codes(r.warnings), ['CONNECT_LINE_TOO_LONG']);
    assert.deepEqual(validateClaims(u, { maxControlLine: 65536 }).warnings, []);
    // The estimate tracks the real token.
    const jwt = encodeUser(u, key('A4'));
    assert.ok(connectLineSize(jwt) > 4096);
    assert.ok(connectLineSize(jwt) - jwt.length < 512);
  });
});

describe('validateScopedSigner', () => {
  const scope = newUserScope(PUB.A6, 'svc');

  it('accepts an empty user issued by the scope key', () => {
    const u = setScoped(newUserClaims('u', PUB.U7));
    u.nats.issuer_account = PUB.A4;
    assert.deepEqual(validateScopedSigner(decodeUser(encodeUser(u, key('A6'))), scope), []);
  });

  it('refuses -1 defaults (nats-server does) and a different issuer', () => {
    const withDefaults = decodeUser(encodeUser(newUserClaims('u', PUB.U7), key('A5')));
    assert.deepEqual(codes(validateScopedSigner(withDefaults, scope)), ['WRONG_KEY_ROLE', 'SCOPED_USER_HAS_PERMISSIONS']);
    assert.deepEqual(codes(validateClaims(withDefaults, { scope }).errors), ['WRONG_KEY_ROLE', 'SCOPED_USER_HAS_PERMISSIONS']);
  });
});

describe('account', () => {
  it('accepts the defaults signed by an operator', () => {
    assert.deepEqual(validateClaims({ ...newAccountClaims('A', PUB.A4), iss: PUB.O1 }), { errors: [], warnings: [] });
  });

  it('warns when a self-signed account carries operator limits', () => {
    const r = validateClaims({ ...newAccountClaims('A', PUB.A4), iss: PUB.A4 });
    assert.deepEqual(r.warnings.map((w) => w.message), ["self-signed account JWTs shouldn't contain operator limits"]);
  });

  it('flags wrong-role signing keys and unknown scope kinds', () => {
    const a = newAccountClaims('A', PUB.A4);
    a.nats.signing_keys = [PUB.O1, { kind: 'nope' } as never, { ...newUserScope(PUB.A6, 'r'), key: PUB.U7 }];
    assert.deepEqual(fields(validateClaims(a).errors), ['nats.signing_keys[0]', 'nats.signing_keys[1]', 'nats.signing_keys[2].key']);
  });

  it('flags export/import mistakes and overlapping exports', () => {
    const a = newAccountClaims('A', PUB.A4);
    a.nats.exports = [
      { subject: 'a.>', type: 'stream' },
      { subject: 'a.b', type: 'stream' },
      { subject: 's', type: 'stream', response_type: 'Stream' },
      { subject: 'q', type: 'service', service_latency: { sampling: 0, results: 'r.*' } },
      { subject: 't.x', type: 'service', account_token_position: 2 },
      { subject: 'u', type: 'bogus' as never },
    ];
    a.nats.imports = [
      { subject: 'i', account: '', type: 'stream', share: true },
      { subject: 'j', account: PUB.A3, type: 'service', to: 'k' },
    ];
    const r = validateClaims(a);
    const msgs = r.errors.map((e) => `${e.field}: ${e.message}`);
    for (const want of [
      /imports\[0\]\.account: the account to import from is not specified/,
      /imports\[0\]\.share/,
      /exports\[2\]\.response_type/,
      /exports\[3\]\.service_latency\.sampling/,
      /exports\[3\]\.service_latency\.results: latency results subject cannot contain wildcards/,
      /exports\[4\]\.account_token_position/,
      /exports\[5\]\.type/,
      /exports\[1\]\.subject: stream export subject "a\.>" already exports "a\.b"/,
    ]) {
      assert.ok(msgs.some((m) => want.test(m)), `missing ${want}: ${msgs.join(' | ')}`);
    }
    assert.deepEqual(r.warnings.map((w) => w.field), ['nats.imports[1].to']);
  });

  it('enforces import/export counts and wildcard exports against the limits (absent limit = 0, as in Go)', () => {
    const a = newAccountClaims('A', PUB.A4);
    a.nats.limits = { exports: 1, wildcards: false };
    a.nats.exports = [{ subject: 'x.*', type: 'stream' }, { subject: 'y', type: 'stream' }];
    a.nats.imports = [{ subject: 'i', account: PUB.A3, type: 'stream' }];
    const msgs = validateClaims(a).errors.map((e) => e.message);
    assert.ok(msgs.includes('the account has more exports than the operator allows'));
    assert.ok(msgs.includes('the account has more imports than the operator allows'));
    assert.ok(msgs.includes('the account has wildcard exports, which the operator does not allow'));
  });

  it('checks the activation token of an import', () => {
    const a = newAccountClaims('A', PUB.A4);
    const good = encodeActivation(newActivationClaims('g', PUB.A4, 'orders.>', 'stream'), key('A3'));
    const otherAccount = encodeActivation(newActivationClaims('g', PUB.A6, 'orders.>', 'stream'), key('A3'));
    const narrow = encodeActivation(newActivationClaims('g', PUB.A4, 'orders.eu', 'stream'), key('A3'));
    a.nats.imports = [
      { subject: 'orders.us', account: PUB.A3, type: 'stream', token: good },
      { subject: 'orders.x', account: PUB.A3, type: 'stream', token: otherAccount },
      { subject: 'orders.>', account: PUB.A3, type: 'stream', token: narrow },
      { subject: 'orders.y', account: PUB.A3, type: 'stream', token: 'garbage' },
    ];
    const r = validateClaims(a);
    // An undecodable token is an error in Go's Import.Validate (so nats-server refuses the account).
    assert.deepEqual(fields(r.errors), ['nats.imports[1].token', 'nats.imports[2].token', 'nats.imports[3].token']);
    assert.deepEqual(fields(r.warnings), []);
  });

  it('checks JetStream tiers, mappings and auth callout', () => {
    const a = newAccountClaims('A', PUB.A4);
    a.nats.limits = { ...a.nats.limits, mem_storage: 1, tiered_limits: { '': { mem_storage: 1 } } };
    a.nats.mappings = { 'a.b': [{ subject: 'c', weight: 60 }, { subject: 'd', weight: 60 }], 'x..y': [{ subject: 'z' }] };
    a.nats.authorization = { auth_users: [PUB.A3], allowed_accounts: ['*', PUB.U7], xkey: PUB.A3 };
    const msgs = validateClaims(a).errors.map((e) => e.message);
    assert.ok(msgs.includes('JetStream limits and tiered JetStream limits are mutually exclusive'));
    assert.ok(msgs.includes('tiered JetStream limits cannot have a blank "" tier name'));
    assert.ok(msgs.some((m) => /mapping "a\.b" exceeds 100%/.test(m)));
    assert.ok(msgs.some((m) => /consecutive/.test(m)));
    assert.equal(msgs.filter((m) => /auth user|allowed account|xkey/.test(m)).length, 3);
  });
});

describe('hostile values given to validateClaims directly', () => {
  it('names a value of any depth or size without walking it (no stack overflow, no megabyte message)', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { kind: deep };
    const claims = { ...newAccountClaims('A', PUB.A4), iss: PUB.O1 } as unknown as Record<string, any>;
    claims.nats.signing_keys = [{ kind: deep }, 'x'.repeat(1_000_000)];
    const r = validateClaims(claims as never);
    assert.ok(r.errors.length > 0, 'refused');
    for (const e of r.errors) assert.ok(e.message.length < 400, `a short message: ${e.message.slice(0, 100)}…`);
  });
});

describe('operator', () => {
  it('flags non-O signing keys, a non-A system account, bad URLs and versions', () => {
    const o = newOperatorClaims('O', PUB.O1);
    Object.assign(o.nats, {
      signing_keys: [PUB.O2, PUB.A3],
      system_account: PUB.O2,
      account_server_url: 'no-scheme',
      operator_service_urls: ['nats://ok:4222', 'http://h', 'nats://u:p@h', 'tls://h/path', 'wss://h:443'],
      assert_server_version: '2.9',
    });
    const r = validateClaims(o);
    assert.deepEqual(fields(r.errors), [
      'nats.account_server_url',
      'nats.operator_service_urls[1]',
      'nats.operator_service_urls[2]',
      'nats.operator_service_urls[3]',
      'nats.signing_keys[1]',
      'nats.system_account',
      'nats.assert_server_version',
    ]);
  });

  it('warns about strict mode without signing keys', () => {
    const o = newOperatorClaims('O', PUB.O1);
    o.nats.strict_signing_key_usage = true;
    assert.equal(validateClaims(o).warnings.length, 1);
    o.nats.signing_keys = [PUB.O2];
    assert.deepEqual(validateClaims(o), { errors: [], warnings: [] });
  });
});

describe('activation', () => {
  it('accepts a wildcard service (as Go v2 and nsc do; the refusal was jwt v1), flags bad kinds and subjects', () => {
    const act = newActivationClaims('g', PUB.A3, 'q.*', 'service');
    assert.deepEqual(fields(validateClaims(act).errors), []);
    act.nats.kind = 'nope' as never;
    act.nats.subject = '';
    assert.deepEqual(fields(validateClaims(act).errors), ['nats.kind', 'nats.subject']);
  });

  it('flags a subject of the wrong role', () => {
    const act = { ...newActivationClaims('g', PUB.A3, 'q', 'stream'), sub: PUB.U7 };
    assert.deepEqual(codes(validateClaims(act).errors), ['WRONG_KEY_ROLE']);
  });
});

describe('messages never contain seeds', () => {
  it('a seed pasted as a signing key is described, not echoed', () => {
    const a = newAccountClaims('A', PUB.A4);
    addSigningKey(a, PUB.A5);
    a.nats.signing_keys!.push(SEEDS.A6);
    const text = JSON.stringify(validateClaims(a));
    assert.ok(text.includes('a seed'));
    assert.ok(!text.includes(SEEDS.A6.slice(0, 10)));
  });
});
