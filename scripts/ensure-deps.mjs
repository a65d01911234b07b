#!/usr/bin/env node
// `npm test` and `npm run quickstart` work on a fresh clone: install the locked dependencies once.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.error('sigchain: installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
}
