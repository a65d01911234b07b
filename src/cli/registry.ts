import type { Command } from './command.js';
import { addAccountCommand } from './commands/add-account.js';
import { addOperatorCommand } from './commands/add-operator.js';
import { addUserCommand } from './commands/add-user.js';
import { checkCoverageCommand } from './commands/check-coverage.js';
import { describeAccountCommand } from './commands/describe-account.js';
import { describeJwtCommand } from './commands/describe-jwt.js';
import { describeOperatorCommand } from './commands/describe-operator.js';
import { describeUserCommand } from './commands/describe-user.js';
import { editAccountCommand } from './commands/edit-account.js';
import { editOperatorCommand } from './commands/edit-operator.js';
import { editSigningKeyCommand } from './commands/edit-signing-key.js';
import { editUserCommand } from './commands/edit-user.js';
import { envCommand } from './commands/env.js';
import { generateCredsCommand } from './commands/generate-creds.js';
import { generateNkeyCommand } from './commands/generate-nkey.js';
import { keysCompromisedCommand } from './commands/keys-compromised.js';
import { keysListCommand } from './commands/keys-list.js';
import { keysRetireCommand } from './commands/keys-retire.js';
import { listAccountsCommand } from './commands/list-accounts.js';
import { listKeysCommand } from './commands/list-keys.js';
import { listOperatorsCommand } from './commands/list-operators.js';
import { listUsersCommand } from './commands/list-users.js';
import { natsServerConfigCommand } from './commands/nats-server-config.js';
import { revocationsAddUserCommand } from './commands/revocations-add-user.js';
import { revocationsDeleteJtiCommand } from './commands/revocations-delete-jti.js';
import { revocationsDeleteUserCommand } from './commands/revocations-delete-user.js';
import { revocationsListJtisCommand } from './commands/revocations-list-jtis.js';
import { revocationsListUsersCommand } from './commands/revocations-list-users.js';
import { revokeJtiCommand } from './commands/revoke-jti.js';
import { selectAccountCommand } from './commands/select-account.js';
import { selectOperatorCommand } from './commands/select-operator.js';
import { verifyCommand } from './commands/verify.js';

/** Every CLI command, in the order `sigchain --help` lists them. */
export const COMMANDS: Command[] = [
  addOperatorCommand,
  addAccountCommand,
  addUserCommand,
  editOperatorCommand,
  editAccountCommand,
  editSigningKeyCommand,
  editUserCommand,
  describeOperatorCommand,
  describeAccountCommand,
  describeUserCommand,
  describeJwtCommand,
  listOperatorsCommand,
  listAccountsCommand,
  listUsersCommand,
  listKeysCommand,
  keysListCommand,
  keysRetireCommand,
  keysCompromisedCommand,
  generateNkeyCommand,
  generateCredsCommand,
  selectOperatorCommand,
  selectAccountCommand,
  envCommand,
  natsServerConfigCommand,
  revocationsAddUserCommand,
  revocationsDeleteUserCommand,
  revocationsListUsersCommand,
  revokeJtiCommand,
  revocationsDeleteJtiCommand,
  revocationsListJtisCommand,
  verifyCommand,
  checkCoverageCommand,
];
