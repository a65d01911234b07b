// The version, apart from the rest of the CLI: the executable (bin.cts, CommonJS) answers
// `sigchain --version` from this file alone, before it loads any command, and main.ts shares it.

/** What `sigchain --version` prints. */
export const VERSION = 'sigchain 0.1.0';

/**
 * What `sigchain --version --json` prints: the name and the version apart, for scripts.
 *
 * @example
 * ```ts
 * versionJson('sigchain 0.1.0'); // '{"name":"sigchain","version":"0.1.0"}\n'
 * ```
 */
export function versionJson(version: string = VERSION): string {
  const [name, number] = version.split(' ');
  return `${JSON.stringify({ name, version: number })}\n`;
}

/**
 * What a command line that asks only for the version prints (`--version`, `version`, either
 * with `--json`), or undefined for any other command line.
 *
 * @example
 * ```ts
 * versionAnswer(['--version']); // 'sigchain 0.1.0\n'
 * versionAnswer(['describe', 'operator']); // undefined
 * ```
 */
export function versionAnswer(argv: readonly string[]): string | undefined {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) return `${VERSION}\n`;
  if (argv.length === 2 && argv.includes('--json') && (argv.includes('--version') || argv[0] === 'version')) return versionJson();
  return undefined;
}
