#!/usr/bin/env node
// Writes docs/error-codes.md from the one registry of codes (src/errors.ts, compiled).
// `--check` exits 1 when the file is out of date (a test runs it).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const { ErrorCodes } = await import(new URL('../dist/src/errors.js', import.meta.url));
const target = new URL('../docs/error-codes.md', import.meta.url);
const text = [
  '# Error codes',
  '',
  'Every refusal sigchain makes carries one of these stable codes (`error.code` in the library,',
  '`{"error":{"code"}}` with `--json`, `(code X)` on the terminal). Codes are never renamed or reused.',
  'This file is generated from `src/errors.ts` by `node scripts/error-codes-doc.mjs`.',
  '',
  '| code | meaning |',
  '| --- | --- |',
  ...Object.entries(ErrorCodes).map(([code, meaning]) => `| \`${code}\` | ${meaning.replace(/\|/g, '\\|')} |`),
  '',
].join('\n');
if (process.argv.includes('--check')) {
  let current = '';
  try { current = readFileSync(target, 'utf8'); } catch {}
  if (current !== text) {
    console.error('docs/error-codes.md is out of date: run `node scripts/error-codes-doc.mjs`.');
    process.exit(1);
  }
} else {
  mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
  writeFileSync(target, text);
}
