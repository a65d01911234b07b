// `describe … --field PATH`: one claim value as JSON (what --json shows at that path), and a
// path that is not there refused with FIELD_NOT_FOUND saying why: a field the token can hold
// but does not set, an index past the end, a path in the wrong case, else the closest one. A
// malformed path (an empty name, a bad index) is USAGE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimField, editDistance } from '../../src/cli/render/field.js';
import { SigchainError } from '../../src/errors.js';
import { addAccount, addOperator, addUser, editAccount } from '../../src/workspace/index.js';
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

  // A new-user audit: NATS JWTs omit empty lists and zero values (Go's omitempty), and the hint
  // for such a field named an unrelated one ("closest is nats.type").
  it('a field the token can hold but does not set says so, names no other field, and exits 1', async (t) => {
    const h = home(t);
    const tree = await signingKeyTree(h);
    // An operator with no signing keys; an account whose only signing key was removed, no imports.
    await editAccount(tree.ws, { account: 'A', removeSigningKeys: [tree.acctSk], signer: await tree.ws.keys.getKey(tree.opSk) });
    await addOperator(tree.ws, 'O');
    await addAccount(tree.ws, 'B');
    await addUser(tree.ws, 'U', { account: 'B' });
    const cases: [string[], string, string][] = [
      [['describe', 'operator', 'O', '--field', 'nats.signing_keys'], 'nats.signing_keys', 'operator'],
      [['describe', 'account', 'A', '--operator', 'O2', '--field', 'nats.signing_keys'], 'nats.signing_keys', 'account'],
      [['describe', 'account', 'A', '--operator', 'O2', '--field', 'nats.imports'], 'nats.imports', 'account'],
      [['describe', 'user', 'U', '-a', 'B', '--operator', 'O', '--field', 'nats.pub.allow'], 'nats.pub.allow', 'user'],
      [['describe', 'account', 'B', '--operator', 'O', '--field', 'nats.limits.tiered_limits'], 'nats.limits.tiered_limits', 'account'],
    ];
    for (const [args, field, kind] of cases) {
      const r = await runCli(h, args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`"${field.replace(/\./g, '\\.')}" is not set in this ${kind} token: a NATS JWT leaves out empty lists and unset values`));
      assert.match(r.stderr, /FIELD_NOT_FOUND/);
      assert.doesNotMatch(r.stderr, /closest/i);
      const j = await runCli(h, [...args, '--json']);
      assert.equal(j.code, 1);
      assert.equal(json(j.stdout).error.code, 'FIELD_NOT_FOUND');
      assert.deepEqual(json(j.stdout).error.details, { field, unset: field });
    }
    // Below an unset field: the message names the unset one.
    const r = await runCli(h, ['describe', 'account', 'A', '--operator', 'O2', '--field', 'nats.imports[0].subject']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"nats\.imports\[0\]\.subject" is not in this account token: "nats\.imports" is not set \(a NATS JWT leaves out/);
    assert.deepEqual(json((await runCli(h, ['describe', 'account', 'A', '--operator', 'O2', '--field', 'nats.imports[0].subject', '--json'])).stdout).error.details, { field: 'nats.imports[0].subject', unset: 'nats.imports' });
    // A typo of an unset field suggests it, and says it is not set (not "Run … --json to see it").
    const typo = await runCli(h, ['describe', 'operator', 'O', '--field', 'nats.signing_key']);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /The closest is "nats\.signing_keys"\. It is not set in this operator token/);
    // A bare name that left out its parents.
    assert.match((await runCli(h, ['describe', 'operator', 'O2', '--field', 'signing_keys'])).stderr, /The closest is "nats\.signing_keys"\. Run the same describe/);
    // What is set still prints.
    assert.equal((await cli(h, ['describe', 'account', 'B', '--operator', 'O', '--field', 'nats.limits.subs'])).stdout, '-1\n');
  });

  it('a path in the wrong case names the exact-case one and is not used', async (t) => {
    const h = home(t);
    const tree = await signingKeyTree(h);
    const r = await runCli(h, ['describe', 'account', 'A', '--field', 'NATS.SIGNING_KEYS']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no field "NATS\.SIGNING_KEYS": field names are case-sensitive, and the exact-case path is "nats\.signing_keys"\./);
    assert.match(r.stderr, /FIELD_NOT_FOUND/);
    assert.deepEqual(json((await runCli(h, ['describe', 'account', 'A', '--field', 'NATS.SIGNING_KEYS', '--json'])).stdout).error.details, { field: 'NATS.SIGNING_KEYS', closest: 'nats.signing_keys' });
    assert.match((await runCli(h, ['describe', 'account', 'A', '--field', 'Nats.Limits.Subs'])).stderr, /exact-case path is "nats\.limits\.subs"\./);
    // The exact-case field unset: both said.
    await addAccount(tree.ws, 'B', { signer: await tree.ws.keys.getKey(tree.opSk) });
    const unset = await runCli(h, ['describe', 'account', 'B', '--field', 'NATS.SIGNING_KEYS']);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /exact-case path is "nats\.signing_keys"\. "nats\.signing_keys" is not set in this account token/);
  });

  it('an empty name, a leading or trailing dot, a bracket that is not [N]: USAGE (exit 2)', async (t) => {
    const h = home(t);
    await signingKeyTree(h);
    const cases: [string, RegExp][] = [
      ['nats..exports', /--field "nats\.\.exports" has two dots in a row \(an empty name between them\).*did you mean "nats\.exports"\?/],
      ['.nats', /--field "\.nats" starts with a dot.*did you mean "nats"\?/],
      ['nats.', /--field "nats\." ends with a dot.*did you mean "nats"\?/],
      ['.', /--field "\." starts with a dot/],
      ['nats.signing_keys[-1]', /"signing_keys\[-1\]": an index is written \[N\] after a name \(or \.N\), N a whole number from 0/],
      ['nats.signing_keys[x]', /an index is written \[N\]/],
    ];
    for (const [path, message] of cases) {
      const r = await runCli(h, ['describe', 'account', 'A', '--field', path]);
      assert.equal(r.code, 2, path);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\(code USAGE\)/);
    }
  });

  it('an index past the end of a list says the length', async (t) => {
    const h = home(t);
    const tree = await signingKeyTree(h);
    for (const path of ['nats.signing_keys[1]', 'nats.signing_keys.7']) {
      const r = await runCli(h, ['describe', 'operator', '--field', path]);
      assert.equal(r.code, 1, path);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /is not in this operator token: "nats\.signing_keys" has 1 entry, \[0\]\./);
      assert.match(r.stderr, /FIELD_NOT_FOUND/);
    }
    assert.deepEqual(json((await runCli(h, ['describe', 'operator', '--field', 'nats.signing_keys[3]', '--json'])).stdout).error.details, { field: 'nats.signing_keys[3]', length: 1 });
    // jq's spelling of an index still reads the entry.
    assert.equal(JSON.parse((await cli(h, ['describe', 'operator', '--field', 'nats.signing_keys.[0]'])).stdout), tree.opSk);
  });

  it('claimField: the schema of each kind of token, maps, lists of two', () => {
    const notFound = (claims: unknown, path: string, message: RegExp) =>
      assert.throws(() => claimField(claims, path), (e: unknown) => e instanceof SigchainError && e.code === 'FIELD_NOT_FOUND' && message.test(e.message), path);
    const account = { sub: 'A', nats: { type: 'account', version: 2, limits: { subs: -1 }, revocations: { UX: 1 } } };
    notFound(account, 'nats.limits.mem_storage', /"nats\.limits\.mem_storage" is not set in this account token/);
    notFound(account, 'nats.default_permissions.pub.allow[0]', /"nats\.default_permissions" is not set/);
    // A map's keys are data: a key not there is a typo to correct, not an unset field.
    notFound(account, 'nats.revocations.UY', /closest is "nats\.revocations\.UX"/);
    notFound(account, 'nats.mappings.foo', /"nats\.mappings" is not set/);
    const activation = { sub: 'A', nats: { type: 'activation', version: 2, subject: 'x', kind: 'stream' } };
    notFound(activation, 'nats.issuer_account', /not set in this activation token/);
    // Not a field of this kind of token: the closest, as before.
    notFound(activation, 'nats.signing_keys', /closest is/);
    notFound(activation, 'exp', /"exp" is not set in this activation token/);
    // An unscoped account signing key is a string: it has no role to be unset.
    notFound({ sub: 'A', nats: { type: 'account', signing_keys: ['AK'] } }, 'nats.signing_keys[0].role', /closest is "nats\.signing_keys\[0\]"/);
    notFound({ sub: 'A', nats: { type: 'account', signing_keys: [{ kind: 'user_scope', key: 'AK', role: 'r', template: {} }] } }, 'nats.signing_keys[0].template.pub', /"nats\.signing_keys\[0\]\.template\.pub" is not set/);
    notFound({ sub: 'O', nats: { type: 'operator', signing_keys: ['O1', 'O2'] } }, 'nats.signing_keys[2]', /has 2 entries, \[0\] to \[1\]\./);
    notFound({ sub: 'X', nats: { type: 'bogus', list: [] } }, 'nats.list[0]', /"nats\.list" is an empty list\./);
    // A v2 token never carries the top-level `type` (Go's v1 marker): no "not set" for it.
    notFound(account, 'type', /closest is "nats\.type"/);
    // Not a NATS token: no schema, the closest as before.
    notFound({ sub: 'M', wascap: { name: 'x' } }, 'wascap.hash', /closest is "wascap\.name"/);
    assert.throws(() => claimField(account, 'a..b'), (e: unknown) => e instanceof SigchainError && e.code === 'USAGE');
  });
});
