// The executable (package.json "bin", src/cli/bin.cts) runs the CLI bundle that `npm run build`
// makes (scripts/build-cli.mjs), with its V8 code cache; the module graph (main.js) only when
// there is no bundle. Whichever runs, a command prints the same bytes and exits the same way, and
// a code cache that is stale or damaged is ignored (and written again), never trusted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, GRAPH_CLI_PATH, cli, tempHome } from '../helpers/cli.js';

const DIST = fileURLToPath(new URL('../../', import.meta.url));
const CLI_DIR = join(DIST, 'src', 'cli');
const BUNDLE = join(CLI_DIR, 'sigchain.bundle.cjs');
const CACHE = `${BUNDLE}.cache`;

/** A loader hook that logs each `file:` URL the ESM loader loads to $SIGCHAIN_TEST_LOAD_LOG. */
const HOOK = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.SIGCHAIN_TEST_LOAD_LOG, url + '\\n');
  return next(url, context);
}`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Files under dist/ that node's ESM loader loaded. */
  esm: string[];
}

let home: string;
let scratch: string;
/** Copies of the executable made by copyOfCli, removed at the end. */
const copies: string[] = [];

function run(entry: string, args: string[]): Run {
  const dir = mkdtempSync(join(scratch, 'run-'));
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});\n`);
  const r = spawnSync(process.execPath, ['--import', register, entry, ...args], { env: { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_TEST_LOAD_LOG: log, COLUMNS: '1000' }, encoding: 'utf8' });
  const esm = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)).filter((p) => p.startsWith(DIST));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, esm };
}

/** A folder beside dist/src holding a copy of the executable (and of the bundle, unless `bundle` is false). */
function copyOfCli(bundle: boolean): string {
  // Under dist/, so that npm packages resolve; not under dist/src, which other tests walk.
  const dir = join(mkdtempSync(join(DIST, 'tmp-bundle-test-')), 'cli');
  copies.push(dir);
  mkdirSync(dir);
  for (const f of ['bin.cjs', 'version.cjs']) copyFileSync(join(CLI_DIR, f), join(dir, f));
  if (bundle) {
    copyFileSync(BUNDLE, join(dir, 'sigchain.bundle.cjs'));
    // The cache is keyed to the bundle's modification time too: keep it, so the copied cache holds.
    const { atime, mtime } = statSync(BUNDLE);
    utimesSync(join(dir, 'sigchain.bundle.cjs'), atime, mtime);
    copyFileSync(CACHE, join(dir, 'sigchain.bundle.cjs.cache'));
  } else {
    // The module graph in place (node follows the link to dist/src/cli, where main.js's imports resolve).
    symlinkSync(GRAPH_CLI_PATH, join(dir, 'main.js'));
  }
  return dir;
}

const COMMANDS: string[][] = [
  ['--version'],
  ['--version', '--json'],
  ['describe', 'operator', '--json'],
  ['describe', 'operator'],
  ['describe', 'account', 'NOPE'], // STORE_NOT_FOUND: [ERR ] on stderr, exit 1
  ['describe', 'account', 'NOPE', '--json'],
  ['list', 'nothing'], // USAGE, exit 2
];

describe('the CLI bundle', () => {
  before(async () => {
    home = tempHome('sigchain-bundle-');
    scratch = mkdtempSync(join(tmpdir(), 'sigchain-bundle-test-'));
    await cli(home, ['add', 'operator', 'O']);
  });
  after(() => {
    for (const c of copies) rmSync(join(c, '..'), { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is what the executable runs: the build made it, with its code cache, and no sigchain module loads beside it', () => {
    assert.ok(existsSync(BUNDLE) && existsSync(CACHE), 'npm run build writes the bundle and its code cache');
    assert.equal(CLI_PATH, join(CLI_DIR, 'bin.cjs'), 'package.json bin');
    for (const args of [['--version'], ['describe', 'operator', '--json']]) {
      const r = run(CLI_PATH, args);
      assert.equal(r.status, 0, r.stderr);
      // (--import hands the entry itself to the ESM loader; what it requires is not.)
      assert.deepEqual(r.esm, [CLI_PATH], `${args.join(' ')}: no other file of dist/ through node's ESM loader`);
    }
    // A copy of the executable with the bundle and nothing else of sigchain beside it works.
    const copy = copyOfCli(true);
    const r = run(join(copy, 'bin.cjs'), ['describe', 'operator', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, run(GRAPH_CLI_PATH, ['describe', 'operator', '--json']).stdout);
  });

  it('imports packages on its behalf: sealing keys with age-encryption works and warns nothing', () => {
    const h = tempHome('sigchain-bundle-');
    const r = spawnSync(process.execPath, [CLI_PATH, 'add', 'operator', 'O', '--json'], { env: { PATH: process.env.PATH, HOME: h, SIGCHAIN_HOME: h, SIGCHAIN_PASSPHRASE: 'correct horse' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Warning|experimental/i, 'no warning of node\'s');
    const keyPath = (JSON.parse(r.stdout) as { operator: { key_path: string } }).operator.key_path;
    assert.match(keyPath, /\.nk\.age$/);
    assert.ok(existsSync(keyPath), 'sealed with age-encryption');
  });

  it('prints the same bytes and exits the same way as the module graph', () => {
    for (const args of COMMANDS) {
      const graph = run(GRAPH_CLI_PATH, args);
      const bundled = run(CLI_PATH, args);
      assert.ok(graph.esm.length > 0, 'main.js run directly is the module graph');
      assert.deepEqual({ status: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }, { status: graph.status, stdout: graph.stdout, stderr: graph.stderr }, args.join(' '));
    }
    const error = run(CLI_PATH, ['describe', 'account', 'NOPE', '--json']);
    assert.equal(error.status, 1);
    assert.equal((JSON.parse(error.stdout) as { error: { code: string } }).error.code, 'STORE_NOT_FOUND');
    assert.equal(run(CLI_PATH, ['list', 'nothing']).status, 2);
  });

  it('without a bundle, the executable runs the module graph', () => {
    const copy = copyOfCli(false);
    for (const args of [['describe', 'operator', '--json'], ['describe', 'account', 'NOPE']]) {
      const r = run(join(copy, 'bin.cjs'), args);
      const graph = run(GRAPH_CLI_PATH, args);
      assert.ok(r.esm.includes(join(CLI_DIR, 'run.js')), 'the module graph ran');
      assert.deepEqual([r.status, r.stdout, r.stderr], [graph.status, graph.stdout, graph.stderr], args.join(' '));
    }
  });

  it('a stale, damaged or unreadable code cache is ignored, and written again', () => {
    const copy = copyOfCli(true);
    const cache = join(copy, 'sigchain.bundle.cjs.cache');
    const good = readFileSync(cache);
    const nl = good.indexOf(10);
    const header = good.subarray(0, nl).toString('latin1');
    const expected = run(GRAPH_CLI_PATH, ['describe', 'operator', '--json']);
    // The build's cache is used as it is (a used cache is not written again).
    const first = run(join(copy, 'bin.cjs'), ['describe', 'operator', '--json']);
    assert.deepEqual([first.status, first.stdout, first.stderr], [expected.status, expected.stdout, expected.stderr]);
    assert.ok(readFileSync(cache).equals(good), 'the valid cache is kept');
    const flipped = Buffer.from(good);
    for (let i = nl + 64; i < flipped.length; i += 4096) flipped[i] = flipped[i]! ^ 0x5a; // V8 would crash on these bytes
    const damaged: [string, Buffer | undefined][] = [
      ['bytes flipped after the header', flipped],
      ['cut short', good.subarray(0, nl + 1 + Math.floor((good.length - nl) / 2))],
      ['header only', good.subarray(0, nl + 1)],
      ['another bundle', Buffer.concat([Buffer.from(header.replace(/^(sigchain-code-cache 1 )[0-9a-f]{8}/, '$100000000'), 'latin1'), good.subarray(nl)])],
      ['another node', Buffer.concat([Buffer.from(header.replace(` ${process.version} `, ' v0.0.0 '), 'latin1'), good.subarray(nl)])],
      ['garbage', Buffer.from('not a cache at all')],
      ['empty', Buffer.alloc(0)],
      ['absent', undefined],
    ];
    for (const [what, bytes] of damaged) {
      rmSync(cache, { force: true });
      if (bytes) writeFileSync(cache, bytes);
      const r = run(join(copy, 'bin.cjs'), ['describe', 'operator', '--json']);
      assert.deepEqual([r.status, r.stdout, r.stderr], [expected.status, expected.stdout, expected.stderr], what);
      const now = readFileSync(cache);
      assert.ok(now.subarray(0, now.indexOf(10)).toString('latin1').startsWith(`sigchain-code-cache 1 ${header.split(' ')[2]!} `), `${what}: a fresh cache replaces it`);
    }
    // A cache the bundle cannot be written beside (a read-only installation) is no error either.
    rmSync(cache, { force: true });
    mkdirSync(cache); // renaming a file over a folder fails
    const r = run(join(copy, 'bin.cjs'), ['describe', 'operator', '--json']);
    assert.deepEqual([r.status, r.stdout, r.stderr], [expected.status, expected.stdout, expected.stderr], 'unwritable');
  });
});
