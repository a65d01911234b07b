/**
 * An emulated GCP Cloud KMS: the documented v1 REST API for the two calls an nkey needs,
 * `GET /v1/{name}/publicKey` and `POST /v1/{name}:asymmetricSign`, with real keys, a bearer token
 * required, errors as `{"error":{"code","message","status"}}`, and enums written as numbers when
 * the client asks `$alt=json;enum-encoding=int` (as the official client's REST mode does).
 */
import { type KeyObject, sign } from 'node:crypto';
import { type Emulator, ed25519, json, type Reply, type SeenRequest, serve } from './server.js';

/** A key version in the emulator. */
export interface GcpEmuKey {
  /** `projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V`. */
  name: string;
  algorithm: 'EC_SIGN_ED25519' | 'EC_SIGN_P256_SHA256';
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const ALGORITHM_NUMBER = { EC_SIGN_ED25519: 40, EC_SIGN_P256_SHA256: 12 } as const;
const SOFTWARE = 1;

/** Starts the emulator; requests must bear `token`. */
export async function startGcpKms(opts: { token: string; keys: GcpEmuKey[] }): Promise<Emulator> {
  const impostor = ed25519();
  const error = (code: number, status: string, message: string): Reply => json(code, { error: { code, message, status } });
  const handle = (req: SeenRequest, emu: Emulator): Reply => {
    if (req.headers.authorization !== `Bearer ${opts.token}`) return error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    const url = new URL(req.url, 'http://x');
    const ints = /enum-encoding=int/.test(decodeURIComponent(url.search));
    const m = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+\/cryptoKeyVersions\/[^/:]+)(\/publicKey|:asymmetricSign)$/.exec(url.pathname);
    if (!m) return error(404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
    const [, name, op] = m as unknown as [string, string, string];
    const key = opts.keys.find((k) => k.name === name);
    if (!key) return error(404, 'NOT_FOUND', `CryptoKeyVersion ${name} not found.`);
    const algorithm = ints ? ALGORITHM_NUMBER[key.algorithm] : key.algorithm;
    const protectionLevel = ints ? SOFTWARE : 'SOFTWARE';
    if (op === '/publicKey') {
      if (req.method !== 'GET') return error(405, 'INVALID_ARGUMENT', 'GET only');
      return json(200, { pem: key.publicKey.export({ type: 'spki', format: 'pem' }), algorithm, pemCrc32c: '0', name, protectionLevel });
    }
    if (req.method !== 'POST') return error(405, 'INVALID_ARGUMENT', 'POST only');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return error(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (key.algorithm !== 'EC_SIGN_ED25519') return error(400, 'FAILED_PRECONDITION', 'the emulator signs with Ed25519 keys only');
    if (body.digest !== undefined || typeof body.data !== 'string') return error(400, 'INVALID_ARGUMENT', 'Ed25519 keys sign data, not a digest: AsymmetricSignRequest.data is required.');
    const data = Buffer.from(body.data, 'base64');
    if (data.length > 65536) return error(400, 'INVALID_ARGUMENT', 'AsymmetricSignRequest.data is larger than 64 KiB.');
    const signer = emu.fault === 'wrong-signature' ? impostor.privateKey : key.privateKey;
    return json(200, { signature: sign(null, data, signer).toString('base64'), verifiedDataCrc32c: false, name, protectionLevel });
  };
  return serve(handle);
}
