// The bounded cache behind every hot-path cache: never over its limit, entries in use kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap } from '../src/bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than its limit, and forgets what is not used', () => {
    const m = new BoundedMap<number, string>(16);
    for (let i = 0; i < 1000; i++) {
      m.set(i, `v${i}`);
      assert.ok(m.size <= 16, `size ${m.size} after ${i + 1} inserts`);
    }
    assert.equal(m.get(999), 'v999', 'the newest is kept');
    assert.equal(m.get(0), undefined, 'the oldest is gone');
    assert.equal(m.has(990), true);
    assert.equal(m.has(900), false);
  });

  it('keeps an entry that is read between inserts, however many go through', () => {
    const m = new BoundedMap<string, number>(16);
    m.set('account', 1);
    for (let i = 0; i < 10_000; i++) {
      m.set(`user${i}`, i);
      assert.equal(m.get('account'), 1, `lost after ${i + 1} inserts`);
    }
    assert.ok(m.size <= 16);
  });

  it('set replaces, delete removes, clear empties', () => {
    const m = new BoundedMap<string, number>(4);
    m.set('a', 1).set('b', 2).set('c', 3);
    m.set('a', 9);
    assert.equal(m.get('a'), 9);
    assert.equal(m.delete('b'), true);
    assert.equal(m.delete('b'), false);
    assert.equal(m.has('b'), false);
    m.clear();
    assert.equal(m.size, 0);
    assert.equal(m.get('a'), undefined);
  });
});

describe('clearCaches', () => {
  it('empties every shared cache at once, and only those', async () => {
    const { clearCaches, sharedCache } = await import('../src/bounded-map.js');
    const a = sharedCache<string, number>(8);
    const b = sharedCache<string, number>(8);
    const own = new BoundedMap<string, number>(8);
    a.set('x', 1);
    b.set('y', 2);
    own.set('z', 3);
    clearCaches();
    assert.equal(a.size + b.size, 0);
    assert.equal(own.get('z'), 3, 'a private BoundedMap is its owner\'s business');
  });
});
