import type { OptionSpec } from './command.js';

/** Options every command accepts, before or after the command's words (as nsc accepts them). */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'private-key': {
    type: 'string',
    short: 'K',
    valueName: 'KEY',
    description: 'The key that signs: a seed, a path to a .nk file, or a public key whose seed is in the key store. Use it to sign with a signing key instead of an identity key.',
  },
  json: { type: 'boolean', description: 'Print one JSON object on stdout (for scripts). Errors become {"error":{"code","message","details"}} (verify keeps "valid":false beside it).' },
  help: { type: 'boolean', short: 'h', description: 'Show help for the command.' },
  'data-dir': { type: 'string', valueName: 'DIR', description: 'Folder holding the operator stores (nsc: --data-dir). Default: $SIGCHAIN_HOME/stores.' },
  'keystore-dir': { type: 'string', valueName: 'DIR', description: 'Key store root holding keys/ and creds/ (nsc: --keystore-dir, $NKEYS_PATH). Default: $SIGCHAIN_HOME.' },
  'config-dir': { type: 'string', valueName: 'DIR', description: 'Folder of the current-context file (nsc: --config-dir, $NSC_HOME).' },
  nsc: { type: 'boolean', description: "Use nsc's own stores, key store and context in place (~/.local/share/nats/nsc, ~/.config/nats/nsc)." },
};
