import type { Command } from './command.js';

/** Every CLI command, in the order `sigchain --help` lists them. */
export const COMMANDS: Command[] = [];
