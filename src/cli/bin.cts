#!/usr/bin/env node
// The `sigchain` executable (package.json "bin"). Every command is a process and scripts call it
// in loops, so what node does before a command starts is most of what a short command costs.
// - This file is CommonJS: a command that needs no ESM-only package never starts node's ESM
//   loader (resolving, reading and linking ~50 files one by one, then compiling each).
// - `--version` is answered from version.cjs alone.
// - Any other command line runs the whole CLI bundled into one script, sigchain.bundle.cjs beside
//   this file (scripts/build-cli.mjs makes it from main.js during `npm run build`), compiled with
//   a V8 code cache so that node neither parses nor compiles it again on every run. The bundle
//   holds every sigchain module the CLI imports, so one process has one copy of each (of
//   errors.ts's SigchainError too); only npm packages and worker files load from outside it.
// - Without a bundle, it runs the module graph (main.js), as running main.js directly does.
// The cache is an optimisation only: a missing, stale, unreadable or corrupt cache is ignored
// (and written again), never trusted: V8 checks little more than the source's length, and
// crashes on damaged cache bytes, so the file carries its own key and checksum (codeCacheKey).
import fs = require('node:fs');
import path = require('node:path');
import { versionAnswer } from './version.cjs';

/**
 * The bundle: the CLI as one script, a first line `// sigchain-bundle <id>` and then a function
 * expression `(function (exports, require, module, __filename, __dirname, __sigchainImport) {…})`
 * that runs the CommonJS module inside (as node wraps a CommonJS file, plus the function the
 * bundle imports packages with).
 */
export const BUNDLE_FILE = path.join(__dirname, 'sigchain.bundle.cjs');
/** The bundle's V8 code cache: a header line (see codeCacheKey), then V8's bytes. */
export const CODE_CACHE_FILE = `${BUNDLE_FILE}.cache`;
const CACHE_MAGIC = 'sigchain-code-cache 1';

/** What the bundle exports (main.ts's main). */
interface Cli {
  main(argv: string[]): Promise<number>;
}

/** The bundle, running. */
export interface OpenedBundle extends Cli {
  /** Whether V8 used the code cache (false: none, stale, corrupt or rejected). */
  readonly cacheUsed: boolean;
  /** Writes a code cache of everything compiled so far (atomically; failures ignored). */
  saveCodeCache(): void;
}

/**
 * What a code cache is valid for: the bundle (the id the build wrote into it, its size and
 * modification time, so a hand edit invalidates it as a rebuild does), and node (its version and
 * architecture; V8 itself also refuses a cache made under other V8 flags).
 */
function codeCacheKey(id: string, size: number, mtimeMs: number): string {
  // Whole seconds: copies that keep the time (cp -p, utimes) often round away its sub-second part.
  return `${id} ${size} ${Math.floor(mtimeMs / 1000)} ${process.version} ${process.arch}`;
}

const sha256 = (b: Uint8Array): string => (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(b).digest('hex');

/** The V8 bytes of the cache file if its header matches `key` and its checksum holds, else undefined. */
function readCodeCache(key: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = fs.readFileSync(CODE_CACHE_FILE);
  } catch {
    return undefined;
  }
  const nl = file.indexOf(10);
  if (nl < 0 || nl > 1024) return undefined;
  const header = file.toString('latin1', 0, nl).split(' ');
  const [length, sum] = header.slice(-2);
  if (header.slice(0, -2).join(' ') !== `${CACHE_MAGIC} ${key}`) return undefined;
  const data = file.subarray(nl + 1);
  if (String(data.length) !== length || sha256(data) !== sum) return undefined;
  return data;
}

function writeCodeCache(key: string, data: Buffer): void {
  const tmp = `${CODE_CACHE_FILE}.${process.pid}.tmp`;
  try {
    // Written beside and renamed over, so that a reader never sees half a file.
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${CACHE_MAGIC} ${key} ${data.length} ${sha256(data)}\n`, 'latin1'), data]));
    fs.renameSync(tmp, CODE_CACHE_FILE);
  } catch {
    // A read-only installation runs without a cache.
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never written */
    }
  }
}

/**
 * Loads and starts the bundle (its top level only: commands are loaded when run), with the code
 * cache unless `useCache` is false. Undefined when there is no bundle.
 */
export function openBundle(useCache = true): OpenedBundle | undefined {
  let source: string;
  let mtimeMs: number;
  try {
    // The build checks that the bundle is ASCII, so latin1 reads it exactly, and faster than UTF-8.
    source = fs.readFileSync(BUNDLE_FILE, 'latin1');
    mtimeMs = fs.statSync(BUNDLE_FILE).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const vm = require('node:vm') as typeof import('node:vm');
  const Module = require('node:module') as typeof import('node:module');
  const id = source.slice(0, source.indexOf('\n'));
  const key = codeCacheKey(id.startsWith('// sigchain-bundle ') ? id.slice(19) : '-', source.length, mtimeMs);
  const cachedData = useCache ? readCodeCache(key) : undefined;
  const script = new vm.Script(source, { filename: BUNDLE_FILE, cachedData });
  const module_ = { exports: {} as Cli };
  // An `import()` inside a vm.Script would need --experimental-vm-modules (or print a warning),
  // so the build turned each into a call of __sigchainImport, and the import happens here.
  const importPackage = (specifier: string): Promise<unknown> => import(specifier);
  (script.runInThisContext() as (...a: unknown[]) => void)(module_.exports, Module.createRequire(BUNDLE_FILE), module_, BUNDLE_FILE, __dirname, importPackage);
  const cli = module_.exports;
  return {
    main: (argv) => cli.main(argv),
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    saveCodeCache: () => writeCodeCache(key, script.createCachedData()),
  };
}

/** Writes `text` to stdout now; on any failure (a non-blocking or closed pipe) the stream takes over. */
function writeStdout(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) done += fs.writeSync(1, bytes, done);
  } catch {
    process.stdout.write(bytes.subarray(done));
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const version = versionAnswer(argv);
  if (version !== undefined) {
    writeStdout(version);
  } else {
    const bundle = openBundle();
    // Once per build (or per node version): the cache holds what this command compiled.
    if (bundle && !bundle.cacheUsed) process.once('exit', () => bundle.saveCodeCache());
    (bundle ? bundle.main(argv) : import('./main.js').then((m) => m.main(argv))).then((code) => {
      process.exitCode = code;
    });
  }
}
