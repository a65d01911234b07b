import type { OptionSpec } from './command.js';

/** Options every command accepts, before or after the command's words (as nsc accepts them). */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'private-key': {
    type: 'string',
    short: 'K',
    valueName: 'KEY',
    seed: true,
    description: 'The key that signs: a seed, a path to a .nk file, or a public key whose private key is held here (key store, sealed or plain; a registered HSM/KMS key; the key agent). Use it to sign with a signing key instead of an identity key.',
  },
  json: { type: 'boolean', description: 'Print one JSON object on stdout (for scripts). Errors become {"error":{"code","message","details"}} (verify keeps "valid":false beside it).' },
  help: { type: 'boolean', short: 'h', description: 'Show help for the command.' },
  'data-dir': { type: 'string', valueName: 'DIR', description: 'Folder holding the operator stores (nsc: --data-dir). Default: $SIGCHAIN_HOME/stores.' },
  'keystore-dir': { type: 'string', valueName: 'DIR', description: 'Key store root holding keys/ and creds/ (nsc: --keystore-dir, $NKEYS_PATH). Default: $SIGCHAIN_HOME.' },
  'config-dir': { type: 'string', valueName: 'DIR', description: 'Folder of the current-context file (nsc: --config-dir, $NSC_HOME).' },
  'keyring-backend': {
    type: 'string',
    valueName: 'NAME',
    description: 'Where new keys are kept: file (plain nsc .nk), encrypted (age, passphrase), memory, agent, pkcs11 (HSM), kms. Also $SIGCHAIN_KEYRING_BACKEND or "keyring_backend" in config.json. Default: encrypted for operator and account keys, file for the rest (file for all with --nsc).',
  },
  'passphrase-file': { type: 'string', valueName: 'FILE', description: 'Read the passphrase of encrypted keys from FILE (one trailing newline is dropped). Else $SIGCHAIN_PASSPHRASE, else a prompt on the terminal.' },
  'pin-file': { type: 'string', valueName: 'FILE', description: 'Read the PIN of the PKCS#11 token from FILE. Else the pin-source of the key URI, else $SIGCHAIN_PKCS11_PIN.' },
  store: {
    type: 'string',
    valueName: 'URL',
    description: 'Keep operators, accounts, users and revocations in JetStream KV on a NATS server, shared by every home pointing there: nats://HOST:PORT[/BUCKET] (bucket default: sigchain). Keys and the current context stay in this home. Also $SIGCHAIN_STORE. Default: the stores folder.',
  },
  nsc: { type: 'boolean', description: "Use nsc's own stores, key store and context in place (~/.local/share/nats/nsc, ~/.config/nats/nsc)." },
};
