#!/usr/bin/env node
// `npm install` / `npm ci` builds sigchain's two small native addons, for what Node has no API for:
// - native/peercred: the key agent learns a peer's uid (SO_PEERCRED) and switches off core
//   files. Without it `sigchain agent start` refuses to start (AGENT_FAILURE) rather than run
//   unchecked.
// - native/fscalls: atomic swaps of two names (renameat2 RENAME_EXCHANGE), a third of the work
//   per file when a compromise re-issues thousands of users, and folder-relative bulk reads
//   (openat) for listings of thousands of tokens. Without it the same work goes through node:fs:
//   the same guarantees, slower.
// It uses the node-gyp that npm ships (npm puts it on PATH for lifecycle scripts; else the copy
// inside npm). When Node's own headers are installed beside it (Debian/NodeSource:
// /usr/include/node) they are used, so no download is needed. A failed build does not fail the
// install: everything else works.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ADDONS = [
  { name: 'peercred', without: '`sigchain agent start` will refuse to start' },
  { name: 'fscalls', without: 'bulk re-issues and listings will use node:fs, slower' },
];
if (process.platform !== 'linux') {
  console.error('sigchain: the native addons are Linux-only; skipped (sigchain agent will not start here).');
  process.exit(0);
}

const prefix = dirname(dirname(process.execPath));
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.env.npm_execpath ?? ''), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));

for (const { name, without } of ADDONS) {
  const dir = join(root, 'native', name);
  if (!existsSync(join(dir, 'binding.gyp'))) continue;
  const args = ['rebuild', '--directory', dir];
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && !process.env.npm_config_nodedir) args.push(`--nodedir=${prefix}`);
  const r = candidates.length > 0
    ? spawnSync(process.execPath, [candidates[0], ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync('node-gyp', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stderr ?? String(r.error ?? ''));
    console.error(`sigchain: could not build native/${name} (see above); ${without}. Install python3, make and a C compiler, then run \`npm rebuild sigchain\` or \`node scripts/build-native.mjs\`.`);
  }
}
process.exit(0);
