/**
 * The `custody` layer: where private keys live. One backend per file or folder behind the
 * `Keyring` interface (`sigchain/keys`), the router that finds which backend holds a key, and the
 * audit wrapper every signature goes through.
 *
 * @example
 * ```ts
 * import { Custody } from 'sigchain/custody';
 * const custody = new Custody({ keys: ws.keys, env: process.env, passphrase: async () => pass });
 * const sk = await custody.generate('account', ['issuing']);       // sealed: <PUB>.nk.age
 * const sig = await sk.sign(bytes, { usage: 'issuing', kind: 'jwt' });
 * ```
 */
export { Custody, type CustodyOptions, defaultBackend, parseBackend } from './custody.js';
export { type EncryptedKeyringOptions, type PassphraseSource, encryptedKeyring, openSeed, sealSeed, sealUsages } from './encrypted.js';
export { fileKeyring } from './file.js';
export { memoryKeyring } from './memory.js';
export { seedSigner } from './seed-signer.js';
export { guardUsage } from './guard.js';
export { audited } from './audited.js';
