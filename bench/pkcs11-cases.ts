/**
 * `custody.sign_pkcs11`: a signature made inside a PKCS#11 token (SoftHSM2) through sigchain's
 * pkcs11 Signer (usage check, session queue, C_SignInit + C_Sign with CKM_EDDSA), against a bare
 * in-process node:crypto Ed25519 signature over the same 64 bytes.
 *
 * The token is a fresh SoftHSM2 token in a temporary directory (SOFTHSM2_CONF is set for this
 * process), removed again by `close()`. Undefined when SoftHSM2 is not installed (Debian
 * packages softhsm2), so a bench run on a machine without it reports the figure as missing
 * rather than failing.
 *
 * @example
 * ```ts
 * const p = await pkcs11Groups();
 * if (p) { for (const g of p.groups) Object.assign(figures, figuresOf(g.figure, await measure(g, settings))); await p.close(); }
 * ```
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, sign } from 'node:crypto';
import { closeAllPkcs11, pkcs11Keyring } from '../src/custody/pkcs11/keyring.js';
import { defaultModulePaths } from '../src/custody/pkcs11/module.js';
import { KeyPair, verifySignature } from '../src/nkeys/index.js';
import type { Group } from './harness.js';
import { nodeKeysFor } from './node-keys.js';

/** The pkcs11 figure on a fresh SoftHSM2 token, or undefined without SoftHSM2. */
export async function pkcs11Groups(): Promise<{ groups: Group[]; close(): Promise<void> } | undefined> {
  const modulePath = defaultModulePaths().find((p) => existsSync(p));
  if (!modulePath) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-bench-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const previousConf = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  try {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', '1234', '--so-pin', '5678'], { stdio: 'pipe' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const ring = await pkcs11Keyring({ uri: `pkcs11:token=bench?module-path=${modulePath}&pin-value=1234` });
  const signer = await ring.generate('user', ['authentication']);
  const inProcess = KeyPair.create('user');
  const { privateKey } = nodeKeysFor(inProcess);
  const data = randomBytes(64);
  const context = { usage: 'authentication', kind: 'message' } as const;
  // Both sides must sign correctly before they are timed.
  if (!verifySignature(signer.publicKey, data, await signer.sign(data, context))) throw new Error('bench: the token signature does not verify');
  if (!verifySignature(inProcess.publicKey, data, sign(null, data, privateKey))) throw new Error('bench: node_crypto signature does not verify');
  return {
    groups: [
      {
        figure: 'custody.sign_pkcs11',
        cases: [
          { impl: 'ours', async: true, run: () => signer.sign(data, context) },
          { impl: 'node_crypto', run: () => sign(null, data, privateKey) },
        ],
      },
    ],
    async close(): Promise<void> {
      await ring.close();
      await closeAllPkcs11();
      if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = previousConf;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
