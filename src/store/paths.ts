/**
 * Where sigchain keeps things, and why there. Two layouts share one shape:
 *
 * - **sigchain mode** (default): one home, `$SIGCHAIN_HOME` or `$XDG_DATA_HOME/sigchain`
 *   (`~/.local/share/sigchain`), holding `stores/`, the key store (`keys/`, `creds/`) and `config.json`.
 * - **nsc mode** (`--nsc` or `SIGCHAIN_NSC=1`): nsc's own folders, used in place, so nsc and
 *   sigchain share operators, keys and the current context.
 *
 * In both modes the flags `--data-dir`, `--keystore-dir`, `--config-dir` and nsc's env vars
 * `NKEYS_PATH` (key store) and `NSC_HOME` (config folder) override the defaults, as nsc accepts them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The environment the paths come from; `process.env` in the CLI, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Flags that move folders (nsc: `--data-dir`, `--keystore-dir`, `--config-dir`). */
export interface PathFlags {
  /** Folder holding the operator stores. */
  dataDir?: string;
  /** Key store root, holding `keys/` and `creds/`. */
  keystoreDir?: string;
  /** Folder of the context file. */
  configDir?: string;
  /** Use nsc's folders and `nsc.json` in place. */
  nsc?: boolean;
}

/** A resolved path and, in words, where it came from (for `sigchain env`). */
export interface ResolvedPath {
  readonly path: string;
  readonly source: string;
}

/** Every folder and file the store uses. */
export interface StorePaths {
  /** `sigchain` (own home) or `nsc` (nsc's folders in place). */
  readonly mode: 'sigchain' | 'nsc';
  /** Why that mode: `flag --nsc`, `$SIGCHAIN_NSC` or `default`. */
  readonly modeSource: string;
  /** sigchain home; in nsc mode, nsc's data folder (`…/nats/nsc`). */
  readonly home: ResolvedPath;
  /** Folder of operator stores: `<storesDir>/<Operator>/.nsc`. */
  readonly storesDir: ResolvedPath;
  /** Key store root: `<keystoreDir>/keys/<X>/<YZ>/<PUB>.nk`, `<keystoreDir>/creds/<Op>/<Acct>/<User>.creds`. */
  readonly keystoreDir: ResolvedPath;
  /** Folder of the context file. */
  readonly configDir: ResolvedPath;
  /** The context file: `config.json`, or `nsc.json` in nsc mode. */
  readonly configFile: ResolvedPath;
  /** `NSC_NO_GIT_IGNORE` is set: do not write a `.gitignore` in the key store. */
  readonly noGitIgnore: boolean;
}

/** Values of `SIGCHAIN_NSC` that turn nsc mode on. */
const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

function set(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

function userHome(env: Env): string {
  return set(env, 'HOME') ?? homedir();
}

// Flags may be typed as `~/x` or relative; resolve them once so every path printed is absolute.
function expand(p: string, env: Env): string {
  if (p === '~') return userHome(env);
  if (p.startsWith('~/')) return join(userHome(env), p.slice(2));
  return isAbsolute(p) ? p : resolve(p);
}

function xdg(env: Env, name: 'XDG_DATA_HOME' | 'XDG_CONFIG_HOME'): ResolvedPath {
  const v = set(env, name);
  if (v) return { path: expand(v, env), source: `$${name}` };
  const fallback = name === 'XDG_DATA_HOME' ? join(userHome(env), '.local', 'share') : join(userHome(env), '.config');
  return { path: fallback, source: `default (~/${name === 'XDG_DATA_HOME' ? '.local/share' : '.config'})` };
}

function pick(flag: string | undefined, flagName: string, env: Env, envName: string | undefined, fallback: () => ResolvedPath): ResolvedPath {
  if (flag) return { path: expand(flag, env), source: `flag --${flagName}` };
  const fromEnv = envName ? set(env, envName) : undefined;
  if (envName && fromEnv) return { path: expand(fromEnv, env), source: `$${envName}` };
  return fallback();
}

/**
 * True when nsc mode is asked for, by flag or by `SIGCHAIN_NSC` (1, true, yes, on).
 *
 * @example
 * ```ts
 * isNscMode({ SIGCHAIN_NSC: '1' }); // true
 * ```
 */
export function isNscMode(env: Env, flags: PathFlags = {}): boolean {
  return flags.nsc === true || TRUTHY.has((env.SIGCHAIN_NSC ?? '').trim().toLowerCase());
}

/**
 * The sigchain home: `$SIGCHAIN_HOME`, else `$XDG_DATA_HOME/sigchain`, else `~/.local/share/sigchain`.
 *
 * @example
 * ```ts
 * sigchainHome({ HOME: '/home/me' }).path; // '/home/me/.local/share/sigchain'
 * ```
 */
export function sigchainHome(env: Env): ResolvedPath {
  const explicit = set(env, 'SIGCHAIN_HOME');
  if (explicit) return { path: expand(explicit, env), source: '$SIGCHAIN_HOME' };
  const data = xdg(env, 'XDG_DATA_HOME');
  return { path: join(data.path, 'sigchain'), source: `${data.source} + /sigchain` };
}

// nsc reads its store root from nsc.json when no --data-dir is given; sharing a context means doing the same.
function storeRootFromNscJson(file: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const root = (parsed as { store_root?: unknown })?.store_root;
    return typeof root === 'string' && root !== '' ? root : undefined;
  } catch {
    return undefined;
  }
}

function resolveNsc(env: Env, flags: PathFlags): StorePaths {
  const home = userHome(env);
  const data = xdg(env, 'XDG_DATA_HOME');
  const config = xdg(env, 'XDG_CONFIG_HOME');
  const nscData = join(data.path, 'nats', 'nsc');
  // nsc falls back to its legacy folders only when the new one is absent and the old one is there (home/home.go).
  const dataHome = (sub: 'stores' | 'keys'): ResolvedPath => {
    const fresh = join(nscData, sub);
    const legacy = sub === 'keys' ? join(home, '.nkeys') : join(home, '.nsc', 'nats');
    if (!existsSync(fresh) && existsSync(legacy)) return { path: legacy, source: `nsc legacy default (~/${sub === 'keys' ? '.nkeys' : '.nsc/nats'})` };
    return { path: fresh, source: `nsc default (${data.source} + /nats/nsc/${sub})` };
  };
  const configDir = pick(flags.configDir, 'config-dir', env, 'NSC_HOME', () => {
    const fresh = join(config.path, 'nats', 'nsc');
    const legacy = join(home, '.nsc');
    if (!existsSync(join(fresh, 'nsc.json')) && existsSync(join(legacy, 'nsc.json'))) return { path: legacy, source: 'nsc legacy default (~/.nsc)' };
    return { path: fresh, source: `nsc default (${config.source} + /nats/nsc)` };
  });
  const configFile = { path: join(configDir.path, 'nsc.json'), source: `${configDir.source} + /nsc.json` };
  const storesDir = pick(flags.dataDir, 'data-dir', env, undefined, () => {
    const root = storeRootFromNscJson(configFile.path);
    return root ? { path: expand(root, env), source: `store_root in ${configFile.path}` } : dataHome('stores');
  });
  return {
    mode: 'nsc',
    modeSource: flags.nsc === true ? 'flag --nsc' : '$SIGCHAIN_NSC',
    home: { path: nscData, source: `nsc data folder (${data.source} + /nats/nsc)` },
    storesDir,
    keystoreDir: pick(flags.keystoreDir, 'keystore-dir', env, 'NKEYS_PATH', () => dataHome('keys')),
    configDir,
    configFile,
    noGitIgnore: env.NSC_NO_GIT_IGNORE !== undefined,
  };
}

/**
 * Resolves every path the store uses from an environment and the command-line flags,
 * with where each one came from. Reads the disk only to honour nsc's legacy folders and
 * the `store_root` of `nsc.json` in nsc mode.
 *
 * Precedence: flag, then nsc's env var (`NKEYS_PATH`, `NSC_HOME`), then the mode's default.
 *
 * @example
 * ```ts
 * const paths = resolvePaths(process.env, { dataDir: '/srv/stores' });
 * paths.storesDir;   // { path: '/srv/stores', source: 'flag --data-dir' }
 * paths.keystoreDir; // { path: '/home/me/.local/share/sigchain', source: '$XDG_DATA_HOME + /sigchain' }
 * ```
 */
export function resolvePaths(env: Env = process.env, flags: PathFlags = {}): StorePaths {
  if (isNscMode(env, flags)) return resolveNsc(env, flags);
  const home = sigchainHome(env);
  const under = (sub: string): ResolvedPath => ({ path: sub ? join(home.path, sub) : home.path, source: `${home.source}${sub ? ` + /${sub}` : ''}` });
  const configDir = pick(flags.configDir, 'config-dir', env, 'NSC_HOME', () => under(''));
  return {
    mode: 'sigchain',
    modeSource: 'default',
    home,
    storesDir: pick(flags.dataDir, 'data-dir', env, undefined, () => under('stores')),
    keystoreDir: pick(flags.keystoreDir, 'keystore-dir', env, 'NKEYS_PATH', () => under('')),
    configDir,
    configFile: { path: join(configDir.path, 'config.json'), source: `${configDir.source} + /config.json` },
    noGitIgnore: env.NSC_NO_GIT_IGNORE !== undefined,
  };
}

/** One row of {@link describePaths}: a label, a value and where it came from. */
export interface PathRow {
  readonly name: string;
  readonly value: string;
  readonly source: string;
}

/**
 * The rows `sigchain env` prints: the environment variables that matter (set or not) and
 * each resolved folder with its source.
 *
 * @example
 * ```ts
 * for (const r of describePaths(process.env, resolvePaths())) console.log(r.name, r.value, r.source);
 * ```
 */
export function describePaths(env: Env, paths: StorePaths): PathRow[] {
  const vars = ['SIGCHAIN_HOME', 'SIGCHAIN_NSC', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'NKEYS_PATH', 'NSC_HOME', 'NSC_NO_GIT_IGNORE'];
  const rows: PathRow[] = vars.map((v) => ({ name: `$${v}`, value: env[v] ?? '', source: env[v] === undefined ? 'not set' : 'environment' }));
  rows.push({ name: 'Mode', value: paths.mode, source: paths.modeSource });
  for (const [name, p] of [
    ['Home', paths.home],
    ['Stores Dir', paths.storesDir],
    ['Keystore Dir', paths.keystoreDir],
    ['Config Dir', paths.configDir],
    ['Config File', paths.configFile],
  ] as const) {
    rows.push({ name, value: p.path, source: p.source });
  }
  return rows;
}
