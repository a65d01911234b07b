// `describe … --field PATH`: one claim value as JSON (what --json shows at that path), and a
// path that is not there refused with FIELD_NOT_FOUND naming the closest one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimField, editDistance } from '../../src/cli/render/field.js';
import { SigchainError } from '../../src/errors.js';
import { addUser } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, paths, signingKeyTree } from './fixtures-a.js';

describe('describe --field', () => {
  it('prints the value --json shows at the path, for operator, account, user and jwt', async (t) => {
    const h = home(t);
    const tree = await signingKeyTree(h);
    await addUser(tree.ws, 'U', { account: 'A', signer: await tree.ws.keys.getKey(tree.acctSk) });
    const op = json((await cli(h, ['describe', 'operator', '--json'])).stdout);
    assert.deepEqual(JSON.parse((await cli(h, ['describe', 'operator', '--field', 'nats.signing_keys'])).stdout), op.nats.signing_keys);
    assert.deepEqual(JSON.parse((await cli(h, ['describe', 'account', 'A', '-F', 'nats.signing_keys'])).stdout), [tree.acctSk]);
    assert.equal((await cli(h, ['describe', 'account', 'A', '--field', 'sub'])).stdout, `"${tree.acct}"\n`);
    assert.equal(JSON.parse((await cli(h, ['describe', 'user', 'U', '-a', 'A', '--field', 'nats.issuer_account'])).stdout), tree.acct);
    assert.equal(JSON.parse((await cli(h, ['describe', 'jwt', paths.creds(h, 'O2', 'A', 'U'), '--field', 'iss'])).stdout), tree.acctSk);
    assert.equal(JSON.parse((await cli(h, ['describe', 'operator', '--field', 'nats.signing_keys[0]'])).stdout), tree.opSk);
    assert.deepEqual(json((await cli(h, ['describe', 'operator', '--field', 'nats.signing_keys.0', '--json'])).stdout), { field: 'nats.signing_keys.0', value: tree.opSk });
  });

  it('a path that is not there exits 1 naming the closest; --raw with --field is a bad command line', async (t) => {
    const h = home(t);
    await signingKeyTree(h);
    const r = await runCli(h, ['describe', 'account', 'A', '--field', 'nats.signing_key']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no field "nats\.signing_key"\. The closest is "nats\.signing_keys"/);
    assert.match(r.stderr, /FIELD_NOT_FOUND/);
    const j = await runCli(h, ['describe', 'operator', '--field', 'nats.sigining_keys', '--json']);
    assert.equal(j.code, 1);
    assert.deepEqual(json(j.stdout).error.details, { field: 'nats.sigining_keys', closest: 'nats.signing_keys' });
    assert.equal((await runCli(h, ['describe', 'operator', '--field', 'sub', '--raw'])).code, 2);
  });

  it('claimField: own properties only, indices in both spellings, edit distance', () => {
    const claims = { sub: 'X', nats: { pub: { allow: ['a', 'b'] } } };
    assert.equal(claimField(claims, 'nats.pub.allow[1]'), 'b');
    assert.equal(claimField(claims, 'nats.pub.allow.0'), 'a');
    assert.throws(() => claimField(claims, 'constructor'), (e: unknown) => e instanceof SigchainError && e.code === 'FIELD_NOT_FOUND');
    assert.throws(() => claimField(claims, 'nats.pub.alow'), (e: unknown) => e instanceof SigchainError && /closest is "nats\.pub\.allow"/.test(e.message));
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});
