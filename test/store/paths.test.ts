import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { describePaths, isNscMode, resolvePaths } from '../../src/store/paths.js';
import { tempDir } from './helpers/fixtures.js';

test('sigchain mode: one home under ~/.local/share/sigchain holds stores/, the key store and config.json', (t) => {
  const h = tempDir(t);
  const p = resolvePaths({ HOME: h });
  const home = join(h, '.local/share/sigchain');
  assert.equal(p.mode, 'sigchain');
  assert.equal(p.home.path, home);
  assert.equal(p.storesDir.path, join(home, 'stores'));
  assert.equal(p.keystoreDir.path, home);
  assert.equal(p.configDir.path, home);
  assert.equal(p.configFile.path, join(home, 'config.json'));
  assert.match(p.storesDir.source, /~\/\.local\/share.*\/sigchain \+ \/stores/);
  assert.equal(p.noGitIgnore, false);
});

test('$XDG_DATA_HOME and $SIGCHAIN_HOME move the home, $SIGCHAIN_HOME winning', () => {
  assert.equal(resolvePaths({ HOME: '/h', XDG_DATA_HOME: '/xdg' }).home.path, '/xdg/sigchain');
  const p = resolvePaths({ HOME: '/h', XDG_DATA_HOME: '/xdg', SIGCHAIN_HOME: '/sc' });
  assert.deepEqual(p.home, { path: '/sc', source: '$SIGCHAIN_HOME' });
  assert.equal(p.storesDir.path, '/sc/stores');
});

test('flags beat nsc env vars, which beat the home; ~ and relative flags are made absolute', () => {
  const env = { HOME: '/h', SIGCHAIN_HOME: '/sc', NKEYS_PATH: '/nk', NSC_HOME: '/nh' };
  const byEnv = resolvePaths(env);
  assert.deepEqual(byEnv.keystoreDir, { path: '/nk', source: '$NKEYS_PATH' });
  assert.deepEqual(byEnv.configDir, { path: '/nh', source: '$NSC_HOME' });
  assert.equal(byEnv.configFile.path, '/nh/config.json');
  const byFlag = resolvePaths(env, { dataDir: '~/stores', keystoreDir: 'rel/keys', configDir: '/cfg' });
  assert.deepEqual(byFlag.storesDir, { path: '/h/stores', source: 'flag --data-dir' });
  assert.deepEqual(byFlag.keystoreDir, { path: resolve('rel/keys'), source: 'flag --keystore-dir' });
  assert.deepEqual(byFlag.configDir, { path: '/cfg', source: 'flag --config-dir' });
});

test('nsc mode (flag or $SIGCHAIN_NSC) uses nsc defaults: nats/nsc/stores, nats/nsc/keys, ~/.config/nats/nsc/nsc.json', () => {
  assert.equal(isNscMode({ SIGCHAIN_NSC: '1' }), true);
  assert.equal(isNscMode({ SIGCHAIN_NSC: 'true' }), true);
  assert.equal(isNscMode({ SIGCHAIN_NSC: '0' }), false);
  assert.equal(isNscMode({}, { nsc: true }), true);
  const p = resolvePaths({ HOME: '/h', SIGCHAIN_NSC: '1', NSC_NO_GIT_IGNORE: '' });
  assert.equal(p.mode, 'nsc');
  assert.equal(p.modeSource, '$SIGCHAIN_NSC');
  assert.equal(p.storesDir.path, '/h/.local/share/nats/nsc/stores');
  assert.equal(p.keystoreDir.path, '/h/.local/share/nats/nsc/keys');
  assert.equal(p.configDir.path, '/h/.config/nats/nsc');
  assert.equal(p.configFile.path, '/h/.config/nats/nsc/nsc.json');
  assert.equal(p.noGitIgnore, true, 'NSC_NO_GIT_IGNORE counts when set, even empty (nsc uses LookupEnv)');
  const x = resolvePaths({ HOME: '/h', XDG_DATA_HOME: '/d', XDG_CONFIG_HOME: '/c' }, { nsc: true });
  assert.equal(x.modeSource, 'flag --nsc');
  assert.equal(x.storesDir.path, '/d/nats/nsc/stores');
  assert.equal(x.keystoreDir.path, '/d/nats/nsc/keys');
  assert.equal(x.configFile.path, '/c/nats/nsc/nsc.json');
  const e = resolvePaths({ HOME: '/h', NKEYS_PATH: '/nk', NSC_HOME: '/nh' }, { nsc: true });
  assert.equal(e.keystoreDir.path, '/nk');
  assert.equal(e.configFile.path, '/nh/nsc.json');
});

test("nsc mode honours nsc.json's store_root, nsc's legacy folders, and --data-dir over both", (t) => {
  const h = tempDir(t);
  mkdirSync(join(h, '.config/nats/nsc'), { recursive: true });
  writeFileSync(join(h, '.config/nats/nsc/nsc.json'), JSON.stringify({ store_root: '/elsewhere/stores', operator: 'O', account: '' }));
  mkdirSync(join(h, '.nkeys'));
  const p = resolvePaths({ HOME: h }, { nsc: true });
  assert.deepEqual(p.storesDir, { path: '/elsewhere/stores', source: `store_root in ${join(h, '.config/nats/nsc/nsc.json')}` });
  assert.equal(p.keystoreDir.path, join(h, '.nkeys'), 'legacy ~/.nkeys is used while the new folder is absent');
  mkdirSync(join(h, '.local/share/nats/nsc/keys'), { recursive: true });
  assert.equal(resolvePaths({ HOME: h }, { nsc: true }).keystoreDir.path, join(h, '.local/share/nats/nsc/keys'));
  assert.equal(resolvePaths({ HOME: h }, { nsc: true, dataDir: '/flag' }).storesDir.path, '/flag');
});

test('describePaths lists the env vars and every path with its source (for `sigchain env`)', () => {
  const env = { HOME: '/h', NKEYS_PATH: '/nk' };
  const rows = describePaths(env, resolvePaths(env));
  const row = (name: string) => rows.find((r) => r.name === name);
  assert.deepEqual(row('$NKEYS_PATH'), { name: '$NKEYS_PATH', value: '/nk', source: 'environment' });
  assert.deepEqual(row('$NSC_HOME'), { name: '$NSC_HOME', value: '', source: 'not set' });
  assert.deepEqual(row('Keystore Dir'), { name: 'Keystore Dir', value: '/nk', source: '$NKEYS_PATH' });
  assert.equal(row('Stores Dir')?.value, '/h/.local/share/sigchain/stores');
  assert.equal(row('Mode')?.value, 'sigchain');
});
