/**
 * The GCP Cloud KMS adapter, through the official `@google-cloud/kms` client (an optional
 * dependency, loaded only when a `gcpkms://` key is used) in its REST mode (`fallback: 'rest'`,
 * HTTP/1.1 + JSON to the documented v1 API) rather than gRPC: one transport for the real service
 * and for an emulator, which REST mode also reaches over plain http (`protocol`, `port`).
 *
 * An nkey is a key version of algorithm `EC_SIGN_ED25519`: `getPublicKey` gives it as PEM, and
 * `asymmetricSign` signs the message itself (`data`, not `digest`: pure Ed25519 has no prehash).
 *
 * Credentials are Google's Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
 * `gcloud auth application-default login`, the metadata server), or an OAuth access token in
 * `GOOGLE_OAUTH_ACCESS_TOKEN` (e.g. from `gcloud auth print-access-token`). The service's address
 * is Google's unless `SIGCHAIN_GCPKMS_ENDPOINT` names another (`https://HOST[:PORT]` for a private
 * endpoint, `http://127.0.0.1:PORT` for an emulator).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type KmsAdapter, bytesOf } from './adapter.js';
import { ed25519FromSpki, notEd25519 } from './public-key.js';
import { badResponse, notConfigured } from './remote.js';
import { type GcpKmsUri, formatKmsUri } from './uri.js';

type Sdk = typeof import('@google-cloud/kms');
type Client = InstanceType<Sdk['KeyManagementServiceClient']>;

// The enum value of EC_SIGN_ED25519 (google/cloud/kms/v1/resources.proto), should a reply keep it numeric.
const EC_SIGN_ED25519 = 40;

/**
 * The adapter for one GCP Cloud KMS key version.
 *
 * @example
 * ```ts
 * const kms = gcpKmsAdapter(parseKmsUri('gcpkms://projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1') as GcpKmsUri, process.env, 30_000);
 * ```
 */
export function gcpKmsAdapter(uri: GcpKmsUri, env: NodeJS.ProcessEnv, timeoutMs: number): KmsAdapter {
  const text = formatKmsUri(uri);
  const endpoint = env.SIGCHAIN_GCPKMS_ENDPOINT;
  const peer = {
    service: 'GCP Cloud KMS',
    where: endpoint ?? 'https://cloudkms.googleapis.com',
    secrets: () => [env.GOOGLE_OAUTH_ACCESS_TOKEN, process.env.GOOGLE_OAUTH_ACCESS_TOKEN].filter((s): s is string => !!s),
  };
  let client: Promise<Client> | undefined;
  // A REST client that never answered holds no connection worth closing (and closing one whose
  // stubs failed rejects inside the library).
  let answered = false;
  const connect = () => (client ??= makeClient(env, peer).catch((e) => {
    client = undefined;
    throw e;
  }));
  const call = async <T>(what: string, run: (c: Client) => Promise<T>): Promise<T> => {
    const c = await connect();
    try {
      const out = await run(c);
      answered = true;
      return out;
    } catch (e) {
      throw named(peer, what, e);
    }
  };
  const checkName = (what: string, name: unknown) => {
    if (name !== undefined && name !== null && name !== '' && name !== uri.name) throw badResponse(peer, what, `it answered for ${String(name)}, not ${uri.name}`);
  };

  return {
    ...peer,
    async publicKey() {
      const [out] = await call('getPublicKey', (c) => c.getPublicKey({ name: uri.name }, { timeout: timeoutMs }));
      if (!out || typeof out !== 'object') throw badResponse(peer, 'getPublicKey', 'the reply is empty');
      checkName('getPublicKey', out.name);
      const algorithm = out.algorithm;
      if (algorithm !== 'EC_SIGN_ED25519' && algorithm !== EC_SIGN_ED25519) {
        if (algorithm === undefined || algorithm === null) throw badResponse(peer, 'getPublicKey', 'the reply names no algorithm');
        throw notEd25519({ uri: text }, String(algorithm));
      }
      const raw = typeof out.pem === 'string' ? ed25519FromSpki(out.pem, { uri: text, type: 'EC_SIGN_ED25519' }) : undefined;
      if (!raw) throw badResponse(peer, 'getPublicKey', 'pem is not a PEM SubjectPublicKeyInfo');
      return raw;
    },
    async sign(data) {
      const [out] = await call('asymmetricSign', (c) => c.asymmetricSign({ name: uri.name, data }, { timeout: timeoutMs }));
      if (!out || typeof out !== 'object') throw badResponse(peer, 'asymmetricSign', 'the reply is empty');
      checkName('asymmetricSign', out.name);
      const sig = bytesOf(out.signature);
      if (!sig || sig.length !== 64) throw badResponse(peer, 'asymmetricSign', `signature is not 64 bytes of Ed25519 (${sig ? `${sig.length} bytes` : 'absent'})`);
      return sig;
    },
    async close() {
      const c = client;
      client = undefined;
      if (c && answered) await (await c.catch(() => undefined))?.close().catch(() => undefined);
    },
  };
}

async function makeClient(env: NodeJS.ProcessEnv, peer: { service: string; where: string; secrets: () => readonly string[] }): Promise<Client> {
  let sdk: Sdk;
  try {
    sdk = await import('@google-cloud/kms');
  } catch {
    throw notConfigured(peer, 'its client library is not installed. Run `npm install @google-cloud/kms` where sigchain is installed.');
  }
  const options: ConstructorParameters<Sdk['KeyManagementServiceClient']>[0] = { fallback: 'rest' };
  const endpoint = env.SIGCHAIN_GCPKMS_ENDPOINT;
  if (endpoint) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw notConfigured(peer, `SIGCHAIN_GCPKMS_ENDPOINT is ${JSON.stringify(endpoint)}, not a URL such as https://cloudkms.googleapis.com.`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || (url.pathname !== '/' && url.pathname !== '')) {
      throw notConfigured(peer, 'SIGCHAIN_GCPKMS_ENDPOINT must be http(s)://HOST[:PORT], with no path and no credentials.');
    }
    options.apiEndpoint = url.hostname.replace(/^\[(.*)\]$/, '$1');
    options.protocol = url.protocol.slice(0, -1);
    options.port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  }
  const token = env.GOOGLE_OAUTH_ACCESS_TOKEN;
  if (token) {
    // A bearer token needs no auth library: the REST transport asks the auth client for its fetch.
    const withAuth = (init?: RequestInit): RequestInit => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return { ...init, headers };
    };
    options.authClient = {
      getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }),
      fetch: (url: string | URL, init?: RequestInit) => fetch(url, withAuth(init)),
    } as never;
  } else {
    // Application Default Credentials are found first, by the auth library the client itself uses:
    // left to the client, a failure also rejects a promise of its own that nobody observes (a
    // stub for long-running operations made in its constructor), which would end the process.
    const auth = await loadGoogleAuth(peer);
    const keyFilename = env !== process.env ? env.GOOGLE_APPLICATION_CREDENTIALS : undefined;
    const googleAuth = new auth.GoogleAuth({ scopes: [...sdk.KeyManagementServiceClient.scopes], ...(keyFilename ? { keyFilename } : {}) });
    try {
      options.authClient = (await googleAuth.getClient()) as never;
    } catch (e) {
      throw named(peer, 'finding credentials', e);
    }
  }
  return new sdk.KeyManagementServiceClient(options);
}

/** google-auth-library, as installed with @google-cloud/kms (its dependency, through google-gax). */
async function loadGoogleAuth(peer: { service: string }): Promise<{ GoogleAuth: new (o: object) => { getClient(): Promise<unknown> } }> {
  try {
    const kms = createRequire(import.meta.url).resolve('@google-cloud/kms');
    const fromKms = createRequire(kms);
    let path: string;
    try {
      path = fromKms.resolve('google-auth-library');
    } catch {
      path = createRequire(fromKms.resolve('google-gax')).resolve('google-auth-library');
    }
    return (await import(pathToFileURL(path).href)) as never;
  } catch {
    throw notConfigured(peer, 'google-auth-library (installed with @google-cloud/kms) cannot be loaded. Reinstall @google-cloud/kms, or set GOOGLE_OAUTH_ACCESS_TOKEN.');
  }
}

/** Names a failure: a Google API error carries the service's status and message. */
function named(peer: { service: string; where: string; secrets: () => readonly string[] }, what: string, e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  if (/Could not load the default credentials|Unable to detect a Project Id|No authentication was provided/i.test(e.message)) {
    return notConfigured(peer, 'no Google credentials were found (GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, or GOOGLE_OAUTH_ACCESS_TOKEN).');
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'number') return badResponse(peer, what, e.message); // a google.rpc.Status from the service
  return e;
}
