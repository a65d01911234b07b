// `generate config`: nsc's spelling of `nats server-config`, the same configuration through the
// same command (--mem-resolver its default, --nats-resolver its `--resolver full`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { natsServerConfigCommand } from '../../src/cli/commands/nats-server-config.js';
import { addUser } from '../../src/workspace/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { home, signingKeyTree } from './fixtures-a.js';

describe('generate config', () => {
  it('--mem-resolver prints what nats server-config prints; --config-file writes it; a real nats-server starts on it', async (t) => {
    const h = home(t);
    const tree = await signingKeyTree(h);
    await addUser(tree.ws, 'U', { account: 'A', signer: await tree.ws.keys.getKey(tree.acctSk) });
    const ours = (await cli(h, ['generate', 'config', '--mem-resolver'])).stdout;
    assert.equal(ours, (await cli(h, ['nats', 'server-config'])).stdout);
    const file = join(h, 'server.conf');
    await cli(h, ['generate', 'config', '--mem-resolver', '--config-file', file]);
    assert.equal(readFileSync(file, 'utf8').trim(), ours.trim());
    const server = await startNatsServer(readFileSync(file, 'utf8'));
    t.after(() => server.stop());
    assert.match(server.log(), /Server is ready/);
  });

  it('no resolver, or both, is a bad command line', async (t) => {
    const h = home(t);
    await signingKeyTree(h);
    assert.equal((await runCli(h, ['generate', 'config'])).code, 2);
    assert.equal((await runCli(h, ['generate', 'config', '--mem-resolver', '--nats-resolver'])).code, 2);
  });

  it('--nats-resolver is nats server-config --resolver full; written to a file it says the accounts are pushed', async (t) => {
    const h = home(t);
    await signingKeyTree(h);
    assert.ok('resolver' in natsServerConfigCommand.options);
    const r = await runCli(h, ['generate', 'config', '--nats-resolver']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, (await cli(h, ['nats', 'server-config', '--resolver', 'full'])).stdout);
    const file = await cli(h, ['generate', 'config', '--nats-resolver', '-o', join(h, 'server.conf')]);
    assert.match(file.stderr, /full NATS resolver, system account preloaded/);
    assert.match(file.stderr, /sigchain push/);
    assert.doesNotMatch(file.stderr, /account\(s\)/);
    const mem = await cli(h, ['generate', 'config', '--mem-resolver', '-o', join(h, 'mem.conf')]);
    assert.match(mem.stderr, /with \d+ account\(s\) preloaded/);
  });
});
