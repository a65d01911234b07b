#!/usr/bin/env node
// `npm install` / `npm ci` builds native/peercred, the addon sigchain's key agent needs to learn a
// peer's uid (SO_PEERCRED) and to switch off core files. It uses the node-gyp that npm ships
// (npm puts it on PATH for lifecycle scripts; else the copy inside npm). When Node's own headers
// are installed beside it (Debian/NodeSource: /usr/include/node) they are used, so no download
// is needed. A failed build does not fail the install: everything else works, and
// `sigchain agent start` then refuses to start (AGENT_FAILURE) rather than run unchecked.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'native', 'peercred');
if (process.platform !== 'linux') {
  console.error('sigchain: the key agent addon is Linux-only; skipped (sigchain agent will not start here).');
  process.exit(0);
}
if (!existsSync(join(dir, 'binding.gyp'))) process.exit(0);

const args = ['rebuild', '--directory', dir];
const prefix = dirname(dirname(process.execPath));
if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && !process.env.npm_config_nodedir) args.push(`--nodedir=${prefix}`);

const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.env.npm_execpath ?? ''), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
const r = candidates.length > 0
  ? spawnSync(process.execPath, [candidates[0], ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  : spawnSync('node-gyp', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  process.stderr.write(r.stderr ?? String(r.error ?? ''));
  console.error('sigchain: could not build native/peercred (see above); `sigchain agent start` will refuse to start. Install python3, make and a C compiler, then run `npm rebuild sigchain` or `node scripts/build-native.mjs`.');
}
process.exit(0);
