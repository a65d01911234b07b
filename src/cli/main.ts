#!/usr/bin/env node
// The CLI as a module graph. The executable (package.json "bin") is bin.cts, which runs this file
// bundled into one script (scripts/build-cli.mjs) and comes here only when there is no bundle;
// running this file directly is the module graph itself. Every command is a process and scripts
// call it in loops, so this file imports nothing of sigchain's own but the version:
// `sigchain --version` answers from here, and every other command line goes to run.ts, which
// loads only the command it names (registry.ts). test/cli/startup.test.ts and `npm run bench --
// --only cli` hold start-up to that.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION, versionAnswer } from './version.cjs';

export { VERSION, versionJson } from './version.cjs';

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const version = versionAnswer(argv);
  if (version !== undefined) {
    process.stdout.write(version);
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
