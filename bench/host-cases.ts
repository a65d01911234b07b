/**
 * End-to-end calls between two hosts over a real nats-server (issue 10 item 7): host A calls
 * the echo actor of host B with a 1 KiB body — sign with the cluster key, MessagePack, NATS
 * request, decode, verify (signature, issuer, hash, subject, URLs, age, replay cache), echo,
 * answer — and the same request/reply with the same bytes and no signing or verifying
 * (`bare_nats`) is measured alongside, so the ratio is the cost of zero trust on the wire.
 * Measured with one call in flight (latency-bound) and with 32 (throughput-bound).
 *
 * Needs the `nats-server` binary (the Debian package, as .ci/run installs): without it the
 * figures are skipped with a note saying so, never reported as zero.
 */
import { type Host, echoActor, startHost } from '../src/host/index.js';
import { KeyPair } from '../src/nkeys/keypair.js';
import { natsServerBinary, rateInFlight, startNatsServer } from './nats-server.js';
import type { Figure } from './report.js';

/**
 * The end-to-end figures (see the module notes): `host.call_1k_1_in_flight` and
 * `host.call_1k_32_in_flight`, each with its `bare_nats` peer.
 *
 * @example
 * ```ts
 * Object.assign(report.figures, await hostFigures(quick, progress));
 * ```
 */
export async function hostFigures(quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const bin = natsServerBinary();
  if (bin === undefined) {
    progress('skipping host.call_*: nats-server is not installed (apt-get install -y nats-server), so no end-to-end figure was measured\n');
    return {};
  }
  const { url, child } = await startNatsServer(bin);
  const hosts: Host[] = [];
  try {
    const key = KeyPair.create('cluster');
    const cluster = { key, issuers: [key.publicKey] };
    // A short window keeps the replay cache (one entry per call) well inside its default size.
    const a = await startHost({ natsUrl: url, cluster, actors: [echoActor()], maxAgeSeconds: 60 });
    hosts.push(a);
    const b = await startHost({ natsUrl: url, cluster, actors: [echoActor()], maxAgeSeconds: 60 });
    hosts.push(b);
    const target = b.actors[0]!.public_key;
    const body = new Uint8Array(1024).fill(0x61);
    // The peer: the same request/reply, no token, no verdict.
    const { connect } = await import('@nats-io/transport-node');
    const server = await connect({ servers: url });
    const client = await connect({ servers: url });
    server.subscribe('bench.bare', { callback: (_e, m) => void m.respond(m.data) });
    await server.flush();
    const ms = quick ? 300 : 3000;
    const rounds = quick ? 1 : 3;
    const out: Record<string, Figure> = {};
    for (const inFlight of [1, 32]) {
      const name = `host.call_1k_${inFlight}_in_flight`;
      progress(`measuring ${name} (ours, bare_nats)…\n`);
      const ours: number[] = [];
      const bare: number[] = [];
      // Warm-up, then alternate so both see the same machine state.
      await rateInFlight(() => a.call(target, 'Echo.Echo', body), inFlight, ms / 3);
      await rateInFlight(() => client.request('bench.bare', body), inFlight, ms / 3);
      for (let r = 0; r < rounds; r++) {
        ours.push(await rateInFlight(() => a.call(target, 'Echo.Echo', body), inFlight, ms));
        bare.push(await rateInFlight(() => client.request('bench.bare', body), inFlight, ms));
      }
      const best = Math.max(...ours);
      const bestBare = Math.max(...bare);
      out[name] = {
        ops_per_s: Math.round(best),
        vs: { bare_nats: Number((best / bestBare).toFixed(3)) },
        peers_ops_per_s: { bare_nats: Math.round(bestBare) },
        note: `${name}: host A calls Echo.Echo on host B over a real nats-server (127.0.0.1), 1 KiB each way, ${inFlight} call(s) in flight: signed, verified (incl. replay cache) and answered; bare_nats is the same request/reply with no token. Both hosts run in this one Node thread, so ours pays A's signing and B's verifying on one core`,
      };
    }
    await server.close();
    await client.close();
    return out;
  } finally {
    for (const h of hosts) await h.stop();
    child.kill('SIGTERM');
  }
}
