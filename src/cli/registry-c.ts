import type { Command } from './command.js';
import { verifyCommand } from './commands/verify.js';

/** The trust commands: verifying tokens and chains against a policy. */
export const COMMANDS_C: Command[] = [verifyCommand];
