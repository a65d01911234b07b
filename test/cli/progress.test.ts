// The progress reporter: a throttled, redrawn bar on a terminal; a plain line per tenth, at most
// one a second, elsewhere; nothing in quiet mode except on a terminal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { progress } from '../../src/cli/output/progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 100, write: (s: string) => out.push(s) } };
}

describe('progress', () => {
  it('on a terminal: redraws one line at most every 100 ms, always the last state, then a newline', () => {
    const { out, stream } = sink(true);
    let now = 0;
    const p = progress(stream, 'users re-issued', { now: () => now });
    for (let d = 1; d <= 1000; d++) {
      now += 1; // 1 ms per user: 1 s in all
      p.update(d, 1000);
    }
    p.done();
    assert.ok(out.length >= 10 && out.length <= 13, `${out.length} writes`);
    assert.ok(out.slice(0, -1).every((s) => s.startsWith('\r[') && s.endsWith('\x1b[K')));
    assert.match(out.at(-2)!, /\] 1,000\/1,000 users re-issued  100%/);
    assert.equal(out.at(-1), '\n');
  });

  it('elsewhere: one plain line per tenth, at most one a second, and the last one always', () => {
    const { out, stream } = sink(false);
    let now = 0;
    const p = progress(stream, 'users re-issued', { now: () => now });
    for (let d = 1; d <= 10_000; d++) {
      now += 0.5; // 5 s in all: at most 5 one-second lines, plus the last
      p.update(d, 10_000);
    }
    p.done();
    assert.ok(out.length >= 5 && out.length <= 6, out.join(''));
    assert.ok(out.every((l) => /^[\d,]+\/10,000 users re-issued \(\d+%, [\d.]+ s\)\n$/.test(l)));
    assert.match(out.at(-1)!, /^10,000\/10,000 users re-issued \(100%/);
  });

  it('quiet (--json) writes nothing to a non-terminal', () => {
    const { out, stream } = sink(false);
    const p = progress(stream, 'users re-issued', { quiet: true });
    for (let d = 1; d <= 100; d++) p.update(d, 100);
    p.done();
    assert.deepEqual(out, []);
  });
});
