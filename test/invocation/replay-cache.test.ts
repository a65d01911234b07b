// The replay cache: a second sighting inside the window is REPLAY; windows end; memory stays
// within maxSize, and a full cache refuses new IDs instead of forgetting live ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayCache } from '../../src/invocation/index.js';

const T0 = 1_700_000_000_000; // ms

describe('ReplayCache', () => {
  it('admits an ID once and refuses it again inside the window', () => {
    const c = new ReplayCache({ maxAgeSeconds: 300 });
    assert.equal(c.admit('a', undefined, T0), undefined);
    assert.equal(c.has('a', T0 + 1), true);
    assert.equal(c.admit('a', undefined, T0 + 299_999)?.code, 'REPLAY');
    // The window has ended: the token itself is stale by then (iat + max-age), so the ID may go.
    assert.equal(c.has('a', T0 + 300_000), false);
    assert.equal(c.admit('a', undefined, T0 + 300_000), undefined);
    assert.equal(c.size, 1);
  });

  it('remembers an ID until the end of its exp second when that is later than max-age', () => {
    const c = new ReplayCache({ maxAgeSeconds: 10 });
    const exp = T0 / 1000 + 3600;
    c.admit('long', exp, T0);
    c.admit('short', T0 / 1000 + 1, T0);
    assert.equal(c.admit('short', undefined, T0 + 9_999)?.code, 'REPLAY'); // max-age wins
    assert.equal(c.admit('long', undefined, exp * 1000 + 999)?.code, 'REPLAY'); // exp == now is still valid
    assert.equal(c.admit('long', undefined, (exp + 1) * 1000), undefined);
  });

  it('when full of live IDs, refuses new ones (REPLAY_CACHE_FULL) and still refuses replays', () => {
    const c = new ReplayCache({ maxAgeSeconds: 60, maxSize: 3 });
    for (const id of ['a', 'b', 'c']) assert.equal(c.admit(id, undefined, T0), undefined);
    assert.equal(c.admit('d', undefined, T0 + 1)?.code, 'REPLAY_CACHE_FULL');
    assert.equal(c.admit('a', undefined, T0 + 1)?.code, 'REPLAY'); // nothing was forgotten
    assert.equal(c.has('d', T0 + 1), false); // a refused ID is not recorded
    assert.equal(c.admit('d', undefined, T0 + 60_000), undefined); // windows ended: room again
    assert.equal(c.size, 1);
  });

  it('expires in window order whatever the admission order (a min-heap, checked against a model)', () => {
    const c = new ReplayCache({ maxAgeSeconds: 1, maxSize: 1000 });
    const model = new Map<string, number>();
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let now = T0;
    for (let i = 0; i < 20_000; i++) {
      now += rand(50);
      const id = `id${rand(3000)}`;
      const exp = rand(4) === 0 ? Math.floor(now / 1000) + rand(5) : undefined;
      for (const [k, end] of model) if (end <= now) model.delete(k);
      const expect = model.has(id) ? 'REPLAY' : model.size >= 1000 ? 'REPLAY_CACHE_FULL' : undefined;
      const got = c.admit(id, exp, now)?.code;
      assert.equal(got, expect, `step ${i}`);
      if (got === undefined) model.set(id, Math.max(now + 1000, exp === undefined ? 0 : (exp + 1) * 1000));
      assert.equal(c.size, model.size);
    }
  });

  it('refuses nonsense options', () => {
    assert.throws(() => new ReplayCache({ maxSize: 0 }), RangeError);
    assert.throws(() => new ReplayCache({ maxAgeSeconds: -1 }), RangeError);
  });
});
