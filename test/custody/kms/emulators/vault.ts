/**
 * An emulated Vault transit engine: the documented HTTP API for reading a key
 * (`GET /v1/{mount}/keys/{name}`) and signing (`POST /v1/{mount}/sign/{name}`), with real keys and
 * key versions (rotation), `X-Vault-Token` required, `X-Vault-Namespace` checked when the
 * emulator has a namespace, and errors as Vault writes them: `{"errors":[…]}`.
 */
import { type KeyObject, randomUUID, sign } from 'node:crypto';
import { type Emulator, ed25519, json, type Reply, type SeenRequest, serve } from './server.js';

/** A transit key: its type and its versions (1-based, the last is the latest). */
export interface VaultEmuKey {
  name: string;
  type: 'ed25519' | 'ecdsa-p256';
  versions: { privateKey: KeyObject; publicKey: KeyObject }[];
}

/** Starts the emulator. */
export async function startVault(opts: { token: string; keys: VaultEmuKey[]; mount?: string; namespace?: string }): Promise<Emulator> {
  const mount = opts.mount ?? 'transit';
  const impostor = ed25519();
  const errors = (status: number, ...messages: string[]): Reply => json(status, { errors: messages });
  const handle = (req: SeenRequest, emu: Emulator): Reply => {
    if (req.headers['x-vault-token'] !== opts.token) return errors(403, 'permission denied');
    if (opts.namespace && req.headers['x-vault-namespace'] !== opts.namespace) return errors(403, 'permission denied');
    const m = new RegExp(`^/v1/${mount}/(keys|sign)/([^/?]+)$`).exec(req.url);
    if (!m) return errors(404, `no handler for route "${req.url.slice(4)}". route entry not found.`);
    const [, op, name] = m as unknown as [string, string, string];
    const key = opts.keys.find((k) => k.name === decodeURIComponent(name));
    const envelope = (data: unknown) => json(200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null });
    if (op === 'keys') {
      if (req.method !== 'GET') return errors(405, 'unsupported operation');
      if (!key) return errors(404);
      const keys: Record<string, unknown> = {};
      key.versions.forEach((v, i) => {
        keys[String(i + 1)] = {
          creation_time: new Date(0).toISOString(),
          name: key.type === 'ed25519' ? 'ed25519' : 'P-256',
          public_key: key.type === 'ed25519' ? Buffer.from(String(v.publicKey.export({ format: 'jwk' }).x), 'base64url').toString('base64') : v.publicKey.export({ type: 'spki', format: 'pem' }),
        };
      });
      return envelope({
        name: key.name,
        type: key.type,
        latest_version: key.versions.length,
        min_available_version: 0,
        min_decryption_version: 1,
        supports_signing: true,
        exportable: false,
        deletion_allowed: false,
        keys,
      });
    }
    if (req.method !== 'POST' && req.method !== 'PUT') return errors(405, 'unsupported operation');
    if (!key) return errors(400, 'encryption key not found');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return errors(400, 'failed to parse JSON input');
    }
    if (typeof body.input !== 'string') return errors(400, 'missing input to process');
    const version = body.key_version === undefined || body.key_version === 0 ? key.versions.length : Number(body.key_version);
    const v = key.versions[version - 1];
    if (!v) return errors(400, 'requested version for signing does not exist');
    if (key.type !== 'ed25519') return errors(400, 'the emulator signs with ed25519 keys only');
    const signer = emu.fault === 'wrong-signature' ? impostor.privateKey : v.privateKey;
    const sig = sign(null, Buffer.from(body.input, 'base64'), signer).toString('base64');
    return envelope({ signature: `vault:v${version}:${sig}`, key_version: version });
  };
  return serve(handle);
}
