// A bounded slice of the Go differential, run only where Go and nats-io/jwt v2 are installed
// (Debian: golang-go golang-github-nats-io-jwt-dev); elsewhere it is skipped with the reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpus } from './corpus.js';
import { GoOracle, compare, goOracle, tsJudge } from './differential.js';
import { resign } from './mutators.js';
import { Rng, mix } from './rng.js';
import { SLICE_SEED } from './slice.js';

const RUNS = 250;
const oracle = goOracle();
const skip = 'reason' in oracle ? `Go differential not run: ${oracle.reason}` : false;

test('differential (needs Go + nats-io/jwt v2): the genuine corpus is read alike by sigchain and Go', { skip }, async () => {
  const go = new GoOracle((oracle as { bin: string }).bin);
  const c = corpus();
  const answers = await go.judge(c.tokens);
  go.close();
  c.tokens.forEach((t, i) => assert.equal(compare(answers[i]!, tsJudge(t)), undefined, `corpus token ${i}`));
  assert.ok(answers.every((a) => a.accept), 'Go accepts every genuine corpus token');
});

test(`differential (needs Go + nats-io/jwt v2): ${RUNS} re-signed tokens, no false accept or reading difference`, { skip }, async () => {
  const go = new GoOracle((oracle as { bin: string }).bin);
  const c = corpus();
  const inputs = Array.from({ length: RUNS }, (_, i) => resign(new Rng(mix(SLICE_SEED, 'differential', i)), c));
  const answers = await go.judge(inputs.map((r) => r.text));
  go.close();
  const found = new Map<string, string>();
  inputs.forEach((r, i) => {
    const d = compare(answers[i]!, tsJudge(r.text));
    if (d && d.cls !== 'stricter' && !found.has(`${d.cls} ${d.key}`)) found.set(`${d.cls} ${d.key}`, `${r.recipe.slice(0, 140)} → ${d.message.slice(0, 160)}`);
  });
  assert.equal(found.size, 0, `\n${[...found].slice(0, 25).map(([k, v]) => `  ${k}\n      ${v}`).join('\n')}\nReproduce: npm run fuzz -- --differential --seed ${SLICE_SEED} --runs ${RUNS}`);
});
