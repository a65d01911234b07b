// addOperator: the operator's self-signed JWT and stored identity key; by default the system
// account SYS (with its own signing key) and the system user `sys` signed by that key, so the
// system user survives a later switch to strict signing-key usage.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as jwtjs from '@nats-io/jwt';
import { formatCreds } from '../../../src/claims/nats/creds.js';
import { parseCreds } from '../../../src/input/creds.js';
import { addOperator, readAccount, readOperator, readUser } from '../../../src/workspace/index.js';
import { mode, rejectsCode, snapshot, storedKeys, tempWorkspace } from '../helpers.js';

describe('addOperator', () => {
  it('creates the operator, SYS with a signing key, and sys signed by that key with issuer_account', async (t) => {
    const { ws } = tempWorkspace(t);
    const r = await addOperator(ws, 'O');
    const op = await ws.operator('O');
    const o = await readOperator(op);
    assert.equal(o.claims.sub, r.operator.publicKey);
    assert.equal(o.claims.iss, r.operator.publicKey, 'operator JWTs are self-signed');
    assert.equal(o.claims.nats.system_account, r.systemAccount?.publicKey);
    assert.equal(o.claims.nats.signing_keys, undefined);

    const sys = await readAccount(op, 'SYS');
    assert.equal(sys.claims.sub, r.systemAccount?.publicKey);
    assert.equal(sys.claims.iss, r.operator.publicKey, 'without an operator SK, SYS is signed by the identity');
    assert.deepEqual(sys.claims.nats.signing_keys, [r.systemAccount?.signingKey]);
    assert.equal(sys.claims.nats.limits?.conn, -1);

    const u = await readUser(op, 'SYS', 'sys');
    assert.equal(u.claims.sub, r.systemUser?.publicKey);
    assert.equal(u.claims.iss, r.systemAccount?.signingKey, 'sys is signed by the SYS signing key');
    assert.equal(u.claims.nats.issuer_account, r.systemAccount?.publicKey);

    // Every key made is stored, and the creds file holds exactly the user JWT and seed.
    assert.deepEqual(await storedKeys(ws), [r.operator.publicKey, r.systemAccount!.publicKey, r.systemAccount!.signingKey, r.systemUser!.publicKey].sort());
    const creds = readFileSync(r.systemUser!.credsPath, 'utf8');
    const seed = (await ws.keys.getKey(r.systemUser!.publicKey)).seed;
    assert.equal(creds, formatCreds(u.token, seed));
    assert.equal(parseCreds(creds).jwt, u.token);
    assert.equal(mode(r.systemUser!.credsPath), 0o600);
  });

  it("gives SYS nsc's two monitoring exports, as nsc 2.7.3 add operator --sys writes them", async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'O', { generateSigningKey: true });
    const sys = await readAccount(await ws.operator('O'), 'SYS');
    // nsc cmd/init.go createSystemAccount; the encoder sorts by subject, as Go's Encode does.
    const url = 'https://docs.nats.io/nats-server/configuration/sys_accounts';
    const expected = [
      { name: 'account-monitoring-streams', subject: '$SYS.ACCOUNT.*.>', type: 'stream', account_token_position: 3, description: 'Account specific monitoring stream', info_url: url },
      {
        name: 'account-monitoring-services',
        subject: '$SYS.REQ.ACCOUNT.*.*',
        type: 'service',
        response_type: 'Stream',
        account_token_position: 4,
        description: 'Request account specific monitoring services for: SUBSZ, CONNZ, LEAFZ, JSZ and INFO',
        info_url: url,
      },
    ];
    assert.deepEqual(sys.claims.nats.exports, expected);
    assert.deepEqual(jwtjs.decode<{ exports?: unknown }>(sys.token).nats.exports, expected, 'the official @nats-io/jwt reads the same');
  });

  it('warns that the identity key signs accounts when there is no signing key', async (t) => {
    const { ws } = tempWorkspace(t);
    const r = await addOperator(ws, 'O');
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]!, /no signing keys/);
    assert.match(r.warnings[0]!, /SYS already is/);
    assert.equal(r.signingKey, undefined);
  });

  it('generateSigningKey lists an operator SK, stores it, and signs SYS with it (no warning)', async (t) => {
    const { ws } = tempWorkspace(t);
    const r = await addOperator(ws, 'O', { generateSigningKey: true });
    assert.ok(r.signingKey);
    assert.deepEqual(r.warnings, []);
    const op = await ws.operator('O');
    const o = await readOperator(op);
    assert.deepEqual(o.claims.nats.signing_keys, [r.signingKey.publicKey]);
    assert.equal(o.claims.iss, r.operator.publicKey);
    assert.ok(await ws.keys.hasKey(r.signingKey.publicKey));
    assert.equal((await readAccount(op, 'SYS')).claims.iss, r.signingKey.publicKey);
  });

  it('selects the new operator and SYS as the current context', async (t) => {
    const { ws } = tempWorkspace(t);
    await addOperator(ws, 'first');
    await addOperator(ws, 'second');
    const op = await ws.operator();
    assert.equal(op.name, 'second');
    assert.equal(await ws.account(op), 'SYS');
  });

  it('systemAccount: false makes no system account and selects no account', async (t) => {
    const { ws } = tempWorkspace(t);
    const r = await addOperator(ws, 'bare', { systemAccount: false, generateSigningKey: true });
    assert.equal(r.systemAccount, undefined);
    assert.equal(r.systemUser, undefined);
    const op = await ws.operator();
    assert.equal(op.name, 'bare');
    assert.deepEqual(await op.listAccounts(), []);
    assert.equal((await readOperator(op)).claims.nats.system_account, undefined);
    assert.deepEqual(await storedKeys(ws), [r.operator.publicKey, r.signingKey!.publicKey].sort(), 'no system account keys are made');
  });

  it('a leftover non-empty folder of that name is STORE_EXISTS too, and the fresh seeds are removed again', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O');
    mkdirSync(join(ws.store.location, 'left'), { recursive: true });
    writeFileSync(join(ws.store.location, 'left', 'notes.txt'), 'not an operator');
    const before = snapshot(home);
    await rejectsCode(addOperator(ws, 'left', { generateSigningKey: true }), 'STORE_EXISTS');
    // The operator token was signed before the store refused it: that use of the key is in the audit log.
    const withoutAudit = (m: Map<string, string>) => new Map([...m].filter(([k]) => !k.startsWith('audit/')));
    assert.deepEqual(withoutAudit(snapshot(home)), withoutAudit(before));
  });

  it('expiry and start land in the operator JWT', async (t) => {
    const { ws } = tempWorkspace(t);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const nbf = Math.floor(Date.now() / 1000) - 60;
    await addOperator(ws, 'O', { expiry: exp, start: nbf });
    const o = await readOperator(await ws.operator('O'));
    assert.equal(o.claims.exp, exp);
    assert.equal(o.claims.nbf, nbf);
  });

  it('refuses an existing operator name and leaves nothing behind (no stray seeds)', async (t) => {
    const { ws, home } = tempWorkspace(t);
    await addOperator(ws, 'O');
    const before = snapshot(home);
    await rejectsCode(addOperator(ws, 'O', { generateSigningKey: true }), 'STORE_EXISTS');
    assert.deepEqual(snapshot(home), before);
  });
});
