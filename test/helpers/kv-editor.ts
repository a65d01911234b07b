// A second machine, as a process: opens the workspace of home argv[2] on the KV store argv[3]
// and adds the tags argv[4]-0 … argv[4]-(argv[5]-1) to account A of operator O, one edit each
// (each a read-modify-write through KV). Prints {"done":N,"conflicts":N} when finished.
import { KvStore } from '../../src/store/kv/kv-store.js';
import { Workspace, editAccount } from '../../src/workspace/index.js';

const [home, store, prefix, count] = process.argv.slice(2);
const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home }, store: store!, custody: { noAudit: true } });
const n = Number(count);
for (let i = 0; i < n; i++) await editAccount(ws, { operator: 'O', account: 'A', tags: [`${prefix}-${i}`] });
process.stdout.write(`${JSON.stringify({ done: n, conflicts: (ws.store as KvStore).conflicts })}\n`);
await ws.close();
