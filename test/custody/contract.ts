/**
 * The contract every custody backend passes: one suite, run against each backend by its own
 * test file (`memory.test.ts`, `file.test.ts`, `encrypted.test.ts`, `agent.test.ts`,
 * `pkcs11.test.ts`, `kms-*.test.ts`). A backend is a Keyring; what it promises is checked here
 * through that interface alone, with signatures judged by node:crypto.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { isSigchainError } from '../../src/errors.js';
import { isSeedKeyring, type Keyring } from '../../src/keys/keyring.js';
import type { KeyBackend } from '../../src/keys/signer.js';
import { KeyPair, verifySignature } from '../../src/nkeys/keypair.js';
import type { Role } from '../../src/nkeys/roles.js';

/** What a backend's test hands the contract. */
export interface ContractSubject {
  ring: Keyring;
  /** A second, independent handle on the same keys (a new process would see these), if the backend persists. */
  reopen?: () => Promise<Keyring>;
}

export interface ContractOptions {
  backend: KeyBackend;
  /** Roles the backend is asked to generate (default: operator, account, user). */
  roles?: readonly Role[];
  /** The code for a key the backend does not hold (default STORE_NOT_FOUND). */
  notFoundCode?: string;
  /** Skip `generate` (a backend that only registers existing keys, e.g. a KMS emulator with fixed keys). */
  fixedKeys?: () => Promise<string[]>;
  /** The largest message the backend signs (default: a 64 KiB message is signed; AWS KMS signs at most 4096 bytes). */
  maxMessageBytes?: number;
}

const enc = new TextEncoder();

/**
 * Registers the contract's tests for one backend.
 *
 * @example
 * ```ts
 * keyringContract({ backend: 'memory' }, async () => ({ ring: memoryKeyring() }));
 * ```
 */
export function keyringContract(opts: ContractOptions, setup: (t: TestContext) => Promise<ContractSubject>): void {
  const name = `keyring contract (${opts.backend})`;
  const roles = opts.roles ?? ['operator', 'account', 'user'];
  const notFound = opts.notFoundCode ?? 'STORE_NOT_FOUND';

  const makeKey = async (ring: Keyring, role: Role, usages: Parameters<Keyring['generate']>[1]) => {
    if (opts.fixedKeys) {
      const keys = await opts.fixedKeys();
      const pub = keys.find((k) => k.startsWith(role[0]!.toUpperCase()));
      assert.ok(pub, `the backend's fixed keys include a ${role} key`);
      return ring.signer(pub);
    }
    return ring.generate(role, usages);
  };

  test(`${name}: a generated key is held, listed with its backend and usages, and signs verifiable Ed25519`, async (t) => {
    const { ring, reopen } = await setup(t);
    assert.equal(ring.backend, opts.backend);
    for (const role of roles) {
      const signer = await makeKey(ring, role, ['issuing']);
      assert.equal(signer.role, role);
      assert.equal(signer.backend, opts.backend);
      assert.equal(KeyPair.fromPublic(signer.publicKey).role, role);
      assert.ok(await ring.has(signer.publicKey));
      for (const data of [new Uint8Array(0), enc.encode('header.payload'), new Uint8Array(opts.maxMessageBytes ?? 65536).fill(7)]) {
        const sig = await signer.sign(data, { usage: signer.usages[0]!, kind: 'message' });
        assert.equal(sig.length, 64);
        assert.ok(verifySignature(signer.publicKey, data, sig), 'the signature verifies with node:crypto');
        assert.ok(!verifySignature(signer.publicKey, enc.encode('other'), sig));
      }
      const listed = (await ring.list()).find((e) => e.publicKey === signer.publicKey);
      assert.ok(listed, 'list() names the key');
      assert.equal(listed.backend, opts.backend);
      assert.equal(listed.role, role);
      assert.deepEqual([...listed.usages], [...signer.usages]);
      if (reopen) {
        const again = await reopen();
        assert.ok(await again.has(signer.publicKey), 'the key is still there through a new handle');
        const s2 = await again.signer(signer.publicKey);
        assert.deepEqual([...s2.usages], [...signer.usages], 'usages survive');
        const sig = await s2.sign(enc.encode('x'), { usage: s2.usages[0]!, kind: 'message' });
        assert.ok(verifySignature(signer.publicKey, enc.encode('x'), sig));
      }
    }
  });

  test(`${name}: refuses a usage the key does not hold with KEY_USAGE_VIOLATION, before signing`, async (t) => {
    const { ring } = await setup(t);
    const signer = await makeKey(ring, 'account', ['issuing']);
    const other = (['identity', 'issuing', 'authentication', 'protocol'] as const).find((u) => !signer.usages.includes(u));
    if (!other) return t.skip('the fixed key holds every usage');
    await assert.rejects(signer.sign(enc.encode('x'), { usage: other, kind: 'message' }), (e) => isSigchainError(e, 'KEY_USAGE_VIOLATION'));
  });

  test(`${name}: a key it does not hold is not there, and asking to sign with it is ${notFound}`, async (t) => {
    const { ring } = await setup(t);
    const stranger = KeyPair.create('account').publicKey;
    assert.equal(await ring.has(stranger), false);
    await assert.rejects(
      (async () => {
        const s = await ring.signer(stranger);
        await s.sign(enc.encode('x'), { usage: 'issuing', kind: 'message' });
      })(),
      (e) => isSigchainError(e) && e.code === notFound,
    );
  });

  test(`${name}: list() is sorted and carries no secret`, async (t) => {
    const { ring } = await setup(t);
    await makeKey(ring, 'user', ['authentication']);
    await makeKey(ring, 'account', ['issuing']);
    const list = await ring.list();
    const pubs = list.map((e) => e.publicKey);
    assert.deepEqual(pubs, [...pubs].sort());
    assert.doesNotMatch(JSON.stringify(list), /"S[OAUNCX][A-Z2-7]{40,}/, 'no seed in the listing');
  });

  test(`${name}: seeds go in and out only where the backend keeps seeds`, async (t) => {
    const { ring } = await setup(t);
    if (!isSeedKeyring(ring)) {
      assert.ok(['agent', 'pkcs11', 'kms'].includes(opts.backend), 'only agent, pkcs11 and kms keep no seeds to hand out');
      return;
    }
    const kp = KeyPair.create('account');
    const s = await ring.importKey(kp, ['issuing']);
    assert.equal(s.publicKey, kp.publicKey);
    await ring.importKey(kp, ['issuing']); // again: a no-op
    assert.equal((await ring.exportKey(kp.publicKey)).seed, kp.seed);
    assert.equal(await ring.removeKey(kp.publicKey), true);
    assert.equal(await ring.has(kp.publicKey), false);
  });
}
