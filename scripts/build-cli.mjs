#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the CLI (dist/src/cli/main.js and every sigchain
// module it imports, statically or not) into one CommonJS script, dist/src/cli/sigchain.bundle.cjs,
// which the executable (src/cli/bin.cts) runs, then writes its V8 code cache by running a few
// store reads with it. Why: every command is a process, and node's ESM loader resolving, reading
// and compiling ~50 files one by one cost more than the command itself (issue 8, item 8).
//
// What stays outside the bundle, on purpose:
// - npm packages (lazily imported, some ESM-only, some optional native addons);
// - worker files (`new URL('./x-worker.js', import.meta.url)`): each `import.meta.url` becomes
//   the URL of the module's own file in dist/, so workers, the peercred addon and `agent start`
//   find their files as they do from the module graph. A worker is its own isolate, so its
//   copy of sigchain's modules shares no class with the bundle's.
// No sigchain module may be loaded from dist/ beside the bundle in the same process (a second
// copy of errors.ts would break `instanceof SigchainError`): the build fails on a dynamic import
// it cannot follow, other than the known package loads listed in DYNAMIC_IMPORTS.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cliDir = join(repo, 'dist', 'src', 'cli');
const BUNDLE = join(cliDir, 'sigchain.bundle.cjs');

/** What the bundle calls to import a package: bin.cjs passes it in (see bin.cts, openBundle). */
const IMPORT_FUNCTION = '__sigchainImport';

/** Modules whose dynamic imports of computed specifiers load npm packages, never a sigchain module. */
const DYNAMIC_IMPORTS = new Map([
  ['custody/pkcs11/module.js', 'the optional pkcs11js addon'],
  ['custody/kms/gcp.js', 'google-auth-library, resolved inside @google-cloud/kms'],
]);

/** Command lines run to fill the code cache (on a store holding one operator, as `add operator` makes). */
const TRAINING = [
  ['describe', 'operator', '--json'],
  ['describe', 'operator'],
  ['describe', 'account', 'SYS', '--json'],
  ['list', 'accounts'],
];

async function bundle() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // A build without dev dependencies still works: bin.cjs then runs the module graph.
    console.error('build-cli: esbuild is not installed; the CLI runs as a module graph (slower start-up)');
    return false;
  }
  rmSync(BUNDLE, { force: true });
  rmSync(`${BUNDLE}.cache`, { force: true });
  const result = await esbuild.build({
    entryPoints: [join(cliDir, 'main.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    // Smaller to read, to hash and to deserialise; keepNames keeps every function's and class's
    // `name` (what `e.name` and stack traces show).
    minify: true,
    keepNames: true,
    legalComments: 'none',
    charset: 'ascii',
    write: false,
    metafile: true,
    outfile: BUNDLE,
    logLevel: 'silent',
    plugins: [
      {
        name: 'import-meta-url',
        setup(build) {
          build.onLoad({ filter: /\.js$/ }, (args) => {
            let contents = readFileSync(args.path, 'utf8');
            if (args.path === join(cliDir, 'main.js')) {
              // In the bundle, main.js is never the script node runs (bin.cjs is): skip the
              // realpath and URL work of asking.
              if (!contents.includes('\nif (isEntryPoint()) {')) throw new Error('build-cli: main.js no longer starts with `if (isEntryPoint()) {`');
              contents = contents.replace('\nif (isEntryPoint()) {', '\nif (false) {');
            }
            const rel = relative(cliDir, args.path).split(sep).join('/');
            contents = contents.replaceAll('import.meta.url', `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(rel)})).href`);
            if (/\bimport\.meta\b/.test(contents)) throw new Error(`${args.path}: import.meta other than import.meta.url cannot be bundled`);
            // Packages and built-ins are imported by bin.cjs on the bundle's behalf
            // (IMPORT_FUNCTION): an `import()` in a vm.Script needs a flag
            // (--experimental-vm-modules) or an option that prints an ExperimentalWarning.
            // Relative imports are bundled.
            contents = contents.replace(/\bimport\(\s*(?!['"]\.)/g, `${IMPORT_FUNCTION}(`);
            return { contents, loader: 'js' };
          });
        },
      },
    ],
  });
  if (result.warnings.length) throw new Error(`build-cli: esbuild warnings:\n${(await esbuild.formatMessages(result.warnings, { kind: 'warning' })).join('\n')}`);
  for (const input of Object.keys(result.metafile.inputs)) {
    const rel = relative(join(repo, 'dist', 'src'), join(repo, input)).split(sep).join('/');
    if (/\bimport\(\s*[^'"\s]/.test(readFileSync(join(repo, input), 'utf8')) && !DYNAMIC_IMPORTS.has(rel)) {
      throw new Error(`build-cli: ${rel} imports a computed specifier: make the import literal so that it is bundled, or list the module in DYNAMIC_IMPORTS if it loads a package`);
    }
  }
  const code = result.outputFiles[0].text.replace(/^#!.*\n/, '');
  if (/\bimport\(/.test(code)) throw new Error('build-cli: the bundle holds an import() (a vm.Script cannot run it): import packages through IMPORT_FUNCTION');
  if (/[^\x00-\x7f]/.test(code)) throw new Error('build-cli: the bundle is not ASCII (bin.cts reads it as latin1): write the character as an escape (\\u00b5) where esbuild leaves it as is (a regular expression)');
  const id = createHash('sha256').update(code).digest('hex');
  // Already wrapped as bin.cjs calls it (see openBundle): V8 compiles the file's text as it is,
  // without a copy of 800 kB to add the wrapper at every start.
  writeFileSync(BUNDLE, `// sigchain-bundle ${id}\n(function (exports, require, module, __filename, __dirname, ${IMPORT_FUNCTION}) {${code}\n})`);
  return true;
}

/** Runs TRAINING with the bundle in a child process (its output discarded) and writes the cache. */
function trainCodeCache() {
  const home = mkdtempSync(join(tmpdir(), 'sigchain-build-cli-'));
  try {
    const env = { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file' };
    const made = spawnSync(process.execPath, [join(cliDir, 'main.js'), 'add', 'operator', 'O'], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`build-cli: add operator failed: ${made.stderr}`);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--train'], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-cli: training the code cache failed: ${r.stderr}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--train') {
  const { openBundle } = createRequire(import.meta.url)(join(cliDir, 'bin.cjs'));
  const cli = openBundle(false);
  for (const argv of TRAINING) {
    const code = await cli.main(argv);
    if (code !== 0) throw new Error(`sigchain ${argv.join(' ')} exited ${code}`);
  }
  cli.saveCodeCache();
} else if (await bundle()) {
  trainCodeCache();
}
