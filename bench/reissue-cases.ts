/**
 * `reissue.users_10k`: the time to handle a leaked account signing key that signed 10,000 users
 * (1,000 in quick mode), end to end: `applyCompromise` on a store at rest, from the scan to the
 * final filesystem sync, with the default threads. Reported as users per second, against the bare
 * node:crypto Ed25519 sign rate over the same bytes, measured before and after in the same run.
 *
 * Not a time-boxed case like the others: one run is one store, and a store of 10,000 users
 * takes longer to build than to re-issue.
 */
import { sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyPair } from '../src/nkeys/index.js';
import { syncFileSystems } from '../src/store/sync-fs.js';
import { applyCompromise } from '../src/workspace/compromised.js';
import { buildUserStore } from '../test/helpers/big-store.js';
import { type Settings, measure } from './harness.js';
import { nodeKeysFor } from './node-keys.js';
import { type Figure, figuresOf } from './report.js';

/** The figure's name (kept in quick mode, where it counts 1,000 users). */
export const REISSUE_FIGURE = 'reissue.users_10k';

/** Builds the store, measures the bare sign rate, re-issues, measures again; returns the figure. */
export async function reissueFigures(settings: Settings, quick: boolean, progress: (msg: string) => void): Promise<Record<string, Figure>> {
  const n = quick ? 1000 : 10_000;
  const home = mkdtempSync(join(tmpdir(), 'sigchain-bench-'));
  try {
    progress(`building a store of ${n.toLocaleString('en-US')} users for ${REISSUE_FIGURE}…\n`);
    const store = await buildUserStore(home, n);
    // A store at rest: the fixture's own writes must not be flushed on the re-issue's clock.
    await syncFileSystems([home]);

    const token = store.users[0]!.token;
    const input = Buffer.from(token.slice(0, token.lastIndexOf('.')), 'ascii');
    const { privateKey } = nodeKeysFor(KeyPair.create('account'));
    const bare = async (): Promise<number> => (await measure({ figure: 'bare', cases: [{ impl: 'node_crypto', run: () => sign(null, input, privateKey) }] }, settings)).get('node_crypto')!;

    const before = await bare();
    progress(`measuring ${REISSUE_FIGURE} (ours, node_crypto)…\n`);
    const r = await applyCompromise(store.ws, store.signingKey);
    if (r.reissued.length !== n || r.credsWritten !== n) throw new Error(`bench: ${r.reissued.length} users re-issued and ${r.credsWritten} creds written, expected ${n}`);
    const after = await bare();

    const figures = figuresOf(REISSUE_FIGURE, new Map([['ours', n / r.seconds], ['node_crypto', Math.max(before, after)]]));
    const f = figures[REISSUE_FIGURE]!;
    f.seconds = Number(r.seconds.toFixed(3));
    f.units = n;
    f.note = `${n.toLocaleString('en-US')} users re-issued (JWT + creds each) in ${r.seconds.toFixed(2)} s; ops/s = users per second`;
    return figures;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
