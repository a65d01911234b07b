// `sigchain generate nkey`: printed keys, stored keys, and when the seed may appear.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { KeyPair } from '../../src/nkeys/index.js';
import { cli, runCli } from '../helpers/cli.js';
import { home, json, mode } from './fixtures-a.js';

const SEED = /S[A-Z2-7]{57}/;

it('without --store: the seed then the public key on stdout, and nothing on disk', async (t) => {
  const h = home(t);
  for (const [flag, letter] of [['--user', 'U'], ['-x', 'X'], ['--service', 'V']] as const) {
    const r = await cli(h, ['generate', 'nkey', flag]);
    const [seed, pub, ...rest] = r.stdout.split('\n');
    assert.deepEqual(rest, ['']);
    assert.equal(KeyPair.fromSeed(seed!).publicKey, pub, 'the seed is the key of the printed public key');
    assert.equal(pub![0], letter);
  }
  assert.equal(existsSync(join(h, 'keys')), false);
  const out = json((await cli(h, ['generate', 'nkey', '--account', '--json'])).stdout);
  assert.deepEqual(Object.keys(out).sort(), ['public_key', 'role', 'seed']);
  assert.equal(out.role, 'account');
  assert.equal(KeyPair.fromSeed(out.seed).publicKey, out.public_key);
});

it('--store: the public key and where it is stored, no seed unless --show-seed; file 0600 in 0700 folders', async (t) => {
  const h = home(t);
  const r = await cli(h, ['generate', 'nkey', '--operator', '--store']);
  const [pub, line, ...rest] = r.stdout.split('\n');
  assert.deepEqual(rest, ['']);
  const path = join(h, 'keys', 'O', pub!.slice(1, 3), `${pub}.nk`);
  assert.equal(line, `operator key stored ${path}`);
  assert.doesNotMatch(r.stdout + r.stderr, SEED);
  assert.equal(KeyPair.fromSeed(readFileSync(path, 'utf8')).publicKey, pub);
  assert.equal(mode(path), 0o600);
  assert.equal(mode(dirname(path)), 0o700);
  assert.equal(mode(join(h, 'keys')), 0o700);

  const shown = await cli(h, ['generate', 'nkey', '-a', '-S', '--show-seed']);
  const [seed, apub, aline] = shown.stdout.split('\n');
  assert.equal(KeyPair.fromSeed(seed!).publicKey, apub);
  assert.equal(readFileSync(aline!.replace('account key stored ', ''), 'utf8'), seed);
});

it('--store --json gives {role, public_key, path} (what scripts/quickstart.sh reads), no seed', async (t) => {
  const h = home(t);
  const out = json((await cli(h, ['generate', 'nkey', '--account', '--store', '--json'])).stdout);
  assert.deepEqual(Object.keys(out).sort(), ['backend', 'path', 'public_key', 'role']);
  assert.equal(out.role, 'account');
  assert.equal(KeyPair.fromSeed(readFileSync(out.path, 'utf8')).publicKey, out.public_key);
  const withSeed = json((await cli(h, ['generate', 'nkey', '--cluster', '--store', '--show-seed', '--json'])).stdout);
  assert.equal(KeyPair.fromSeed(withSeed.seed).publicKey, withSeed.public_key);
  assert.equal(withSeed.public_key[0], 'C');
});

it('needs exactly one role flag (USAGE, exit 2) and --show-seed only with --store', async (t) => {
  const h = home(t);
  for (const args of [[], ['--operator', '--account'], ['--user', '--show-seed'], ['--user', 'extra']]) {
    const r = await runCli(h, ['generate', 'nkey', ...args, '--json']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.equal(json(r.stdout).error.code, 'USAGE');
    assert.doesNotMatch(r.stdout + r.stderr, SEED, 'no key was generated and printed');
  }
});
