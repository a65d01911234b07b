/**
 * `wasm.hash_10mib_component`: wascap's revision-3 module hash of a 10 MiB component against a
 * bare SHA-256 of the same bytes (node:crypto), the floor of any implementation: the hash must
 * cost little more than the SHA-256 it ends in (goal 0.8x). Also the legacy hash, which skips
 * the rewrite. The component is made here, deterministically: eight nested core modules of
 * about 1.25 MiB (half with rustc's five-byte padded lengths, which the hash rewrites), custom
 * sections, and a token section the hash leaves out.
 */
import { createHash } from 'node:crypto';
import { computeLegacyModuleHash, computeModuleHash, embedToken, readEmbeddedToken } from '../src/wasm/index.js';
import type { Group } from './harness.js';

const MODULE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const COMPONENT = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

function leb(n: number, pad: boolean): number[] {
  const out: number[] = [];
  for (let i = 0, v = n; ; i++) {
    const more = pad ? i < 4 : v >= 0x80;
    out.push((v & 0x7f) | (more ? 0x80 : 0));
    v = Math.floor(v / 128);
    if (!more) return out;
  }
}

function section(id: number, content: Uint8Array, pad: boolean): Buffer {
  return Buffer.concat([Buffer.from([id, ...leb(content.length, pad)]), content]);
}

function customSection(name: string, payload: Uint8Array, pad: boolean): Buffer {
  const n = Buffer.from(name);
  return section(0, Buffer.concat([Buffer.from(leb(n.length, false)), n, payload]), pad);
}

/** Deterministic filler (xorshift), so every run hashes the same bytes. */
function filler(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** A component of `size` bytes or a little more, made of eight core modules and custom sections. */
export function syntheticComponent(size = 10 << 20): Buffer {
  const modules: Buffer[] = [];
  const perModule = Math.floor(size / 8);
  for (let m = 0; m < 8; m++) {
    const pad = m % 2 === 0;
    const parts = [Buffer.from(MODULE), section(1, filler(300, m + 1), pad), section(2, filler(2000, m + 11), pad), section(3, filler(800, m + 21), pad)];
    const code = Math.floor(perModule * 0.8);
    parts.push(section(10, filler(code, m + 31), pad), section(11, filler(Math.floor(perModule * 0.13), m + 41), pad));
    parts.push(customSection('name', filler(Math.floor(perModule * 0.08), m + 51), pad), customSection('producers', filler(200, m + 61), pad));
    modules.push(section(1, Buffer.concat(parts), false));
  }
  const body = Buffer.concat([Buffer.from(COMPONENT), section(7, filler(400, 71), false), ...modules, section(6, filler(300, 81), false), customSection('producers', filler(50, 91), false)]);
  return Buffer.from(embedToken(body, 'eyJ0eXAiOiJqd3QiLCJhbGciOiJFZDI1NTE5In0.e30.c2ln'));
}

/** The wasm figures: the module hash of one 10 MiB component against bare SHA-256 of it. */
export function wasmGroups(): Group[] {
  const bytes = syntheticComponent();
  const bare = (): string => createHash('sha256').update(bytes).digest('hex');
  // Every implementation must agree with what it claims before it is timed.
  if (computeModuleHash(bytes) === bare().toUpperCase()) throw new Error('bench: the module hash did not leave the token section out');
  if (readEmbeddedToken(bytes)?.section !== 'wasmcloud_jwt') throw new Error('bench: the synthetic component has no token');
  if (bytes.length < 10 << 20) throw new Error('bench: the synthetic component is under 10 MiB');
  return [
    {
      figure: 'wasm.hash_10mib_component',
      cases: [
        { impl: 'ours', run: () => computeModuleHash(bytes) },
        { impl: 'node_crypto', run: bare },
        { impl: 'ours_legacy', run: () => computeLegacyModuleHash(bytes) },
      ],
    },
  ];
}
