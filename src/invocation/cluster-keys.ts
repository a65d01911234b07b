/**
 * A host's cluster key and the cluster issuers it accepts, from the places wasmCloud reads them:
 * `--cluster-seed` / `--cluster-issuers C1,C2` (wasmCloud 0.82 flags), a JSON `--config FILE`
 * with `cluster_seed` / `cluster_issuers` (the OTP host's config keys), and the environment
 * variables `WASMCLOUD_CLUSTER_SEED` / `WASMCLOUD_CLUSTER_ISSUERS`. Each of the two settings is
 * taken from the first place that has it, in that order: what is on the command line (a flag, or
 * the file it names) beats the ambient environment.
 *
 * Differences from the real hosts, on purpose:
 * - A seed that is not a cluster seed is refused (`NKEY_WRONG_ROLE`, `NKEY_SEED_EXPECTED`, …);
 *   the OTP host logged it and fell back to an ad hoc key, which splits the lattice silently.
 * - Issuers must be cluster public keys (0.82 took any text, so a typo just never matched).
 * - A config file that holds a seed must not be readable by other users (`INSECURE_PERMISSIONS`).
 * - The ad hoc warning names the key and the command that exports its seed, never the seed (the
 *   OTP host printed it, and wrote it to `~/.wash/host_config.json`).
 *
 * A cluster key is an ordinary key: store it with usage `protocol` in any keyring backend
 * (`ws.custody`) and it can be exported, moved and retired like the others.
 */
import { readFileSync, statSync } from 'node:fs';
import { SigchainError, isSigchainError } from '../errors.js';
import { decodePublicKey } from '../nkeys/codec.js';
import { KeyPair } from '../nkeys/keypair.js';

/** Where the cluster settings may come from. */
export interface ClusterKeySources {
  /** `--cluster-seed SC…`. */
  clusterSeed?: string;
  /** `--cluster-issuers C1,C2` (repeatable: each text may hold a comma-separated list). */
  clusterIssuers?: string | readonly string[];
  /** `--config FILE`: a JSON object with `cluster_seed` and/or `cluster_issuers` (a list, or text with commas). */
  configFile?: string;
  /** The environment (`WASMCLOUD_CLUSTER_SEED`, `WASMCLOUD_CLUSTER_ISSUERS`); process.env when omitted. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The command the ad hoc warning names for exporting the generated seed. Default:
   * `sigchain keys export C… --output cluster.nk`, which works once the caller has stored the
   * key (usage `protocol`).
   */
  exportCommand?: (publicKey: string) => string;
}

/** Where a setting came from. */
export type ClusterKeySource = 'flag' | 'config' | 'env' | 'adhoc' | 'none';

/** A host's cluster settings. */
export interface ClusterKeys {
  /** The cluster key that signs this host's invocations (holds its seed: never print it). */
  key: KeyPair;
  /** Public keys accepted as invocation issuers: those given, then the host's own if missing. */
  issuers: string[];
  /** True when no seed was given and the key was generated here. */
  adhoc: boolean;
  seedSource: ClusterKeySource;
  issuersSource: ClusterKeySource;
  /** Set for an ad hoc key: a warning for the operator (returned, not printed; without the seed). */
  warning?: string;
}

/** The largest config file read. */
const MAX_CONFIG_BYTES = 1024 * 1024;

interface ConfigValues {
  seed?: string;
  issuers?: string[];
}

function readConfig(path: string): ConfigValues {
  let text: string;
  let mode: number;
  try {
    const s = statSync(path);
    if (!s.isFile()) throw new SigchainError('IO_ERROR', `--config ${path} is not a file.`);
    if (s.size > MAX_CONFIG_BYTES) throw new SigchainError('USAGE', `--config ${path} is larger than 1 MiB; it is not a host config file.`);
    mode = s.mode;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (isSigchainError(e)) throw e;
    throw new SigchainError('IO_ERROR', `Cannot read --config ${path}: ${(e as Error).message}`, undefined, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SigchainError('USAGE', `--config ${path} is not JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SigchainError('USAGE', `--config ${path} is not a JSON object.`);
  const v = value as Record<string, unknown>;
  const out: ConfigValues = {};
  if (Object.hasOwn(v, 'cluster_seed') && v.cluster_seed !== null && v.cluster_seed !== '') {
    if (typeof v.cluster_seed !== 'string') throw new SigchainError('USAGE', `cluster_seed in --config ${path} is not text.`);
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new SigchainError('INSECURE_PERMISSIONS', `--config ${path} holds a cluster seed and other users may read it (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${path}\` and consider the cluster key exposed.`, { path });
    }
    out.seed = v.cluster_seed;
  }
  if (Object.hasOwn(v, 'cluster_issuers') && v.cluster_issuers !== null) {
    const list = v.cluster_issuers;
    if (typeof list === 'string') out.issuers = [list];
    else if (Array.isArray(list) && list.every((x) => typeof x === 'string')) out.issuers = list as string[];
    else throw new SigchainError('USAGE', `cluster_issuers in --config ${path} is neither a list of keys nor text with commas.`);
  }
  return out;
}

function issuersFrom(texts: readonly string[], where: string): string[] {
  const out: string[] = [];
  for (const text of texts) {
    for (const part of text.split(',')) {
      const key = part.trim();
      if (key === '') continue;
      try {
        decodePublicKey(key, ['cluster']);
      } catch (e) {
        if (isSigchainError(e)) throw new SigchainError(e.code, `A cluster issuer in ${where} is refused: ${e.message}`, e.details);
        throw e;
      }
      if (!out.includes(key)) out.push(key);
    }
  }
  return out;
}

function seedFrom(text: string, where: string): KeyPair {
  try {
    return KeyPair.fromSeed(text, ['cluster']);
  } catch (e) {
    // The nkey codec's messages never quote a seed.
    if (isSigchainError(e)) throw new SigchainError(e.code, `The cluster seed in ${where} is refused: ${e.message}`, e.details);
    throw e;
  }
}

function given(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== '';
}

/**
 * Resolves a host's cluster key and issuers (see the module notes for the order of sources).
 * Throws `NKEY_*` for a seed or issuer of the wrong kind, `INSECURE_PERMISSIONS`, `IO_ERROR` or
 * `USAGE` for the config file.
 *
 * @example
 * ```ts
 * const c = resolveClusterKeys({ clusterSeed: flags['cluster-seed'], clusterIssuers: flags['cluster-issuers'], configFile: flags.config, env: process.env });
 * if (c.warning) process.stderr.write(`${c.warning}\n`);
 * signInvocation(req, c.key); verifyIssuerIn(c.issuers);
 * ```
 */
export function resolveClusterKeys(sources: ClusterKeySources = {}): ClusterKeys {
  const env = sources.env ?? process.env;
  const config = sources.configFile === undefined ? {} : readConfig(sources.configFile);

  let key: KeyPair;
  let seedSource: ClusterKeySource;
  if (given(sources.clusterSeed)) {
    key = seedFrom(sources.clusterSeed, '--cluster-seed');
    seedSource = 'flag';
  } else if (given(config.seed)) {
    key = seedFrom(config.seed, `--config ${sources.configFile}`);
    seedSource = 'config';
  } else if (given(env.WASMCLOUD_CLUSTER_SEED)) {
    key = seedFrom(env.WASMCLOUD_CLUSTER_SEED, 'WASMCLOUD_CLUSTER_SEED');
    seedSource = 'env';
  } else {
    key = KeyPair.create('cluster');
    seedSource = 'adhoc';
  }

  const flagIssuers = sources.clusterIssuers === undefined ? [] : typeof sources.clusterIssuers === 'string' ? [sources.clusterIssuers] : sources.clusterIssuers;
  let issuers: string[];
  let issuersSource: ClusterKeySource;
  if (flagIssuers.some(given)) {
    issuers = issuersFrom(flagIssuers, '--cluster-issuers');
    issuersSource = 'flag';
  } else if (config.issuers !== undefined && config.issuers.some(given)) {
    issuers = issuersFrom(config.issuers, `--config ${sources.configFile}`);
    issuersSource = 'config';
  } else if (given(env.WASMCLOUD_CLUSTER_ISSUERS)) {
    issuers = issuersFrom([env.WASMCLOUD_CLUSTER_ISSUERS], 'WASMCLOUD_CLUSTER_ISSUERS');
    issuersSource = 'env';
  } else {
    issuers = [];
    issuersSource = 'none';
  }
  // 0.82 appends its own key when missing (wasmCloud #577 dropped the earlier hard error).
  if (!issuers.includes(key.publicKey)) issuers.push(key.publicKey);

  const result: ClusterKeys = { key, issuers, adhoc: seedSource === 'adhoc', seedSource, issuersSource };
  if (result.adhoc) {
    const pub = key.publicKey;
    const exportCommand = sources.exportCommand?.(pub) ?? `sigchain keys export ${pub} --output cluster.nk`;
    result.warning = [
      `WARNING: no cluster seed was given (--cluster-seed, cluster_seed in --config, or WASMCLOUD_CLUSTER_SEED), so an ad hoc cluster key was generated: ${pub}.`,
      'Only a single-host lattice will work: other hosts refuse the invocations this host signs, and it refuses theirs; the key changes at every start.',
      `To join other hosts, export its seed with \`${exportCommand}\` and give it to them as WASMCLOUD_CLUSTER_SEED, or add ${pub} to their cluster issuers.`,
    ].join('\n');
  }
  return result;
}
