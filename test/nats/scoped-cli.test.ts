// Scoped signing keys made with the CLI alone, enforced by a real nats-server 2.9.x: the store
// comes from `edit signing-key` + `add user -K <role>`, the server config from
// `nats server-config`. The scoped user gets the template (svc.{{name()}}.>), nothing else.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cli, tempHome } from '../helpers/cli.js';
import { creds, expectPublishViolation, roundTrip, startServer, withConnection } from './helpers.js';

describe('scoped signing keys from the CLI on a real nats-server', () => {
  it('a user added with -K <role> may publish to svc.<name>.> only', async (t) => {
    const home = tempHome('sigchain-scoped-cli-');
    t.after(() => rmSync(home, { recursive: true, force: true }));
    await cli(home, ['add', 'operator', 'O', '--generate-signing-key']);
    await cli(home, ['add', 'account', 'A']);
    await cli(home, ['edit', 'signing-key', '-a', 'A', '--sk', 'generate', '--role', 'svc', '--allow-pubsub', 'svc.{{name()}}.>']);
    const added = JSON.parse((await cli(home, ['add', 'user', 'scoped', '-a', 'A', '-K', 'svc', '--json'])).stdout) as { user: { scoped: boolean; creds_path: string } };
    assert.equal(added.user.scoped, true);
    const config = (await cli(home, ['nats', 'server-config'])).stdout;

    const srv = await startServer(t, config);
    await withConnection(srv.url, creds(added.user.creds_path), async (nc) => {
      await roundTrip(nc, 'svc.scoped.x');
      await expectPublishViolation(nc, 'other.x');
      await expectPublishViolation(nc, 'svc.other.x');
    });
    assert.ok(readFileSync(added.user.creds_path, 'utf8').includes('NATS USER JWT'));
  });
});
