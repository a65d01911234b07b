/**
 * The bench's `ours_no_audit` agent: sigchain's agent server exactly as `agent start` runs it,
 * but with no audit hook, so the agent figures can give the audit log's share of the agent's
 * rate measured in the same run. Bench only: the command always audits.
 */
import { startAgentServer } from '../src/custody/agent/server.js';

const socket = process.argv[2];
if (!socket) throw new Error('usage: agent-no-audit.js SOCKET');
const agent = await startAgentServer({ socket });
process.once('SIGTERM', () => void agent.close().then(() => process.exit(0)));
