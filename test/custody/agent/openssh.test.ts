// An nkey in OpenSSH's own ssh-agent, loaded by real `ssh-add` from an OpenSSH key file, signs a
// NATS user JWT through the agent keyring that the official @nats-io/jwt (and sigchain's strict
// decoder) verify: ssh-ed25519 signatures are plain Ed25519 over the bytes sent.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as jwtjs from '@nats-io/jwt';
import { decodeUser } from '../../../src/claims/nats/decode.js';
import { encodeUserAsync } from '../../../src/claims/nats/encode.js';
import { newUserClaims } from '../../../src/claims/nats/user.js';
import { AgentClient } from '../../../src/custody/agent/client.js';
import { formatComment } from '../../../src/custody/agent/comment.js';
import { agentKeyring } from '../../../src/custody/agent/keyring.js';
import { isSigchainError } from '../../../src/errors.js';
import { KeyPair } from '../../../src/nkeys/keypair.js';
import { startOpensshAgent, tempDir, writeOpensshKey } from './agents.js';

const run = promisify(execFile);

describe("an nkey in OpenSSH's ssh-agent", () => {
  it('loaded by ssh-add from an OpenSSH key file, listed by ssh-add -l, signs a user JWT that @nats-io/jwt verifies', async (t) => {
    const agent = await startOpensshAgent(t);
    const dir = tempDir(t);
    const account = KeyPair.create('account');
    const file = join(dir, 'id_account');
    writeOpensshKey(file, account, formatComment(account.publicKey, ['issuing']));
    const env = { PATH: process.env.PATH, SSH_AUTH_SOCK: agent.socket };
    // ssh-keygen reads the file as a valid ed25519 key, and ssh-add loads it for 10 minutes.
    assert.match((await run('ssh-keygen', ['-y', '-f', file], { env })).stdout, /^ssh-ed25519 /);
    await run('ssh-add', ['-t', '600', file], { env });
    const listed = (await run('ssh-add', ['-l'], { env })).stdout;
    assert.match(listed, new RegExp(`sigchain:${account.publicKey} usage=issuing \\(ED25519\\)`));

    const ring = await agentKeyring({ env: { SSH_AUTH_SOCK: agent.socket } });
    const [entry] = await ring.list();
    assert.deepEqual(entry, { publicKey: account.publicKey, role: 'account', usages: ['issuing'], backend: 'agent' });
    const signer = await ring.signer(account.publicKey);
    const user = KeyPair.create('user');
    const token = await encodeUserAsync(newUserClaims('alice', user.publicKey), {
      publicKey: signer.publicKey,
      sign: (d: Uint8Array) => signer.sign(d, { usage: 'issuing', kind: 'jwt', subject: user.publicKey }),
    });
    const official = jwtjs.decode<{ type: string }>(token); // throws unless the signature verifies
    assert.equal(official.iss, account.publicKey);
    assert.equal(official.sub, user.publicKey);
    assert.equal(decodeUser(token).nats.type, 'user');
  });

  it("OpenSSH's agent refuses sigchain's --only constraint (it cannot check it), so the key is not loaded", async (t) => {
    const agent = await startOpensshAgent(t);
    const client = new AgentClient(agent.socket);
    t.after(() => client.close());
    assert.equal(await client.isSigchainAgent(), false);
    await assert.rejects(client.add(KeyPair.create('user'), { comment: 'x', only: ['nonce-claim'] }), (e) => isSigchainError(e, 'AGENT_FAILURE'));
    assert.deepEqual(await client.list(), []);
    // Lifetime is an ssh constraint both agents know.
    await client.add(KeyPair.create('user'), { comment: 'y', lifetimeSeconds: 60 });
    assert.equal((await client.list()).length, 1);
    // Refusals from OpenSSH's agent are AGENT_FAILURE (it gives no reason).
    await assert.rejects(client.sign(new Uint8Array(32).fill(9), Buffer.from('x'), { usage: 'issuing', kind: 'message' }), (e) => isSigchainError(e, 'AGENT_FAILURE'));
  });
});
