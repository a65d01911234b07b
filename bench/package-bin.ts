/**
 * The CLI as a user runs it: the file the package's `bin` names (dist/src/cli/bin.cjs: the CLI
 * bundle with its code cache), which every figure that spawns sigchain times.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = new URL('../../', import.meta.url);

/** The `bin` entry of package.json, relative to the repository. */
export const BIN = (JSON.parse(readFileSync(new URL('package.json', REPO), 'utf8')) as { bin: { sigchain: string } }).bin.sigchain;

/** Its absolute path. */
export const CLI = fileURLToPath(new URL(BIN, REPO));
