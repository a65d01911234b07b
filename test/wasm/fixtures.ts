// The WebAssembly files of test/fixtures/wascap (copied from wasmCloud's repositories, see the
// README there) with what MANIFEST.json says a correct verifier computes for each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WASCAP_FIXTURES_DIR } from '../nkeys/wascap-fixtures.js';

/** One .wasm entry of MANIFEST.json, the fields the wasm tests read. */
export interface WasmFixture {
  file: string;
  type: 'signed-module' | 'signed-component' | 'unsigned-module';
  bytes: Buffer;
  expect: {
    wasm_kind: string;
    rev3_hash: string;
    section?: 'jwt' | 'wasmcloud_jwt';
    token?: string;
    stored_hash?: string;
    raw_strip_hash?: string;
    stored_hash_equals_rev3?: boolean;
    wascap_revision?: number | null;
    verdict: { strict: string; legacy: string };
  };
}

let cache: WasmFixture[] | undefined;

/** Every .wasm file MANIFEST.json lists, read from the repository's copy. */
export function wasmFixtures(): WasmFixture[] {
  if (cache) return cache;
  const manifest = JSON.parse(readFileSync(join(WASCAP_FIXTURES_DIR, 'MANIFEST.json'), 'utf8')) as Omit<WasmFixture, 'bytes'>[];
  cache = manifest.filter((e) => e.file.endsWith('.wasm')).map((e) => ({ ...e, bytes: readFileSync(join(WASCAP_FIXTURES_DIR, e.file)) }));
  return cache;
}

/** One fixture by file name. */
export function wasmFixture(file: string): WasmFixture {
  const f = wasmFixtures().find((x) => x.file === file);
  if (!f) throw new Error(`no fixture ${file}`);
  return f;
}
