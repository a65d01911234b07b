// The wasmCloud readers the fuzzer drives (family 'wasmcloud'): wascap tokens, the wascap chain,
// WebAssembly modules (reader, both hashes, the token section, inspect) and 0.82 invocations.
// Inputs are real data, damaged: the fixture tokens and modules (test/fixtures/wascap) and an
// invocation signed here. Bytes travel as Latin-1 text so the text mutators damage them too.
import { readFileSync } from 'node:fs';
import { decodeWascap } from '../../src/claims/wascap/index.js';
import { decodeInvocationResponse, encodeInvocation, invocationToJson, readInvocation } from '../../src/invocation/index.js';
import { signInvocationSync } from '../../src/invocation/sign.js';
import { ReplayCache } from '../../src/invocation/replay-cache.js';
import { verifyInvocation } from '../../src/invocation/verify.js';
import { KeyPair } from '../../src/nkeys/index.js';
import { definePolicy } from '../../src/trust/policy.js';
import { verifyChainSync } from '../../src/trust/verify-chain.js';
import { inspectModule } from '../../src/trust/wascap/module.js';
import { computeLegacyModuleHash, computeModuleHash, parseWasm, readEmbeddedToken } from '../../src/wasm/index.js';
import { mutateText } from './mutators.js';
import type { Rng } from './rng.js';
import type { Input, Target } from './targets.js';

interface WasmCloudCorpus {
  tokens: string[];
  modules: string[];
  invocations: string[];
  issuer: string;
}

let built: WasmCloudCorpus | undefined;

const FIXTURES = new URL('../../../test/fixtures/wascap/', import.meta.url);

function corpus(): WasmCloudCorpus {
  if (built) return built;
  const manifest = readFileSync(new URL('MANIFEST.json', FIXTURES), 'utf8');
  const tokens = [...new Set([...manifest.matchAll(/"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)"/g)].map((m) => m[1]!))];
  // The small modules: a fuzz input is copied and damaged many times per second.
  const modules = ['loop.wasm', 'signed_loop.wasm'].map((f) => readFileSync(new URL(f, FIXTURES)).toString('latin1'));
  const cluster = KeyPair.create('cluster');
  const actor = (): { public_key: string; link_name: string; contract_id: string } => ({ public_key: KeyPair.create('module').publicKey, link_name: '', contract_id: '' });
  const req = signInvocationSync({ origin: actor(), target: actor(), operation: 'Echo.Echo', msg: new TextEncoder().encode('hello'), host_id: KeyPair.create('server').publicKey }, cluster);
  built = { tokens, modules, invocations: [Buffer.from(encodeInvocation(req)).toString('latin1'), invocationToJson(req)], issuer: cluster.publicKey };
  return built;
}

const bytesOf = (i: Input): Uint8Array => Buffer.from(i.text, 'latin1');

function tokenGen(rng: Rng): Input {
  return mutateText(rng, rng.pick(corpus().tokens), rng.chance(0.2));
}

function moduleGen(rng: Rng): Input {
  const m = mutateText(rng, rng.pick(corpus().modules), rng.chance(0.2));
  return { ...m, latin1: true };
}

function invocationGen(rng: Rng): Input {
  const m = mutateText(rng, rng.pick(corpus().invocations), rng.chance(0.2));
  return { ...m, latin1: true };
}

/** Runs each reader on its own: the first uncoded throw is the finding; coded refusals are fine. */
function each(calls: Array<() => unknown>): unknown[] {
  const out: unknown[] = [];
  let coded: unknown;
  for (const call of calls) {
    try {
      out.push(call());
    } catch (e) {
      if ((e as { code?: unknown })?.code === undefined) throw e;
      coded = e;
    }
  }
  if (coded && out.length === 0) throw coded;
  return out;
}

export const WASMCLOUD_TARGETS: Target[] = [
  { name: 'wasmcloud.decodeWascap', family: 'wasmcloud', gen: tokenGen, run: (i) => decodeWascap(i.text, { checkTime: false }) },
  {
    name: 'wasmcloud.verifyChain',
    family: 'wasmcloud',
    verdictOnly: true,
    gen: tokenGen,
    run: (i) => verifyChainSync(i.text, { policy: definePolicy({ trustedOperators: [] }) }),
  },
  {
    name: 'wasmcloud.wasm',
    family: 'wasmcloud',
    gen: moduleGen,
    run: (i) => {
      const b = bytesOf(i);
      return each([() => parseWasm(b), () => computeModuleHash(b), () => computeLegacyModuleHash(b), () => readEmbeddedToken(b), () => inspectModule(b), () => inspectModule(b, { allowLegacyHash: true })]);
    },
  },
  {
    name: 'wasmcloud.invocation',
    family: 'wasmcloud',
    gen: invocationGen,
    run: (i) => {
      const b = bytesOf(i);
      const req = readInvocation(b);
      // verifyInvocation promises findings, never a throw, for anything that decoded.
      return verifyInvocation(req, { issuers: [corpus().issuer], replay: new ReplayCache() });
    },
  },
  { name: 'wasmcloud.invocationResponse', family: 'wasmcloud', gen: invocationGen, run: (i) => decodeInvocationResponse(bytesOf(i)) },
];
