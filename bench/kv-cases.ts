/**
 * The store shared through JetStream KV (issue 11 item 7) against the directory store, in the
 * same run: reads of an account token (`kv.read_account`: the KV store also verifies the
 * token's signature on every read, the directory store only parses it) with 16 reads in flight,
 * and read-modify-write changes of one account (`kv.cas_write_account`: read, then write back
 * expecting the revision read; the directory store takes its lock and fsyncs) one at a time.
 * The server is a real nats-server with JetStream (file storage) on 127.0.0.1.
 *
 * Needs the `nats-server` binary: without it the figures are skipped with a note, never zero.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityStore } from '../src/store/store.js';
import { Workspace, addAccount, addOperator } from '../src/workspace/index.js';
import { natsServerBinary, rateInFlight, startNatsServer } from './nats-server.js';
import type { Figure } from './report.js';

async function seeded(home: string, store?: string): Promise<Workspace> {
  const ws = Workspace.open({ env: { SIGCHAIN_KEYRING_BACKEND: 'file', SIGCHAIN_HOME: home, HOME: home }, ...(store ? { store } : {}), custody: { noAudit: true } });
  await addOperator(ws, 'O');
  await addAccount(ws, 'A');
  return ws;
}

const read = (s: EntityStore) => async () => (await s.openOperator('O')).readAccountJwt('A');
const rmw = (s: EntityStore) => () =>
  s.locked(async () => {
    const op = await s.openOperator('O');
    await op.writeAccountJwt('A', await op.readAccountJwt('A'));
  });

/**
 * `kv.read_account` and `kv.cas_write_account`, each with its `directory` peer.
 *
 * @example
 * ```ts
 * Object.assign(report.figures, await kvFigures(quick, progress));
 * ```
 */
export async function kvFigures(quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const bin = natsServerBinary();
  if (bin === undefined) {
    progress('skipping kv.*: nats-server is not installed (apt-get install -y nats-server), so no KV figure was measured\n');
    return {};
  }
  const tmp = mkdtempSync(join(tmpdir(), 'sigchain-bench-kv-'));
  const { url, child } = await startNatsServer(bin, ['-js', '-sd', join(tmp, 'js')]);
  const open: Workspace[] = [];
  try {
    const kv = await seeded(join(tmp, 'kv-home'), `${url}/bench`);
    const dir = await seeded(join(tmp, 'dir-home'));
    open.push(kv, dir);
    const ms = quick ? 300 : 2000;
    const rounds = quick ? 1 : 3;
    const out: Record<string, Figure> = {};
    const cases: Array<[string, (s: EntityStore) => () => Promise<unknown>, number, string]> = [
      ['kv.read_account', read, 16, 'an account token read from the KV store (fetched, kind checked, signature verified) with 16 reads in flight, vs the directory store (file read and parsed, no signature check)'],
      ['kv.cas_write_account', rmw, 1, 'a read-modify-write of one account, one at a time: KV store = get + compare-and-set update on the revision read; directory = store lock + atomic write with fsync'],
    ];
    for (const [name, op, inFlight, note] of cases) {
      progress(`measuring ${name} (ours, directory)…\n`);
      await rateInFlight(op(kv.store), inFlight, ms / 3);
      await rateInFlight(op(dir.store), inFlight, ms / 3);
      const ours: number[] = [];
      const peer: number[] = [];
      for (let r = 0; r < rounds; r++) {
        ours.push(await rateInFlight(op(kv.store), inFlight, ms));
        peer.push(await rateInFlight(op(dir.store), inFlight, ms));
      }
      const best = Math.max(...ours);
      const bestPeer = Math.max(...peer);
      out[name] = { ops_per_s: Math.round(best), vs: { directory: Number((best / bestPeer).toFixed(3)) }, peers_ops_per_s: { directory: Math.round(bestPeer) }, note: `${note}; one nats-server with JetStream (file storage, which fsyncs on its own interval, not per write) on 127.0.0.1` };
    }
    return out;
  } finally {
    for (const ws of open) await ws.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(tmp, { recursive: true, force: true });
  }
}
