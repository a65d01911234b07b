/**
 * The AWS KMS adapter, through the official `@aws-sdk/client-kms` (an optional dependency, loaded
 * only when an `awskms://` key is used). An nkey is an `ECC_NIST_EDWARDS25519` KMS key; it signs
 * with `ED25519_SHA_512`, which AWS requires with `MessageType: RAW` (pure EdDSA: the SDK's Sign
 * documentation, "When using ECC_NIST_EDWARDS25519 KMS keys: ED25519_SHA_512 signing algorithm
 * requires KMS MessageType:RAW"). RAW messages are at most 4096 bytes, so larger tokens are
 * refused before the call (`KEYRING_UNSUPPORTED`).
 *
 * Configuration is the SDK's own: region, endpoint (`AWS_ENDPOINT_URL_KMS`, `AWS_ENDPOINT_URL`),
 * credentials and profiles are read by the SDK from the process environment and its files. Two
 * things are added, as cosign (Go SDK) has them: the URI's `HOST:PORT` is the endpoint, over
 * https, and `AWS_CA_BUNDLE` names extra certificate authorities to trust (the JS SDK does not
 * read it). The region of an ARN is the region called. When a caller hands another environment
 * than `process.env` (tests, embedding), its AWS variables are passed to the SDK explicitly.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { SigchainError } from '../../errors.js';
import { type KmsAdapter, bytesOf } from './adapter.js';
import { ed25519FromSpki, notEd25519 } from './public-key.js';
import { badResponse, notConfigured } from './remote.js';
import { type AwsKmsUri, formatKmsUri } from './uri.js';

/** AWS KMS signs at most this many bytes with MessageType RAW. */
export const AWS_RAW_MESSAGE_LIMIT = 4096;

type Sdk = typeof import('@aws-sdk/client-kms');
type Client = InstanceType<Sdk['KMSClient']>;

/**
 * The adapter for one AWS KMS key.
 *
 * @example
 * ```ts
 * const kms = awsKmsAdapter(parseKmsUri('awskms:///alias/nats-operator') as AwsKmsUri, process.env);
 * ```
 */
export function awsKmsAdapter(uri: AwsKmsUri, env: NodeJS.ProcessEnv): KmsAdapter {
  const text = formatKmsUri(uri);
  const endpoint = uri.endpoint ? `https://${uri.endpoint}` : (env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL);
  const where = endpoint ?? `the ${uri.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'configured'} regional endpoint`;
  let client: Promise<{ sdk: Sdk; client: Client }> | undefined;
  const peer = {
    service: 'AWS KMS',
    where,
    secrets: () => [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN].filter((s): s is string => !!s),
  };
  const connect = () => (client ??= makeClient(uri, env, peer).catch((e) => {
    client = undefined;
    throw e;
  }));
  const send = async <T>(what: string, signal: AbortSignal, call: (sdk: Sdk, c: Client) => Promise<T>): Promise<T> => {
    const { sdk, client: c } = await connect();
    try {
      return await call(sdk, c);
    } catch (e) {
      throw named(peer, what, e, signal);
    }
  };

  return {
    ...peer,
    async publicKey(signal) {
      const out = await send('GetPublicKey', signal, (sdk, c) => c.send(new sdk.GetPublicKeyCommand({ KeyId: uri.keyId }), { abortSignal: signal }));
      const spec = out.KeySpec ?? out.CustomerMasterKeySpec;
      if (typeof spec !== 'string') throw badResponse(peer, 'GetPublicKey', 'the reply names no KeySpec');
      if (spec !== 'ECC_NIST_EDWARDS25519') throw notEd25519({ uri: text }, spec);
      if (out.KeyUsage !== undefined && out.KeyUsage !== 'SIGN_VERIFY') throw badResponse(peer, 'GetPublicKey', `the key's KeyUsage is ${String(out.KeyUsage)}, not SIGN_VERIFY`);
      const der = bytesOf(out.PublicKey);
      const raw = der && ed25519FromSpki(der, { uri: text, type: spec });
      if (!raw) throw badResponse(peer, 'GetPublicKey', 'PublicKey is not a DER SubjectPublicKeyInfo');
      return raw;
    },
    async sign(data, _publicKey, signal) {
      if (data.length > AWS_RAW_MESSAGE_LIMIT) {
        throw new SigchainError(
          'KEYRING_UNSUPPORTED',
          `AWS KMS signs at most ${AWS_RAW_MESSAGE_LIMIT} bytes with ED25519_SHA_512 (MessageType RAW), and this is ${data.length} bytes. Keep this key in another backend, or make the token smaller.`,
          { uri: text, bytes: data.length, limit: AWS_RAW_MESSAGE_LIMIT },
        );
      }
      const out = await send('Sign', signal, (sdk, c) =>
        c.send(new sdk.SignCommand({ KeyId: uri.keyId, Message: data, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }), { abortSignal: signal }),
      );
      if (out.SigningAlgorithm !== undefined && out.SigningAlgorithm !== 'ED25519_SHA_512') {
        throw badResponse(peer, 'Sign', `it signed with ${String(out.SigningAlgorithm)}, not ED25519_SHA_512`);
      }
      const sig = bytesOf(out.Signature);
      if (!sig || sig.length !== 64) throw badResponse(peer, 'Sign', `Signature is not 64 bytes of Ed25519 (${sig ? `${sig.length} bytes` : 'absent'})`);
      return sig;
    },
    async close() {
      const c = client;
      client = undefined;
      if (c) (await c.catch(() => undefined))?.client.destroy();
    },
  };
}

async function makeClient(uri: AwsKmsUri, env: NodeJS.ProcessEnv, peer: { service: string }): Promise<{ sdk: Sdk; client: Client }> {
  let sdk: Sdk;
  try {
    sdk = await import('@aws-sdk/client-kms');
  } catch {
    throw notConfigured(peer, 'its client library is not installed. Run `npm install @aws-sdk/client-kms` where sigchain is installed.');
  }
  const config: ConstructorParameters<Sdk['KMSClient']>[0] = {};
  if (env !== process.env) {
    // The SDK reads process.env by itself; another environment is handed over variable by variable.
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (region) config.region = region;
    const endpoint = env.AWS_ENDPOINT_URL_KMS ?? env.AWS_ENDPOINT_URL;
    if (endpoint) config.endpoint = endpoint;
    if (env.AWS_PROFILE) config.profile = env.AWS_PROFILE;
    if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      config.credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
    }
  }
  if (uri.region) config.region = uri.region; // an ARN's key lives in its region, whatever the default
  if (uri.endpoint) config.endpoint = `https://${uri.endpoint}`; // cosign: the URI's host, over https
  const caFile = env.AWS_CA_BUNDLE;
  if (caFile) {
    let ca: Buffer;
    try {
      ca = readFileSync(caFile);
    } catch (e) {
      throw notConfigured(peer, `AWS_CA_BUNDLE names ${caFile}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    config.requestHandler = { httpsAgent: new Agent({ ca, keepAlive: true }) };
  }
  return { sdk, client: new sdk.KMSClient(config) };
}

/** Names an SDK failure: configuration, a refusal by the service, or (left to the caller) the network. */
function named(peer: { service: string; where: string; secrets: () => readonly string[] }, what: string, e: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || !(e instanceof Error)) return e;
  const name = e.name;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message)) {
    return notConfigured(peer, 'no AWS credentials were found (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, SSO, or an instance role).');
  }
  if (/Region is missing/i.test(e.message)) return notConfigured(peer, 'no AWS region is set (AWS_REGION, a profile, or a key ARN).');
  const meta = (e as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const fault = (e as { $fault?: string }).$fault;
  if (fault && meta?.httpStatusCode !== undefined) {
    // The service answered with an error of its own: its name and message say why.
    return badResponse(peer, what, `HTTP ${meta.httpStatusCode} ${name}: ${e.message}`);
  }
  return e;
}
