// The bench's figures: ratios are paired per round, so a slow patch of the machine cancels out.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Measured } from '../../bench/harness.js';
import { figuresOf } from '../../bench/report.js';

it('a time-boxed ratio is the median of per-round ratios, not the ratio of the bests', () => {
  const m = new Measured();
  // Round 2 ran while the machine was slow for both; ours is 0.9x of the peer in every round.
  const peer = [1000, 500, 1000, 980, 1010];
  const ours = peer.map((p) => p * 0.9);
  m.rounds.set('ours', ours).set('node_crypto', peer);
  m.set('ours', Math.max(...ours)).set('node_crypto', Math.max(...peer));
  // A burst that spoils only one side of one round does not move the median.
  m.rounds.get('ours')![3] = 100;
  const f = figuresOf('trust.chain_verify_warm', m)['trust.chain_verify_warm']!;
  assert.equal(f.vs.node_crypto, 0.9);
  assert.equal(f.ops_per_s, 909);
  assert.equal(f.peers_ops_per_s.node_crypto, 1010);
  assert.deepEqual(f.goal, { peer: 'node_crypto', min_ratio: 0.9, met: true });
});

it('a one-shot figure (plain numbers) is the ratio of the two', () => {
  const f = figuresOf('reissue.users_10k', new Map([['ours', 5000], ['node_crypto', 25000], ['disk_floor', 10000]]))['reissue.users_10k']!;
  assert.equal(f.vs.node_crypto, 0.2);
  assert.equal(f.vs.disk_floor, 0.5);
  assert.deepEqual(f.goal, { peer: 'disk_floor', min_ratio: 0.4, met: true });
  const slow = figuresOf('reissue.users_10k', new Map([['ours', 3000], ['node_crypto', 25000], ['disk_floor', 10000]]))['reissue.users_10k']!;
  assert.equal(slow.goal?.met, false);
});

it('a peer measured apart (slow) is compared by its best, not paired', () => {
  const m = new Measured();
  m.rounds.set('ours', [900, 450]).set('nats_jwt', [10, 9]);
  m.set('ours', 900).set('nats_jwt', 10);
  m.unpaired.add('nats_jwt');
  assert.equal(figuresOf('jwt.user.encode', m)['jwt.user.encode']!.vs.nats_jwt, 90);
});
