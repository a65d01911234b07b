import { SigchainError } from '../../errors.js';
import type { OperatorEntities } from '../../store/store.js';

/**
 * The user a command acts on: `named`, else the account's only user (as nsc defaults).
 * With several users and none named it is a `USAGE` error listing them; with none, `STORE_NOT_FOUND`.
 */
export async function userName(op: OperatorEntities, account: string, named: string | undefined): Promise<string> {
  if (named !== undefined) return named;
  const users = await op.listUsers(account);
  if (users.length === 1) return users[0]!;
  if (users.length === 0) throw new SigchainError('STORE_NOT_FOUND', `Account ${account} of operator ${op.name} has no users. Add one with \`sigchain add user NAME -a ${account}\`.`, { account, operator: op.name });
  throw new SigchainError('USAGE', `Account ${account} has several users; name one: ${users.join(', ')}.`, { users });
}
