/**
 * A real SoftHSM2 token for the pkcs11 tests: a fresh token directory per test file run (its own
 * softhsm2.conf, pointed to by SOFTHSM2_CONF, which the module reads at C_Initialize), initialised
 * with the real `softhsm2-util`, and read back with the real `pkcs11-tool` (OpenSC).
 *
 * When the tools are missing the tests FAIL, naming the Debian packages, unless
 * SIGCHAIN_SKIP_HSM=1 says to skip them on purpose.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultModulePaths } from '../../../src/custody/pkcs11/module.js';

/** One initialised token (more can be added to the same directory). */
export interface SoftHsm {
  readonly dir: string;
  readonly conf: string;
  readonly modulePath: string;
  readonly label: string;
  readonly pin: string;
  readonly soPin: string;
  /** A file holding the PIN and a trailing newline, as an operator would write it. */
  readonly pinFile: string;
  /** `pkcs11:token=LABEL?module-path=…&pin-source=file:PINFILE`. */
  readonly uri: string;
  /** Initialises another token in the same directory. */
  addToken(label: string, pin: string): void;
  /** Runs the real pkcs11-tool against this token directory; returns stdout. */
  pkcs11Tool(args: string[]): string;
}

const TOOLS = [
  { bin: 'softhsm2-util', pkg: 'softhsm2' },
  { bin: 'pkcs11-tool', pkg: 'opensc' },
];

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/**
 * A fresh SoftHSM2 token (label T, user PIN `pin`), or undefined after registering one test that
 * fails (tools missing) or is skipped (SIGCHAIN_SKIP_HSM=1). Sets process.env.SOFTHSM2_CONF.
 *
 * @example
 * ```ts
 * const hsm = softHsm('pkcs11 keyring');
 * if (hsm) { … tests … }
 * ```
 */
export function softHsm(suite: string, opts: { label?: string; pin?: string } = {}): SoftHsm | undefined {
  const missing = TOOLS.filter((t) => !onPath(t.bin));
  const modulePath = defaultModulePaths().find((p) => existsSync(p));
  if (missing.length || !modulePath) {
    const pkgs = [...new Set([...missing.map((t) => t.pkg), ...(modulePath ? [] : ['softhsm2'])])];
    const what = [...missing.map((t) => t.bin), ...(modulePath ? [] : ['libsofthsm2.so'])].join(', ');
    if (process.env.SIGCHAIN_SKIP_HSM === '1') {
      test(`${suite}: skipped on purpose (SIGCHAIN_SKIP_HSM=1)`, (t) => t.skip(`${what} missing`));
    } else {
      test(`${suite}: needs a real SoftHSM2 token`, () => {
        throw new Error(`${what} not found: install the Debian packages ${pkgs.join(' ')} (apt-get install ${pkgs.join(' ')}), or set SIGCHAIN_SKIP_HSM=1 to skip the HSM tests on purpose.`);
      });
    }
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sigchain-softhsm-'));
  const tokens = join(dir, 'tokens');
  execFileSync('mkdir', ['-p', tokens]);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const label = opts.label ?? 'T';
  const pin = opts.pin ?? '1234';
  const soPin = '5678';
  const init = (l: string, p: string): void => {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', l, '--pin', p, '--so-pin', soPin], { env, stdio: 'pipe' });
  };
  init(label, pin);
  const pinFile = join(dir, 'pin');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    conf,
    modulePath,
    label,
    pin,
    soPin,
    pinFile,
    uri: `pkcs11:token=${encodeURIComponent(label)}?module-path=${modulePath}&pin-source=file:${pinFile}`,
    addToken: init,
    pkcs11Tool(args: string[]): string {
      return execFileSync('pkcs11-tool', ['--module', modulePath, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    },
  };
}

/** One object of `pkcs11-tool -O` output: its header line and its `key: value` lines. */
export interface ListedObject {
  readonly header: string;
  readonly fields: Record<string, string>;
}

/**
 * Parses `pkcs11-tool -O` (OpenSC 0.23): objects start at an unindented line ("Private Key
 * Object; EC_EDWARDS"), their attributes follow indented as `name: value`.
 */
export function parseObjects(text: string): ListedObject[] {
  const out: Array<{ header: string; fields: Record<string, string> }> = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (!/^\s/.test(line)) {
      out.push({ header: line.trim(), fields: {} });
      continue;
    }
    const m = /^\s+([A-Za-z_ ]+?):\s*(.*)$/.exec(line);
    if (m && out.length) out[out.length - 1]!.fields[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}
