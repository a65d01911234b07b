// The system account's exports are nsc's (`nsc add operator --sys`, nsc 2.7.3): the values
// below are copied from nsc's cmd/init.go `createSystemAccount`, and GO_SYS_NATS is the `nats`
// object of the token Go's nats-io/jwt v2.3.0 encodes from that very code (for account A4 with
// signing key A5), so the builder is checked against both the source and its output bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jwtjs from '@nats-io/jwt';
import { addSigningKey, decodeAccount, encodeAccount, newAccountClaims, systemAccountExports, validateClaims } from '../../../src/claims/nats/index.js';
import { PUB, key, payloadText } from './fixtures.js';

const INFO_URL = 'https://docs.nats.io/nats-server/configuration/sys_accounts';

// nsc 2.7.3 cmd/init.go, field by field (Go's jwt.Service/jwt.Stream marshal as "service"/"stream").
const NSC_SERVICE = {
  name: 'account-monitoring-services',
  subject: '$SYS.REQ.ACCOUNT.*.*',
  type: 'service',
  response_type: 'Stream',
  account_token_position: 4,
  description: 'Request account specific monitoring services for: SUBSZ, CONNZ, LEAFZ, JSZ and INFO',
  info_url: INFO_URL,
};
const NSC_STREAM = {
  name: 'account-monitoring-streams',
  subject: '$SYS.ACCOUNT.*.>',
  type: 'stream',
  account_token_position: 3,
  description: 'Account specific monitoring stream',
  info_url: INFO_URL,
};

// Printed by a Go program (GOPATH mode, Debian golang-github-nats-io-jwt-dev 2.3.0) that runs
// nsc's createSystemAccount claim code with sub A4 and signing key A5 and cuts `"nats":` out of
// the encoded payload. Go escapes `>` as \u003e, exactly as sigchain's encoder does.
const GO_SYS_NATS =
  '{"exports":[{"name":"account-monitoring-streams","subject":"$SYS.ACCOUNT.*.\\u003e","type":"stream","account_token_position":3,' +
  '"description":"Account specific monitoring stream","info_url":"https://docs.nats.io/nats-server/configuration/sys_accounts"},' +
  '{"name":"account-monitoring-services","subject":"$SYS.REQ.ACCOUNT.*.*","type":"service","response_type":"Stream","account_token_position":4,' +
  '"description":"Request account specific monitoring services for: SUBSZ, CONNZ, LEAFZ, JSZ and INFO","info_url":"https://docs.nats.io/nats-server/configuration/sys_accounts"}],' +
  '"limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,"leaf":-1},' +
  '"signing_keys":["ABXHUHG5FGYLPD6RHL2MKWMP572O6KUXCZXDZJXS4T57ZTMAKBN7DAQI"],"default_permissions":{"pub":{},"sub":{}},"type":"account","version":2}';

function sysToken(): string {
  const a = newAccountClaims('SYS', PUB.A4);
  addSigningKey(a, PUB.A5);
  a.nats.exports = systemAccountExports();
  return encodeAccount(a, key('O1'));
}

function natsText(token: string): string {
  const payload = payloadText(token);
  const at = payload.indexOf('"nats":');
  assert.ok(at > 0, payload);
  return payload.slice(at + '"nats":'.length, -1);
}

describe('systemAccountExports', () => {
  it("holds nsc's two exports, field by field, in nsc's order", () => {
    const [service, stream, ...rest] = systemAccountExports();
    assert.deepEqual(rest, []);
    assert.deepEqual(service, NSC_SERVICE);
    assert.deepEqual(stream, NSC_STREAM);
  });

  it('returns a fresh copy each call (editing one account cannot change the next)', () => {
    const first = systemAccountExports();
    first[0]!.subject = 'changed';
    first.pop();
    assert.deepEqual(systemAccountExports(), [NSC_SERVICE, NSC_STREAM]);
  });

  it("encodes to the bytes Go writes for nsc's system account: sorted by subject, Go's field order", () => {
    assert.equal(natsText(sysToken()), GO_SYS_NATS);
  });

  it('is valid as Go validates it (account token positions point at a *, response type for a service only)', () => {
    const c = decodeAccount(sysToken());
    assert.deepEqual(validateClaims(c).errors, []);
    assert.deepEqual(c.nats.exports, [NSC_STREAM, NSC_SERVICE]);
  });

  it('reads the same through the official @nats-io/jwt', () => {
    const got = jwtjs.decode<{ exports?: unknown[] }>(sysToken());
    assert.ok(jwtjs.isAccount(got));
    assert.deepEqual(got.nats.exports, [NSC_STREAM, NSC_SERVICE]);
  });
});
