// Global flags go on either side of the command, as nsc takes them: `sigchain --data-dir D
// list accounts` reads the store in D, and `--version`/`--help` work among them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { cli, runCli } from '../helpers/cli.js';
import { home } from './fixtures-a.js';

it('reads --data-dir, --keystore-dir and --config-dir given before the command words', async (t) => {
  const h = home(t);
  const other = home(t);
  await cli(h, ['add', 'operator', 'O']);
  await cli(h, ['add', 'account', 'A']);
  const flags = ['--data-dir', join(h, 'stores'), '--keystore-dir', h, '--config-dir', h];
  const before = await runCli(other, [...flags, 'list', 'accounts', '--json']);
  assert.equal(before.code, 0, before.stdout + before.stderr);
  const after = await runCli(other, ['list', 'accounts', ...flags, '--json']);
  assert.equal(after.code, 0, after.stdout + after.stderr);
  assert.deepEqual(JSON.parse(before.stdout), JSON.parse(after.stdout));
  assert.deepEqual((JSON.parse(before.stdout).accounts as Array<{ name: string }>).map((a) => a.name).sort(), ['A', 'SYS']);
  const between = await runCli(other, ['list', ...flags, 'accounts', '--json']);
  assert.deepEqual(JSON.parse(between.stdout), JSON.parse(before.stdout));
});

it('answers --version and --help among global flags, and names a missing command', async (t) => {
  const h = home(t);
  assert.equal((await cli(h, ['--data-dir', h, '--version'])).stdout, (await cli(h, ['--version'])).stdout);
  assert.match((await cli(h, ['--data-dir', h, '--help'])).stdout, /^sigchain — /);
  assert.match((await cli(h, ['--data-dir', h, '--help', 'list', 'accounts'])).stdout, /^Usage: sigchain list accounts/);
  const none = await runCli(h, ['--data-dir', h, '--json']);
  assert.equal(none.code, 2);
  assert.equal(JSON.parse(none.stdout).error.code, 'USAGE');
});
