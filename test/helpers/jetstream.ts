// A real nats-server with JetStream on 127.0.0.1, for the KV store's tests: what
// `nats-server -js -sd DIR` runs, with its store folder in a temp dir removed on stop().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startNatsServer } from './nats-server.js';

/** Starts nats-server with JetStream (file storage in a fresh temp folder). Always `stop()` it. */
export async function startJetStream(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-js-'));
  const server = await startNatsServer(`jetstream { store_dir: ${JSON.stringify(dir)} }\n`);
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every value of every revision still held in every KV bucket of the server (the history). */
export async function everyKvRevision(url: string): Promise<Array<{ bucket: string; key: string; revision: number; value: string }>> {
  const { connect } = await import('@nats-io/transport-node');
  const { Kvm } = await import('@nats-io/kv');
  const nc = await connect({ servers: url, timeout: 3000 });
  try {
    const kvm = new Kvm(nc);
    const out: Array<{ bucket: string; key: string; revision: number; value: string }> = [];
    for await (const status of kvm.list()) {
      const kv = await kvm.open(status.bucket);
      for await (const e of await kv.history({ key: '>' })) out.push({ bucket: status.bucket, key: e.key, revision: e.revision, value: new TextDecoder().decode(e.value) });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** Writes `value` at `key` of `bucket` behind sigchain's back (a tamperer, another tool). */
export async function rawPut(url: string, bucket: string, key: string, value: string, create?: { history: number; description?: string }): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { Kvm } = await import('@nats-io/kv');
  const nc = await connect({ servers: url, timeout: 3000 });
  try {
    const kvm = new Kvm(nc);
    const kv = create ? await kvm.create(bucket, create) : await kvm.open(bucket);
    await kv.put(key, value);
  } finally {
    await nc.close();
  }
}
