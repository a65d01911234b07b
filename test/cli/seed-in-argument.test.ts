// A seed is never echoed (issue 12 item 3): every registered command is run, in this process,
// with a seed in every positional position and every string flag that does not take a seed;
// each must exit 2 with SEED_IN_ARGUMENT, and nothing it writes may hold a seed-shaped string.
// In-process because the refusal comes before any command runs: ~1,500 command lines in seconds.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from '../../src/cli/command.js';
import { GLOBAL_OPTIONS } from '../../src/cli/globals.js';
import { hasSeedShape, parseCommandArgs } from '../../src/cli/parse/argv.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { run } from '../../src/cli/run.js';
import { stderr as cliStderr, stdout as cliStdout } from '../../src/cli/output/stdio.js';
import { encodeSeed } from '../../src/nkeys/codec.js';
import { KeyPair } from '../../src/nkeys/keypair.js';
import { encodeUser } from '../../src/claims/nats/encode.js';
import { newUserClaims } from '../../src/claims/nats/user.js';

const userSeed = encodeSeed('user', randomBytes(32));
const operatorSeed = encodeSeed('operator', randomBytes(32));
// The last character changed: the checksum no longer matches, and it is still refused.
const badCrc = `${userSeed.slice(0, -1)}${userSeed.endsWith('A') ? 'B' : 'A'}`;
// One character short (a truncated paste).
const truncated = operatorSeed.slice(0, -1);
const SEEDS = [userSeed, operatorSeed, badCrc, truncated];
/** Anything in the output that looks like any part of a seed: 20 base32 characters after S and a role letter. */
const SEED_TRACE = /S[OAUNCMVX][A-Z2-7]{20}/;

const home = mkdtempSync(join(tmpdir(), 'sigchain-seed-arg-'));
const env = { PATH: process.env.PATH, HOME: home, SIGCHAIN_HOME: home, SIGCHAIN_KEYRING_BACKEND: 'file' };

// The CLI writes to the descriptors until something asks for the streams (cli/output/stdio.ts):
// asking here sends every write through process.stdout/stderr.write, which capture() replaces.
cliStdout.stream();
cliStderr.stream();

/** Runs the CLI in this process, capturing what it writes. */
async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  const grab = (chunk: unknown) => {
    out += String(chunk);
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    return { code: await run(argv, env, 'test'), out };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

/** Every command line that puts `seed` where the command does not take one. */
function placements(cmd: Command, seed: string): string[][] {
  const words = [...cmd.words];
  const lines: string[][] = [];
  const maxPositions = Math.min(Math.max(cmd.args?.max ?? 0, 0), 3) + 1;
  if (!cmd.args?.seed) {
    for (let n = 0; n < maxPositions; n++) lines.push([...words, ...Array<string>(n).fill('x'), seed]);
    lines.push([...words, '--', seed]);
  }
  // Before and between the command's words: the command is then not found, and not echoed.
  lines.push([seed, ...words]);
  if (words.length > 1) lines.push([words[0]!, seed, ...words.slice(1)]);
  for (const [name, spec] of Object.entries({ ...GLOBAL_OPTIONS, ...cmd.options })) {
    if (spec.type !== 'string' || spec.seed) continue;
    lines.push([...words, `--${name}`, seed], [...words, `--${name}=${seed}`], [...words, `--${name}`, `prefix-${seed}`]);
    if (spec.short) lines.push([...words, `-${spec.short}`, seed], [...words, `-${spec.short}${seed}`]);
  }
  // An option that does not exist, spelled as the seed.
  lines.push([...words, `--${seed}`]);
  return lines;
}

describe('a seed on the command line', () => {
  it('is refused by every command, in every argument and every flag that does not take one, and never echoed', async () => {
    const start = Date.now();
    let count = 0;
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      for (const seed of SEEDS) {
        for (const argv of placements(cmd, seed)) {
          for (const json of [false, true]) {
            const line = json ? [...argv, '--json'] : argv;
            const r = await capture(line);
            count++;
            const shown = `sigchain ${line.map((a) => (hasSeedShape(a) ? '<seed>' : a)).join(' ')}`;
            assert.equal(r.code, 2, `${shown}: exit ${r.code}\n${r.out.replace(/S[OAUNCMVX][A-Z2-7]{20,}/g, '<SEED!>')}`);
            assert.match(r.out, /SEED_IN_ARGUMENT/, shown);
            assert.doesNotMatch(r.out, SEED_TRACE, `${shown} printed a seed`);
          }
        }
      }
    }
    assert.ok(count > 1000, `${count} command lines`);
    assert.ok(Date.now() - start < 60_000, `${count} command lines took ${Date.now() - start} ms`);
  });

  it('is accepted where a seed is expected: -K, --sk, --cluster-seed and keys import SEED', async () => {
    const byWords = async (words: string) => (await COMMANDS.find((c) => c.words.join(' ') === words)!.load());
    const ok = (words: string, args: string[]) => async () => parseCommandArgs(args, await byWords(words), GLOBAL_OPTIONS);
    await assert.doesNotReject(ok('add user', ['u', '-K', userSeed]));
    await assert.doesNotReject(ok('add user', ['u', `-K${userSeed}`]));
    await assert.doesNotReject(ok('add account', ['a', `--private-key=${operatorSeed}`]));
    await assert.doesNotReject(ok('edit account', ['a', '--sk', userSeed]));
    await assert.doesNotReject(ok('edit operator', ['--sk', operatorSeed]));
    await assert.doesNotReject(ok('edit signing-key', ['-a', 'A', '--sk', userSeed, '--role', 'r']));
    await assert.doesNotReject(ok('call', ['T', 'Op', '--nats-url', 'nats://x', '--cluster-seed', userSeed]));
    await assert.doesNotReject(ok('keys import', [userSeed]));
    // But only there: the same seed beside them is refused.
    await assert.rejects(ok('keys import', [userSeed, '--usage', userSeed]), /SEED_IN_ARGUMENT|seed/);
    await assert.rejects(ok('add user', [userSeed, '-K', userSeed]), (e: Error & { code?: string }) => e.code === 'SEED_IN_ARGUMENT' && !hasSeedShape(e.message));
  });

  it('is told apart from public keys and tokens', () => {
    assert.equal(hasSeedShape('UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4'), false);
    assert.equal(hasSeedShape('eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJzdWIiOiJVQUJDIn0.sig'), false);
    assert.equal(hasSeedShape(userSeed), true);
    assert.equal(hasSeedShape(`name=${badCrc},more`), true);
    // Lower-cased it is the same secret (upper-case it again): refused as a value, a path or a list item…
    for (const v of [userSeed.toLowerCase(), `./${userSeed.toLowerCase()}.creds`, `a,${userSeed.toLowerCase()}`, `--tag=${userSeed.toLowerCase()}`, userSeed.slice(0, 2) + userSeed.slice(2).toLowerCase()]) assert.equal(hasSeedShape(v), true, v.length > 10 ? v.slice(0, 10) : v);
    // …but never found inside a token, whatever runs of letters its parts hold.
    for (let i = 0; i < 300; i++) {
      const token = encodeUser(newUserClaims(`u${i}`, KeyPair.create('user').publicKey), KeyPair.create('account'));
      assert.equal(hasSeedShape(token), false, token);
    }
    assert.equal(hasSeedShape(`eyJ0eXAiOiJKV1QifQ.${userSeed.toLowerCase()}.c2ln`), false, 'a token part is not a value of its own');
  });
});
