#!/usr/bin/env node
// The `sigchain` executable. Every command is a process and scripts call it in loops, so this
// file imports nothing of sigchain's own: `sigchain --version` answers from here, and every
// other command line goes to run.ts, which loads only the command it names (registry.ts).
// test/cli/startup.test.ts and `npm run bench -- --only cli` hold start-up to that.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What `sigchain --version` prints. */
export const VERSION = 'sigchain 0.1.0';

/** What `sigchain --version --json` prints: the name and the version apart, for scripts. */
export function versionJson(version: string = VERSION): string {
  const [name, number] = version.split(' ');
  return `${JSON.stringify({ name, version: number })}\n`;
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv.length === 2 && argv.includes('--json') && (argv.includes('--version') || argv[0] === 'version')) {
    process.stdout.write(versionJson());
    return 0;
  }
  // The version travels as an argument: run.ts importing it from here would close a circle.
  return (await import('./run.js')).run(argv, env, VERSION);
}

// Run when executed directly (also through npm's .bin symlink), not when imported by tests.
function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
