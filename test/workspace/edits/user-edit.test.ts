// applyUserEdit / editSetsPermissions: nsc's permission flags applied to user claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserPermissionLimits } from '../../../src/claims/nats/types.js';
import { applyUserEdit, editSetsPermissions } from '../../../src/workspace/index.js';

describe('applyUserEdit', () => {
  it('adds allow/deny subjects without duplicates; pubsub goes to both', () => {
    const t: UserPermissionLimits = { pub: { allow: ['a'] } };
    applyUserEdit(t, { allowPub: ['a', 'b'], allowPubsub: ['c'], denySub: ['d'] });
    assert.deepEqual(t.pub, { allow: ['a', 'b', 'c'] });
    assert.deepEqual(t.sub, { allow: ['c'], deny: ['d'] });
  });

  it('rm removes a subject from every list, dropping emptied lists', () => {
    const t: UserPermissionLimits = { pub: { allow: ['a'], deny: ['x'] }, sub: { allow: ['a', 'b'] } };
    applyUserEdit(t, { rm: ['a', 'x'] });
    assert.deepEqual(t.pub, {});
    assert.deepEqual(t.sub, { allow: ['b'] });
  });

  it('response permissions, bearer, source networks, limits, connection types, times', () => {
    const t: UserPermissionLimits = {};
    applyUserEdit(t, { allowPubResponse: 3, responseTtl: 1_000_000_000, bearer: true, sourceNetwork: ['10.0.0.0/8'], subs: 5, data: 6, payload: 7, connTypes: ['websocket'], times: [{ start: '08:00:00', end: '17:00:00' }], locale: 'UTC' });
    assert.deepEqual(t.resp, { max: 3, ttl: 1_000_000_000 });
    assert.equal(t.bearer_token, true);
    assert.deepEqual(t.src, ['10.0.0.0/8']);
    assert.deepEqual([t.subs, t.data, t.payload], [5, 6, 7]);
    assert.deepEqual(t.allowed_connection_types, ['WEBSOCKET']);
    assert.deepEqual(t.times, [{ start: '08:00:00', end: '17:00:00' }]);
    assert.equal(t.times_location, 'UTC');
    applyUserEdit(t, { rmResponsePerms: true, bearer: false, rmSourceNetwork: ['10.0.0.0/8'], rmConnTypes: ['WebSocket'], rmTimes: true, locale: '' });
    for (const k of ['resp', 'bearer_token', 'src', 'allowed_connection_types', 'times', 'times_location'] as const) assert.equal(t[k], undefined, k);
  });
});

describe('editSetsPermissions', () => {
  it('is true for any permission or limit, false for removals and empty lists', () => {
    assert.equal(editSetsPermissions({ allowPub: ['a'] }), true);
    assert.equal(editSetsPermissions({ payload: 0 }), true);
    assert.equal(editSetsPermissions({ bearer: false }), true);
    assert.equal(editSetsPermissions({}), false);
    assert.equal(editSetsPermissions({ allowPub: [] }), false);
    assert.equal(editSetsPermissions({ rm: ['a'], rmTimes: true, rmResponsePerms: true }), false);
  });
});
