// fast-check properties beside the seeded mutator: arbitrary short text into every text reader,
// and arbitrary JSON values placed into genuine payloads that are then re-signed with the
// genuine key (valid signature, wrong shape) into the decoder, validation and the verifier.
// Inputs are kept short so a superlinear reader cannot stall the suite; the slices and the
// known cases cover the long inputs. These hold on the current code (short inputs, depth ≤ 3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { corpus } from './corpus.js';
import { judge } from './engine.js';
import { signRaw } from './mutators.js';
import { SLICE_SEED } from './slice.js';
import { TARGETS, caseAmbiguity } from './targets.js';

const RUNS = 100;
const c = corpus();

for (const family of ['nkeys', 'jwt', 'claims', 'creds', 'text'] as const) {
  test(`property (fast-check, ${RUNS} runs): short arbitrary text into the ${family} readers ends in a result or a coded error`, async () => {
    const targets = TARGETS.filter((t) => t.family === family && t.name !== 'nkeys.non-string');
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...c.tokens, c.creds, ...c.nkeys).chain((s) => fc.tuple(fc.nat(s.length), fc.string({ maxLength: 6 })).map(([i, ins]) => s.slice(0, i) + ins + s.slice(i + ins.length))));
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom(...targets), async (s, t) => {
        const f = await judge(t, { text: s, recipe: 'fast-check' }, SLICE_SEED, 0, { baseMs: 100, msPerKiB: 50 });
        assert.equal(f, undefined, f && `${f.target} ${f.cls}: ${f.message}${f.where ? ` at ${f.where}` : ''}`);
      }),
      { seed: SLICE_SEED, numRuns: RUNS },
    );
  });
}

function pathsOf(v: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([...path, k]);
      pathsOf(x, [...path, k], out);
    }
  }
  return out;
}

test(`property (fast-check, ${RUNS * 2} runs): a genuine payload with any JSON value at any field, re-signed, is never accepted by a TypeError and never makes the verifier throw`, async () => {
  const targets = TARGETS.filter((t) => ['claims.decodeNatsClaims', 'validate.validateClaims', 'trust.verifyChainSync'].includes(t.name));
  const edit = fc.constantFrom(...c.payloads).chain((p) => fc.tuple(fc.constant(p), fc.constantFrom(...pathsOf(p.json)), fc.jsonValue({ maxDepth: 3 })));
  await fc.assert(
    fc.asyncProperty(edit, fc.constantFrom(...targets), async ([p, path, value], t) => {
      const json = structuredClone(p.json) as Record<string, unknown>;
      let holder = json as Record<string, unknown>;
      for (const k of path.slice(0, -1)) holder = holder[k] as Record<string, unknown>;
      holder[path[path.length - 1]!] = value;
      const token = signRaw(JSON.stringify(json), p.signer);
      const f = await judge(t, { text: token, recipe: `${path.join('.')} := ${JSON.stringify(value)}` }, SLICE_SEED, 0, { baseMs: 100, msPerKiB: 50 });
      assert.equal(f, undefined, f && `${f.target} ${f.cls}: ${f.message}${f.where ? ` at ${f.where}` : ''} (${f.recipe})`);
    }),
    { seed: SLICE_SEED, numRuns: RUNS * 2 },
  );
});

test('the case oracle flags what Go would read as a field, and only that', () => {
  assert.match(caseAmbiguity({ exp: 1, EXP: 2, nats: { type: 'user' } }) ?? '', /EXP/);
  assert.match(caseAmbiguity({ nats: { type: 'user', Pub: { allow: [] } } }) ?? '', /nats\.Pub/);
  assert.match(caseAmbiguity({ nats: { type: 'user', pub: { ALLOW: [] } } }) ?? '', /ALLOW/);
  assert.match(caseAmbiguity({ nats: { type: 'account', mappings: { 'a.b': [{ Subject: 'x' }] } } }) ?? '', /Subject/);
  assert.match(caseAmbiguity({ ſub: 'x', nats: { type: 'user' } }) ?? '', /ſub/, "Go folds 'ſ' to 's'");
  // Go ignores what it has no field for, whatever its case.
  assert.equal(caseAmbiguity({ template: 'x', Template: 'x', nats: { type: 'activation', Cluster: '' } }), undefined);
  assert.equal(caseAmbiguity(JSON.parse('{"__proto__":{"typE":"operator"},"nats":{"type":"activation"}}')), undefined);
});
