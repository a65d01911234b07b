// The `agent` keyring backend passes the custody contract against both real agents: OpenSSH's
// ssh-agent and sigchain's own, each started fresh per test in a temp folder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentKeyring } from '../../../src/custody/agent/keyring.js';
import { isSigchainError } from '../../../src/errors.js';
import { KeyPair, verifySignature } from '../../../src/nkeys/keypair.js';
import { keyringContract } from '../contract.js';
import { startOpensshAgent, startSigchainAgent } from './agents.js';

describe("agent keyring over OpenSSH's ssh-agent", () => {
  keyringContract({ backend: 'agent' }, async (t) => {
    const agent = await startOpensshAgent(t);
    return { ring: await agentKeyring({ env: { SSH_AUTH_SOCK: agent.socket } }), reopen: () => agentKeyring({ env: { SSH_AUTH_SOCK: agent.socket } }) };
  });
});

describe("agent keyring over sigchain's agent", () => {
  keyringContract({ backend: 'agent' }, async (t) => {
    const agent = await startSigchainAgent(t);
    return { ring: await agentKeyring({ env: { SIGCHAIN_AUTH_SOCK: agent.socket, SSH_AUTH_SOCK: '/nonexistent' } }), reopen: () => agentKeyring({ socket: agent.socket }) };
  });
});

describe('agent keyring: finding the agent', () => {
  it('no socket named is AGENT_UNAVAILABLE; a socket nobody listens on too', async () => {
    await assert.rejects(agentKeyring({ env: {} }), (e) => isSigchainError(e, 'AGENT_UNAVAILABLE'));
    await assert.rejects(agentKeyring({ env: { SSH_AUTH_SOCK: '/tmp/no-such-agent.sock' } }), (e) => isSigchainError(e, 'AGENT_UNAVAILABLE') && /no socket there/.test(e.message));
  });

  it('SIGCHAIN_AUTH_SOCK wins over SSH_AUTH_SOCK; opts.socket over both', async (t) => {
    const ours = await startSigchainAgent(t);
    const theirs = await startOpensshAgent(t);
    const a = await agentKeyring({ env: { SIGCHAIN_AUTH_SOCK: ours.socket, SSH_AUTH_SOCK: theirs.socket } });
    const k = await a.generate('account', ['issuing']);
    assert.ok(await (await agentKeyring({ socket: ours.socket, env: { SIGCHAIN_AUTH_SOCK: theirs.socket } })).has(k.publicKey));
    assert.equal(await (await agentKeyring({ env: { SSH_AUTH_SOCK: theirs.socket } })).has(k.publicKey), false);
  });

  it('a key added without a sigchain comment lists as a user key with usage authentication, and is found by any nkey of its bytes', async (t) => {
    const agent = await startOpensshAgent(t);
    const ring = await agentKeyring({ socket: agent.socket });
    const { AgentClient } = await import('../../../src/custody/agent/client.js');
    const acct = KeyPair.create('account');
    const c = new AgentClient(agent.socket);
    await c.add(acct, { comment: 'me@laptop' });
    c.close();
    const [entry] = await ring.list();
    assert.equal(entry!.role, 'user');
    assert.deepEqual(entry!.usages, ['authentication']);
    assert.ok(entry!.publicKey.startsWith('U'));
    const s = await ring.signer(acct.publicKey); // known as the account key it is
    assert.equal(s.role, 'account');
    const sig = await s.sign(Buffer.from('x'), { usage: 'authentication', kind: 'message' });
    assert.ok(verifySignature(acct.publicKey, Buffer.from('x'), sig));
    await assert.rejects(s.sign(Buffer.from('x'), { usage: 'issuing', kind: 'message' }), (e) => isSigchainError(e, 'KEY_USAGE_VIOLATION'));
  });
});
