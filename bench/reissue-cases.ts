/**
 * Two figures on one store of 10,000 users (1,000 in quick mode) signed by a leaked account
 * signing key, both against the bare node:crypto Ed25519 sign rate over the same bytes:
 *
 * - `reissue.resign_10k`: the re-issue work itself, on one thread, in memory: for each stored
 *   token, what `keys compromised` does per user before writing files (parse it, check its
 *   shape, re-sign its claims with the replacement key, build the creds text). Time-boxed and
 *   interleaved with the bare sign, like the other figures.
 * - `reissue.users_10k`: the whole `applyCompromise` on the store at rest, from the scan to the
 *   final filesystem sync, with the default threads: users per second. Not time-boxed: one run is
 *   one store. Its note splits the time into phases: most of it is the filesystem (two atomic
 *   file replacements per user and a sync), which no signing speed can buy back. Its peer
 *   `disk_floor` re-issues the same files afterwards with the least program possible (see
 *   `disk-floor.ts`): what this disk allows any tool, measured in the same run.
 */
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KeyPair } from '../src/nkeys/index.js';
import { syncFileSystems } from '../src/store/sync-fs.js';
import { applyCompromise } from '../src/workspace/compromise/compromised.js';
import { defaultWorkers } from '../src/workspace/compromise/reissue-pool.js';
import { UserReissuer } from '../src/workspace/compromise/reissue-users.js';
import { buildUserStore } from '../test/helpers/big-store.js';
import { type FloorUser, diskFloor } from './disk-floor.js';
import { type Settings, measure, removeLater } from './harness.js';
import { nodeKeysFor } from './node-keys.js';
import { type Figure, figuresOf } from './report.js';

/** The figures' names (kept in quick mode, where they count 1,000 users). */
const REISSUE_FIGURE = 'reissue.users_10k';
const RESIGN_FIGURE = 'reissue.resign_10k';

/** The creds text around the JWT and the seed, read from a creds file the store holds. */
function credsFrame(u: FloorUser): [string, string, string] {
  const text = readFileSync(u.credsPath, 'utf8');
  const jwt = readFileSync(u.jwtPath, 'utf8').trim();
  const seed = readFileSync(u.seedPath, 'utf8').trim();
  const j = text.indexOf(jwt);
  const s = text.indexOf(seed, j + jwt.length);
  if (j < 0 || s < 0) throw new Error(`bench: ${u.credsPath} does not hold its user's JWT and seed`);
  return [text.slice(0, j), text.slice(j + jwt.length, s), text.slice(s + seed.length)];
}

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

    // The per-user work, in memory, before the store changes.
    const replacement = KeyPair.create('account');
    const reissuer = new UserReissuer({ signer: replacement.publicKey, issuerAccount: store.accountKey, compromised: store.signingKey, iat: Math.floor(Date.now() / 1000), tag: 'bench' });
    let next = 0;
    const resignOne = (): string => {
      const u = store.users[next++ % n]!;
      const made = reissuer.resign({ token: u.token, sub: u.publicKey });
      if ('note' in made) throw new Error(`bench: a user could not be re-issued: ${made.note}`);
      const token = `${made.input}.${Buffer.from(replacement.sign(Buffer.from(made.input, 'ascii'))).toString('base64url')}`;
      return reissuer.credsText(token, u.seed);
    };
    progress(`measuring ${RESIGN_FIGURE} (ours, node_crypto)…\n`);
    const resign = await measure({ figure: RESIGN_FIGURE, cases: [{ impl: 'ours', run: resignOne }, { impl: 'node_crypto', run: () => sign(null, input, privateKey) }] }, settings);
    await reissuer.finish();
    const figures = figuresOf(RESIGN_FIGURE, resign);
    figures[RESIGN_FIGURE]!.note = 'per user: parse the stored token, check it, re-sign, build the creds text (one thread, no files)';

    // The sign rate just before: the resign figure's peer, the same sign of the same bytes.
    const before = resign.get('node_crypto')!;
    progress(`measuring ${REISSUE_FIGURE} (ours, node_crypto)…\n`);
    const r = await applyCompromise(store.ws, store.signingKey);
    if (r.reissued.length !== n || r.credsWritten !== n) throw new Error(`bench: ${r.reissued.length} users re-issued and ${r.credsWritten} creds written, expected ${n}`);
    const after = await bare();

    progress(`measuring ${REISSUE_FIGURE} (disk_floor)…\n`);
    const op = await store.ws.directoryOperator(store.operator);
    const usersDir = op.usersDir(store.account);
    const floorUsers: FloorUser[] = store.users.map((u) => ({ jwtPath: join(usersDir, `${u.name}.jwt`), credsPath: store.ws.keys.credsPath(store.operator, store.account, u.name), seedPath: store.ws.keys.keyPath(u.publicKey) }));
    const threads = defaultWorkers(n);
    const floor = await diskFloor(floorUsers, threads, credsFrame(floorUsers[0]!), [usersDir, dirname(floorUsers[0]!.credsPath)]);

    const signRate = Math.max(before, after);
    Object.assign(figures, figuresOf(REISSUE_FIGURE, new Map([['ours', n / r.seconds], ['node_crypto', signRate], ['disk_floor', floor]])));
    const f = figures[REISSUE_FIGURE]!;
    f.seconds = Number(r.seconds.toFixed(3));
    f.units = n;
    const p = r.phases;
    f.note = `${n.toLocaleString('en-US')} users re-issued (JWT + creds each) in ${r.seconds.toFixed(2)} s, ops/s = users per second: reading the store ${p.scan.toFixed(2)} s, parents ${p.parents.toFixed(2)} s, users ${p.users.toFixed(2)} s (signing and ${(2 * n).toLocaleString('en-US')} atomic file replacements), sync to disk ${p.sync.toFixed(2)} s. disk_floor (read, sign, write both files in place, one sync; ${threads === 1 ? '1 thread' : `${threads} threads`}) re-issues ${Math.round(floor).toLocaleString('en-US')} users/s = ${(floor / signRate).toFixed(2)}x of the bare sign rate: the most this machine allows any tool`;
    return figures;
  } finally {
    removeLater(home);
  }
}
