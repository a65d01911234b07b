/**
 * Every CLI command: the words that select it and its one-line summary (all that `sigchain
 * --help` and command lookup need), and how to load it. A command's file, and everything it
 * imports (the workspace, the verifier, the worker pools), is imported only when that command
 * runs or shows its help: every invocation is a process, and `--version` or a typo should not
 * pay for loading all 32 commands. `test/cli/registry.test.ts` checks that each entry's words
 * and summary are those of the command it loads.
 */
import type { Command } from './command.js';

/** A registered command: what selects it and what the top-level help says, and its loader. */
export interface CommandEntry {
  /** Words that select it, e.g. `['add', 'operator']` (the same as the loaded command's). */
  readonly words: readonly string[];
  /** One line for `sigchain --help` (the same as the loaded command's). */
  readonly summary: string;
  /** Imports the command's file. */
  load(): Promise<Command>;
}

/** Every CLI command, in the order `sigchain --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { words: ['add', 'operator'], summary: 'Create an operator: the root key every account and user chains up to', load: async () => (await import('./commands/add-operator.js')).addOperatorCommand },
  { words: ['add', 'account'], summary: 'Create an account, signed by the operator (preferably with an operator signing key)', load: async () => (await import('./commands/add-account.js')).addAccountCommand },
  { words: ['add', 'user'], summary: 'Create a user of an account and write its creds file', load: async () => (await import('./commands/add-user.js')).addUserCommand },
  { words: ['edit', 'operator'], summary: 'Change the operator: signing keys, strict signing-key usage, system account, URLs, tags, validity', load: async () => (await import('./commands/edit-operator.js')).editOperatorCommand },
  { words: ['edit', 'account'], summary: 'Change an account: signing keys, limits, JetStream, description, tags, validity', load: async () => (await import('./commands/edit-account.js')).editAccountCommand },
  { words: ['edit', 'signing-key'], summary: "Scope an account signing key: a role and the permission template of every user it signs", load: async () => (await import('./commands/edit-signing-key.js')).editSigningKeyCommand },
  { words: ['edit', 'user'], summary: "Change a user's permissions, limits, tags or validity, or re-issue it with another key", load: async () => (await import('./commands/edit-user.js')).editUserCommand },
  { words: ['describe', 'operator'], summary: "Show an operator's token: keys, signing keys, system account, strict mode", load: async () => (await import('./commands/describe-operator.js')).describeOperatorCommand },
  { words: ['describe', 'account'], summary: "Show an account's token: issuer, signing keys, limits, JetStream, imports and exports", load: async () => (await import('./commands/describe-account.js')).describeAccountCommand },
  { words: ['describe', 'user'], summary: "Show a user's token: issuer, issuer account, scope, permissions and limits", load: async () => (await import('./commands/describe-user.js')).describeUserCommand },
  { words: ['describe', 'jwt'], summary: 'Show any NATS token (operator, account, user, activation) from a file, a creds file or stdin', load: async () => (await import('./commands/describe-jwt.js')).describeJwtCommand },
  { words: ['list', 'operators'], summary: 'List the operators in the stores folder; * marks the current one', load: async () => (await import('./commands/list-operators.js')).listOperatorsCommand },
  { words: ['list', 'accounts'], summary: 'List the accounts of the current (or --operator) operator; * marks the current one', load: async () => (await import('./commands/list-accounts.js')).listAccountsCommand },
  { words: ['list', 'users'], summary: 'List the users of the current (or -a) account', load: async () => (await import('./commands/list-users.js')).listUsersCommand },
  { words: ['list', 'keys'], summary: 'List operator, account and user keys, marking signing keys and stored seeds', load: async () => (await import('./commands/list-keys.js')).listKeysCommand },
  { words: ['keys', 'list'], summary: 'List stored keys with their usages and status (active or retired)', load: async () => (await import('./commands/keys-list.js')).keysListCommand },
  { words: ['keys', 'import'], summary: 'Import a seed (from a .nk or creds file, or stdin) into the key store, plain or sealed', load: async () => (await import('./commands/keys-import.js')).keysImportCommand },
  { words: ['keys', 'export'], summary: 'Copy a stored key into another backend or a .nk file, keeping the original', load: async () => (await import('./commands/keys-export.js')).keysExportCommand },
  { words: ['keys', 'move'], summary: 'Move a stored key to another backend: seal a plain .nk (--to encrypted) or unseal one (--to file)', load: async () => (await import('./commands/keys-move.js')).keysMoveCommand },
  { words: ['keys', 'register'], summary: 'Record a key that already lives in an HSM (pkcs11:) or a KMS (awskms://, gcpkms://, hashivault://)', load: async () => (await import('./commands/keys-register.js')).keysRegisterCommand },
  { words: ['keys', 'retire'], summary: 'Retire a stored key: it may no longer sign anything (its seed is kept)', load: async () => (await import('./commands/keys-retire.js')).keysRetireCommand },
  { words: ['keys', 'compromised'], summary: 'A signing key leaked: replace it and re-issue everything it signed (dry run unless --apply)', load: async () => (await import('./commands/keys-compromised.js')).keysCompromisedCommand },
  { words: ['generate', 'nkey'], summary: 'Generate a key (operator, account, user, … signing keys), print it or store it', load: async () => (await import('./commands/generate-nkey.js')).generateNkeyCommand },
  { words: ['generate', 'creds'], summary: "Print or write a user's creds file (JWT + seed) for NATS clients", load: async () => (await import('./commands/generate-creds.js')).generateCredsCommand },
  { words: ['select', 'operator'], summary: 'Make an operator the current one (what commands act on when none is named)', load: async () => (await import('./commands/select-operator.js')).selectOperatorCommand },
  { words: ['select', 'account'], summary: 'Make an account the current one (what commands act on when none is named)', load: async () => (await import('./commands/select-account.js')).selectAccountCommand },
  { words: ['env'], summary: 'Show where stores, keys and the context live (and why), and the current operator/account', load: async () => (await import('./commands/env.js')).envCommand },
  { words: ['nats', 'server-config'], summary: 'Write a nats-server config for operator mode: the operator JWT with every account preloaded', load: async () => (await import('./commands/nats-server-config.js')).natsServerConfigCommand },
  { words: ['revocations', 'add-user'], summary: "Revoke a user's tokens (or every user's, with -u '*') issued at or before a time", load: async () => (await import('./commands/revocations-add-user.js')).revocationsAddUserCommand },
  { words: ['revocations', 'delete-user'], summary: "Remove a user's revocation (or the '*' one) from the account JWT", load: async () => (await import('./commands/revocations-delete-user.js')).revocationsDeleteUserCommand },
  { words: ['revocations', 'list-users'], summary: 'List the user keys an account revokes, since when, and which stored users that refuses', load: async () => (await import('./commands/revocations-list-users.js')).revocationsListUsersCommand },
  { words: ['revoke', 'jti'], summary: 'Revoke one token by its jti (for NATS users, servers are told by a key revocation at its iat)', load: async () => (await import('./commands/revoke-jti.js')).revokeJtiCommand },
  { words: ['revocations', 'delete-jti'], summary: 'Remove a jti revocation (and the key revocation it made for servers)', load: async () => (await import('./commands/revocations-delete-jti.js')).revocationsDeleteJtiCommand },
  { words: ['revocations', 'list-jtis'], summary: 'List the tokens revoked by jti, per account', load: async () => (await import('./commands/revocations-list-jtis.js')).revocationsListJtisCommand },
  { words: ['verify'], summary: 'Verify a user, account or operator token (NATS or wascap) or a signed WebAssembly module, and its chain up to a trusted operator', load: async () => (await import('./commands/verify.js')).verifyCommand },
  { words: ['check', 'coverage'], summary: 'Warn when signing-key restrictions leave a kind of statement no key may sign', load: async () => (await import('./commands/check-coverage.js')).checkCoverageCommand },
  { words: ['agent', 'start'], summary: "Start sigchain's key agent (an ssh-agent that knows what it signs) and print its environment for eval", load: async () => (await import('./commands/agent-start.js')).agentStartCommand },
  { words: ['agent', 'stop'], summary: "Stop sigchain's key agent (named by --socket, SIGCHAIN_AUTH_SOCK or SIGCHAIN_AGENT_PID)", load: async () => (await import('./commands/agent-stop.js')).agentStopCommand },
  { words: ['agent', 'add'], summary: 'Load a stored key (or an HSM key, by reference) into the key agent, optionally for a time, fewer usages, or only some kinds of bytes', load: async () => (await import('./commands/agent-add.js')).agentAddCommand },
  { words: ['agent', 'list'], summary: 'List the keys the key agent holds, as nkeys with their role and usages', load: async () => (await import('./commands/agent-list.js')).agentListCommand },
  { words: ['agent', 'lock'], summary: 'Lock the key agent with a passphrase: it lists no key and signs nothing until unlocked', load: async () => (await import('./commands/agent-lock.js')).agentLockCommand },
  { words: ['agent', 'unlock'], summary: 'Unlock the key agent with the passphrase it was locked with', load: async () => (await import('./commands/agent-unlock.js')).agentUnlockCommand },
  { words: ['sign'], summary: 'Sign a message or a nonce claim with a key of usage authentication, for scripts (audited)', load: async () => (await import('./commands/sign.js')).signCommand },
  { words: ['verify-signature'], summary: 'Check a signature made by `sigchain sign` (exit 0 genuine, 1 not)', load: async () => (await import('./commands/verify-signature.js')).verifySignatureCommand },
  { words: ['audit', 'verify'], summary: 'Check that the audit log was not edited, cut short or reordered (names the first bad record)', load: async () => (await import('./commands/audit-verify.js')).auditVerifyCommand },
  { words: ['audit', 'show'], summary: 'Show the audit log: every use of a private key, by key, time or kind', load: async () => (await import('./commands/audit-show.js')).auditShowCommand },
  { words: ['wasm', 'inspect'], summary: 'Show the wasmCloud claims a signed WebAssembly module carries, and whether its signature, hash and time are valid', load: async () => (await import('./commands/wasm-inspect.js')).wasmInspectCommand },
  { words: ['wasm', 'sign'], summary: 'Sign a WebAssembly module or component for wasmCloud: actor claims in a wasmcloud_jwt section', load: async () => (await import('./commands/wasm-sign.js')).wasmSignCommand },
  { words: ['invocation', 'sign'], summary: 'Sign a wasmCloud invocation with the cluster key and write it as 0.82 MessagePack', load: async () => (await import('./commands/invocation-sign.js')).invocationSignCommand },
  { words: ['invocation', 'verify'], summary: 'Judge wasmCloud invocations (signature, issuer, hash, subject, URLs, age, replay), one line each', load: async () => (await import('./commands/invocation-verify.js')).invocationVerifyCommand },
  { words: ['host'], summary: 'Run a zero-trust wasmCloud host on a NATS lattice (built-in Echo.Echo actor); SIGHUP re-reads the cluster keys', load: async () => (await import('./commands/host.js')).hostCommand },
  { words: ['call'], summary: 'Send one signed wasmCloud invocation to an actor on a NATS lattice and print its answer', load: async () => (await import('./commands/call.js')).callCommand },
  { words: ['push'], summary: "Push account JWTs to a cluster's NATS resolver (refusing rollbacks and tokens sigchain would not accept)", load: async () => (await import('./commands/push.js')).pushCommand },
  { words: ['pull'], summary: "Pull account JWTs from a cluster's NATS resolver into the store (verified; newer wins)", load: async () => (await import('./commands/pull.js')).pullCommand },
  { words: ['add', 'export'], summary: 'Export a stream or a service from an account, public or private (importers then need an activation)', load: async () => (await import('./commands/add-export.js')).addExportCommand },
  { words: ['add', 'import'], summary: "Import another account's stream or service: public by account and subject, private with an activation token", load: async () => (await import('./commands/add-import.js')).addImportCommand },
  { words: ['generate', 'activation'], summary: 'Sign an activation token that lets one account import a private export', load: async () => (await import('./commands/generate-activation.js')).generateActivationCommand },
  { words: ['delete', 'export'], summary: 'Remove an export from an account (accounts importing it are named)', load: async () => (await import('./commands/delete-export.js')).deleteExportCommand },
  { words: ['delete', 'import'], summary: 'Remove an import from an account', load: async () => (await import('./commands/delete-import.js')).deleteImportCommand },
  { words: ['delete', 'user'], summary: 'Delete users from the store; -R revokes them first, -D and -C remove their keys and creds', load: async () => (await import('./commands/delete-user.js')).deleteUserCommand },
  { words: ['delete', 'account'], summary: 'Delete an account and its users (refused while other accounts import from it)', load: async () => (await import('./commands/delete-account.js')).deleteAccountCommand },
  { words: ['expirations'], summary: 'List operator, account, user and activation tokens that expire soon (default 30d) or have expired; exit 1 if any', load: async () => (await import('./commands/expirations.js')).expirationsCommand },
  { words: ['validate'], summary: 'Judge the store with the verifier: the operator and the current account (or all) with their users, one line per problem', load: async () => (await import('./commands/validate.js')).validateCommand },
  { words: ['generate', 'config'], summary: "nsc's name for `nats server-config`: a nats-server config with a memory (--mem-resolver) or full (--nats-resolver) resolver", load: async () => (await import('./commands/generate-config.js')).generateConfigCommand },
  { words: ['store', 'export'], summary: "Write the store (e.g. a NATS KV store) to a folder in nsc's layout: operators, accounts, users, revocations; no keys", load: async () => (await import('./commands/store-export.js')).storeExportCommand },
  { words: ['store', 'import'], summary: "Load a folder in nsc's layout (from `store export` or nsc) into the store (e.g. a NATS KV store); newer tokens win", load: async () => (await import('./commands/store-import.js')).storeImportCommand },
  { words: ['watch'], summary: 'Print the changes made to a store shared through NATS (--store nats://…) as they land, until interrupted', load: async () => (await import('./commands/watch.js')).watchCommand },
];

