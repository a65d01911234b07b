// What goes wrong with a PKCS#11 token, each as its own coded error, on a real SoftHSM2 token:
// a missing module, a wrong or missing PIN, no such token, a token without the key, a key that is
// not Ed25519, a URI that names several keys. No error message and no printed URI holds the PIN.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { closeAllPkcs11, pkcs11Keyring, pkcs11PublicKey, pkcs11SignerFromUri } from '../../../src/custody/pkcs11/keyring.js';
import { resolvePin } from '../../../src/custody/pkcs11/module.js';
import { isSigchainError, SigchainError } from '../../../src/errors.js';
import { encodePublicKey } from '../../../src/nkeys/codec.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { parseObjects, softHsm } from './softhsm.js';

// A PIN distinctive enough that finding it in any text is proof of a leak.
const PIN = '8642097531';
const WRONG = '1357924680';
const hsm = softHsm('pkcs11 faults', { pin: PIN });

if (hsm) {
  hsm.addToken('Empty', PIN); // before the module is first initialised, so this process sees it
  const seen: string[] = [];
  // Every refusal is checked for its code and kept, so the last test can look for the PIN in all.
  const refuses = async (p: Promise<unknown>, code: string): Promise<void> => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof SigchainError, `a SigchainError, not ${String(e)}`);
      assert.equal(e.code, code, e.message);
      seen.push(e.message, JSON.stringify(e), String(e.stack));
      return true;
    });
  };
  const uriFor = (extra: string, query = `module-path=${hsm.modulePath}&pin-source=file:${hsm.pinFile}`): string => `pkcs11:${extra}?${query}`;
  const noEnv = {}; // no SIGCHAIN_PKCS11_* from the machine running the tests
  after(() => closeAllPkcs11());

  describe('pkcs11 faults on SoftHSM2', () => {
    it('a missing module is PKCS11_MODULE_NOT_FOUND (URI, environment, and a file that is no module)', async () => {
      await refuses(pkcs11Keyring({ uri: uriFor('token=T', 'module-path=/nonexistent/libnope.so'), env: noEnv }).then((r) => r.list()), 'PKCS11_MODULE_NOT_FOUND');
      await refuses(pkcs11Keyring({ env: { SIGCHAIN_PKCS11_MODULE: '/nonexistent/libnope.so', SIGCHAIN_PKCS11_PIN: PIN } }).then((r) => r.list()), 'PKCS11_MODULE_NOT_FOUND');
      await refuses(pkcs11PublicKey(uriFor('token=T;object=x', `module-path=${hsm.pinFile}`)), 'PKCS11_MODULE_NOT_FOUND');
      await refuses(pkcs11PublicKey(uriFor('token=T;object=x', 'module-name=no-such-pkcs11-module')), 'PKCS11_MODULE_NOT_FOUND');
      await refuses(pkcs11PublicKey(uriFor('token=T;object=x;library-manufacturer=Snake%20Oil')), 'PKCS11_MODULE_NOT_FOUND');
    });

    it('no such token is PKCS11_TOKEN_NOT_FOUND, by label and by serial', async () => {
      await refuses(pkcs11Keyring({ uri: uriFor('token=Nope'), env: noEnv }).then((r) => r.list()), 'PKCS11_TOKEN_NOT_FOUND');
      await refuses(pkcs11Keyring({ uri: uriFor('serial=0000000000000000'), env: noEnv }).then((r) => r.list()), 'PKCS11_TOKEN_NOT_FOUND');
      await refuses(pkcs11Keyring({ uri: uriFor(''), env: { SIGCHAIN_PKCS11_TOKEN: 'Nope' } }).then((r) => r.list()), 'PKCS11_TOKEN_NOT_FOUND');
      // Two tokens and none named: which one is not guessed.
      await refuses(pkcs11Keyring({ uri: uriFor(''), env: noEnv }).then((r) => r.list()), 'PKCS11_TOKEN_NOT_FOUND');
    });

    it('a wrong PIN is PKCS11_PIN_INCORRECT, whether the token says so or this process already logged in with the right one', async () => {
      await closeAllPkcs11();
      const wrongFile = join(hsm.dir, 'wrong-pin');
      writeFileSync(wrongFile, `${WRONG}\n`);
      await refuses(pkcs11Keyring({ uri: uriFor('token=T'), pinFile: wrongFile, env: noEnv }).then((r) => r.list()), 'PKCS11_PIN_INCORRECT');
      await refuses(pkcs11Keyring({ uri: uriFor('token=T', `module-path=${hsm.modulePath}&pin-value=${WRONG}`), env: noEnv }).then((r) => r.list()), 'PKCS11_PIN_INCORRECT');
      await refuses(pkcs11Keyring({ uri: `pkcs11:token=T?module-path=${hsm.modulePath}`, env: { SIGCHAIN_PKCS11_PIN: WRONG } }).then((r) => r.list()), 'PKCS11_PIN_INCORRECT');
      // Now log in rightly, and ask again with the wrong PIN while that session is open.
      const good = await pkcs11Keyring({ uri: uriFor('token=T'), env: noEnv });
      await good.list();
      await refuses(pkcs11Keyring({ uri: uriFor('token=T'), pinFile: wrongFile, env: noEnv }).then((r) => r.list()), 'PKCS11_PIN_INCORRECT');
      await good.close();
    });

    it('no PIN at all is PKCS11_PIN_REQUIRED; --pin-file wins over the URI and the environment', async () => {
      await refuses(pkcs11Keyring({ uri: `pkcs11:token=T?module-path=${hsm.modulePath}`, env: noEnv }).then((r) => r.list()), 'PKCS11_PIN_REQUIRED');
      const ring = await pkcs11Keyring({ uri: `pkcs11:token=T?module-path=${hsm.modulePath}&pin-value=${WRONG}`, pinFile: hsm.pinFile, env: { SIGCHAIN_PKCS11_PIN: WRONG } });
      await ring.list();
      await ring.close();
      assert.equal(resolvePin({ pinFile: hsm.pinFile }), PIN, 'one trailing newline stripped');
      const crlf = join(hsm.dir, 'crlf-pin');
      writeFileSync(crlf, `${PIN}\r\n`);
      assert.equal(resolvePin({ pinFile: crlf }), PIN);
      assert.equal(resolvePin({ uri: `pkcs11:?pin-source=file://${hsm.pinFile}` }), PIN);
      assert.equal(resolvePin({ env: { SIGCHAIN_PKCS11_PIN: PIN } }), PIN);
      await refuses(pkcs11Keyring({ uri: 'pkcs11:token=T?pin-source=%7C/bin/echo', env: noEnv }).then((r) => r.list()), 'KEY_URI_INVALID');
      await refuses(pkcs11Keyring({ uri: 'pkcs11:token=T', pinFile: join(hsm.dir, 'no-such-pin-file'), env: noEnv }).then((r) => r.list()), 'IO_ERROR');
    });

    it('module, token and PIN may all come from SIGCHAIN_PKCS11_MODULE / _TOKEN / _PIN', async () => {
      const ring = await pkcs11Keyring({ env: { SIGCHAIN_PKCS11_MODULE: hsm.modulePath, SIGCHAIN_PKCS11_TOKEN: 'Empty', SIGCHAIN_PKCS11_PIN: PIN } });
      const s = await ring.generate('account', ['issuing']);
      assert.match(s.uri!, /token=Empty/);
      await ring.close();
    });

    it('a token without the key is PKCS11_KEY_NOT_FOUND', async () => {
      const t = await pkcs11Keyring({ uri: uriFor('token=T'), env: noEnv });
      const key = await t.generate('operator', ['issuing']);
      const empty = await pkcs11Keyring({ uri: uriFor('token=Empty'), env: noEnv });
      assert.equal(await empty.has(key.publicKey), false);
      await refuses(empty.signer(key.publicKey), 'PKCS11_KEY_NOT_FOUND');
      await refuses(pkcs11PublicKey(uriFor(`token=Empty;object=${key.publicKey}`)), 'PKCS11_KEY_NOT_FOUND');
      const misplaced = await pkcs11SignerFromUri(uriFor(`token=Empty;object=${key.publicKey}`), { publicKey: key.publicKey, role: 'operator', usages: ['issuing'] });
      await refuses(misplaced.sign(new Uint8Array(1), { usage: 'issuing', kind: 'message' }), 'PKCS11_KEY_NOT_FOUND');
      await t.close();
      await empty.close();
    });

    it('registers a key made by another tool: its public key is read from the token, and it signs under the usages it is given', async () => {
      hsm.pkcs11Tool(['--token-label', 'T', '--login', '--pin', PIN, '--keypairgen', '--key-type', 'EC:edwards25519', '--label', 'ci account', '--id', 'c1']);
      const uri = uriFor('token=T;object=ci%20account', `module-path=${hsm.modulePath}&pin-value=${PIN}`);
      const raw = await pkcs11PublicKey(uri);
      assert.equal(raw.length, 32);
      const listed = parseObjects(hsm.pkcs11Tool(['--token-label', 'T', '-O', '--type', 'pubkey'])).filter((o) => o.fields.label === 'ci account');
      assert.equal(listed.length, 1);
      assert.equal(listed[0]!.fields.EC_POINT, `0420${Buffer.from(raw).toString('hex')}`, 'the same public key pkcs11-tool shows');
      const publicKey = encodePublicKey('account', raw);
      const signer = await pkcs11SignerFromUri(uri, { publicKey, role: 'account', usages: ['issuing'] });
      assert.equal(signer.backend, 'pkcs11');
      assert.equal(signer.uri, `pkcs11:token=T;object=ci%20account?module-path=${hsm.modulePath}`, 'the URI without its pin-value');
      const data = new TextEncoder().encode('header.payload');
      assert.ok(KeyPair.fromPublic(publicKey).verify(data, await signer.sign(data, { usage: 'issuing', kind: 'jwt' })));
      await refuses(signer.sign(data, { usage: 'authentication', kind: 'message' }), 'KEY_USAGE_VIOLATION');
      // Every session closed under it (as an agent's shutdown would): the signer opens a new one,
      // and looks its key up again rather than trust a handle from the old module initialisation.
      await closeAllPkcs11();
      assert.ok(KeyPair.fromPublic(publicKey).verify(data, await signer.sign(data, { usage: 'issuing', kind: 'jwt' })));
      // By id too; and a record that names another key is refused before anything is signed.
      assert.deepEqual(await pkcs11PublicKey(uriFor('token=T;id=%C1')), raw);
      const other = KeyPair.create('account').publicKey;
      const wrong = await pkcs11SignerFromUri(uri, { publicKey: other, role: 'account', usages: ['issuing'] });
      await refuses(wrong.sign(data, { usage: 'issuing', kind: 'jwt' }), 'PKCS11_KEY_NOT_FOUND');
      await assert.rejects(pkcs11SignerFromUri(uri, { publicKey, role: 'operator', usages: ['issuing'] }), (e) => isSigchainError(e, 'NKEY_WRONG_ROLE'));
    });

    it('a key that is not Ed25519 is KEY_NOT_ED25519; a URI naming no key, several keys or with an unknown path attribute is KEY_URI_INVALID', async () => {
      hsm.pkcs11Tool(['--token-label', 'T', '--login', '--pin', PIN, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'p256', '--id', 'e1']);
      await refuses(pkcs11PublicKey(uriFor('token=T;object=p256')), 'KEY_NOT_ED25519');
      hsm.pkcs11Tool(['--token-label', 'T', '--login', '--pin', PIN, '--keypairgen', '--key-type', 'EC:edwards25519', '--label', 'twice', '--id', 'a1']);
      hsm.pkcs11Tool(['--token-label', 'T', '--login', '--pin', PIN, '--keypairgen', '--key-type', 'EC:edwards25519', '--label', 'twice', '--id', 'a2']);
      await refuses(pkcs11PublicKey(uriFor('token=T;object=twice')), 'KEY_URI_INVALID');
      assert.equal((await pkcs11PublicKey(uriFor('token=T;object=twice;id=%A2'))).length, 32, 'the id picks one');
      await refuses(pkcs11PublicKey(uriFor('token=T')), 'KEY_URI_INVALID');
      await refuses(pkcs11PublicKey(uriFor('token=T;object=twice;id=%A2;vendor-x=1')), 'KEY_URI_INVALID');
      await refuses(pkcs11PublicKey(uriFor('token=T;object=twice;type=cert')), 'KEY_URI_INVALID');
      await refuses(pkcs11PublicKey('pkcs11:token=T;token=U'), 'KEY_URI_INVALID');
    });

    it('a process that used the token exits by itself, closed or not', () => {
      const url = new URL('../../../src/custody/pkcs11/keyring.js', import.meta.url).href;
      for (const close of [true, false]) {
        const script = `
          import { pkcs11Keyring } from ${JSON.stringify(url)};
          const ring = await pkcs11Keyring({ uri: process.argv[1] });
          const s = await ring.generate('user', ['authentication']);
          await s.sign(new Uint8Array(3), { usage: 'authentication', kind: 'message' });
          ${close ? 'await ring.close();' : ''}
          console.log('signed');`;
        const r: SpawnSyncReturns<string> = spawnSync(process.execPath, ['--input-type=module', '-e', script, uriFor('token=T')], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SOFTHSM2_CONF: hsm.conf } });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), 'signed');
      }
    });

    it('no refusal above, and no URI sigchain printed, holds the PIN', async () => {
      assert.ok(seen.length > 20, 'the refusals were collected');
      for (const text of seen) {
        assert.ok(!text.includes(PIN), `PIN leaked in: ${text.slice(0, 200)}`);
        assert.ok(!text.includes(WRONG), `wrong PIN leaked in: ${text.slice(0, 200)}`);
      }
      const ring = await pkcs11Keyring({ uri: uriFor('token=T', `module-path=${hsm.modulePath}&pin-value=${PIN}`), env: noEnv });
      const s = await ring.generate('account', ['issuing']);
      assert.ok(!JSON.stringify({ uri: s.uri, list: await ring.list() }).includes(PIN));
      await ring.close();
    });
  });
}
