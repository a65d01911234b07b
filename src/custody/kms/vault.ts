/**
 * The Vault transit adapter (HashiCorp Vault, and OpenBao, which keeps its API). Vault has no
 * official Node client, so this speaks its documented HTTP API with fetch:
 * `GET /v1/{mount}/keys/{name}` (the key's type, and each version's public key: for `ed25519`,
 * base64 of the 32 raw bytes) and `POST /v1/{mount}/sign/{name}` with `{ input, key_version }`
 * (pure Ed25519 over `input`; the answer is `vault:vN:BASE64`).
 *
 * Configured as cosign configures it: `VAULT_ADDR` (or `BAO_ADDR`), `VAULT_TOKEN` (or `BAO_TOKEN`,
 * else the Vault CLI's `~/.vault-token`), `TRANSIT_SECRET_ENGINE_PATH` (default `transit`), and
 * `VAULT_NAMESPACE` (Vault Enterprise / HCP namespaces). A transit key can be rotated to a new
 * version, which is another key pair: signatures are asked of the version that holds the key
 * registered, never of whichever is latest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KmsAdapter } from './adapter.js';
import { ed25519FromBase64, notEd25519 } from './public-key.js';
import { badResponse, notConfigured } from './remote.js';
import { formatKmsUri, type VaultKmsUri } from './uri.js';

interface TransitKey {
  type: string;
  latest: number;
  /** Version number → raw public key. */
  versions: Map<number, Uint8Array>;
}

/**
 * The adapter for one Vault transit key.
 *
 * @example
 * ```ts
 * const kms = vaultTransitAdapter({ scheme: 'hashivault', keyName: 'nats-operator' }, process.env);
 * ```
 */
export function vaultTransitAdapter(uri: VaultKmsUri, env: NodeJS.ProcessEnv): KmsAdapter {
  const text = formatKmsUri(uri);
  const service = 'Vault transit';
  const address = (env.VAULT_ADDR ?? env.BAO_ADDR ?? '').replace(/\/+$/, '');
  const mount = (env.TRANSIT_SECRET_ENGINE_PATH ?? 'transit').replace(/^\/+|\/+$/g, '');
  const namespace = env.VAULT_NAMESPACE ?? env.BAO_NAMESPACE;
  let token: string | undefined;
  const peer = {
    service,
    where: shownAddress(address),
    secrets: () => [token, env.VAULT_TOKEN, env.BAO_TOKEN, process.env.VAULT_TOKEN].filter((s): s is string => !!s),
  };
  const versionOf = new Map<string, number>(); // hex of a public key → the version that holds it

  const request = async (what: string, method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: unknown): Promise<Record<string, unknown>> => {
    if (!address) throw notConfigured(peer, 'VAULT_ADDR is not set (the address of Vault, e.g. https://vault.example.com:8200).');
    if (!URL.canParse(address) || !/^https?:$/.test(new URL(address).protocol)) {
      throw notConfigured(peer, `VAULT_ADDR is ${JSON.stringify(peer.where)}, not an http(s) URL such as https://vault.example.com:8200.`);
    }
    token ??= findToken(env);
    if (!token) throw notConfigured(peer, 'no Vault token: set VAULT_TOKEN, or log in with `vault login` (which writes ~/.vault-token).');
    const headers: Record<string, string> = { 'X-Vault-Token': token, 'X-Vault-Request': 'true' };
    if (namespace) headers['X-Vault-Namespace'] = namespace;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${address}/v1/${mount}/${path}/${encodeURIComponent(uri.keyName)}`, {
      method,
      headers,
      signal,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const textBody = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(textBody);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const errors = isRecord(json) && Array.isArray(json.errors) ? json.errors.filter((x) => typeof x === 'string').join('; ') : '';
      throw badResponse(peer, what, `HTTP ${res.status}${errors ? `: ${errors}` : ''}`);
    }
    if (!isRecord(json) || !isRecord(json.data)) throw badResponse(peer, what, 'the reply is not Vault JSON with a data object');
    return json.data;
  };

  const readKey = async (signal: AbortSignal): Promise<TransitKey> => {
    const data = await request('read key', 'GET', 'keys', signal);
    if (typeof data.type !== 'string') throw badResponse(peer, 'read key', 'the key has no type');
    if (data.type !== 'ed25519') throw notEd25519({ uri: text }, data.type);
    const latest = Number(data.latest_version);
    if (!Number.isInteger(latest) || latest < 1 || !isRecord(data.keys)) throw badResponse(peer, 'read key', 'latest_version or keys is missing');
    const versions = new Map<number, Uint8Array>();
    for (const [v, entry] of Object.entries(data.keys)) {
      const raw = isRecord(entry) && typeof entry.public_key === 'string' ? ed25519FromBase64(entry.public_key) : undefined;
      if (!raw || !/^[1-9]\d*$/.test(v)) throw badResponse(peer, 'read key', `version ${v} has no 32-byte base64 public_key`);
      versions.set(Number(v), raw);
      versionOf.set(Buffer.from(raw).toString('hex'), Number(v));
    }
    return { type: data.type, latest, versions };
  };

  return {
    ...peer,
    async publicKey(signal) {
      const key = await readKey(signal);
      const raw = key.versions.get(key.latest);
      if (!raw) throw badResponse(peer, 'read key', `latest_version ${key.latest} is not among the key's versions`);
      return raw;
    },
    async sign(data, publicKey, signal) {
      const hex = Buffer.from(publicKey).toString('hex');
      if (!versionOf.has(hex)) await readKey(signal);
      const version = versionOf.get(hex);
      if (version === undefined) {
        throw badResponse(peer, 'read key', `no version of ${text} holds the registered public key any more (the key was replaced or its old versions trimmed)`);
      }
      const out = await request('sign', 'POST', 'sign', signal, { input: Buffer.from(data).toString('base64'), key_version: version });
      const m = typeof out.signature === 'string' ? /^vault:v(\d+):([A-Za-z0-9+/]+={0,2})$/.exec(out.signature) : null;
      if (!m) throw badResponse(peer, 'sign', 'signature is not vault:vN:BASE64');
      if (Number(m[1]) !== version) throw badResponse(peer, 'sign', `it signed with version ${m[1]}, not ${version}`);
      const sig = new Uint8Array(Buffer.from(m[2]!, 'base64'));
      if (sig.length !== 64) throw badResponse(peer, 'sign', `signature is ${sig.length} bytes, not 64`);
      return sig;
    },
    async close() {},
  };
}

function findToken(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env.VAULT_TOKEN ?? env.BAO_TOKEN;
  if (fromEnv) return fromEnv;
  const home = env.HOME;
  if (!home) return undefined;
  try {
    // Where `vault login` leaves the token (the CLI's default token helper), as cosign reads it.
    return readFileSync(join(home, '.vault-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function shownAddress(address: string): string {
  if (!address) return '(no VAULT_ADDR)';
  try {
    const url = new URL(address);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return address;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
