/**
 * An emulated AWS KMS: the documented JSON 1.1 protocol (POST /, `X-Amz-Target: TrentService.*`,
 * `Content-Type: application/x-amz-json-1.1`, errors as `{"__type","message"}` with HTTP 400),
 * for GetPublicKey and Sign, with real keys. Requests must carry a valid SigV4 signature made with
 * the emulator's credentials, which proves the SDK signed with the credentials it was given.
 */
import { createHash, createHmac, type KeyObject, sign } from 'node:crypto';
import { type Emulator, ed25519, json, type Reply, type SeenRequest, serve } from './server.js';

/** A KMS key in the emulator. */
export interface AwsEmuKey {
  keyId: string;
  aliases?: string[];
  keySpec: 'ECC_NIST_EDWARDS25519' | 'ECC_NIST_P256';
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface AwsEmulator extends Emulator {
  /** The access key id and region of the last signed request. */
  lastAuth?: { accessKeyId: string; region: string };
}

const ACCOUNT = '111122223333';
const JSON11 = { 'content-type': 'application/x-amz-json-1.1' };

/** Starts the emulator. */
export async function startAwsKms(opts: { credentials: { accessKeyId: string; secretAccessKey: string }; keys: AwsEmuKey[]; tls?: { key: string; cert: string } }): Promise<AwsEmulator> {
  const impostor = ed25519();
  let emu!: AwsEmulator;
  const error = (type: string, message: string, status = 400): Reply => json(status, { __type: type, message }, { ...JSON11, 'x-amzn-errortype': type });
  const handle = (req: SeenRequest): Reply => {
    if (req.method !== 'POST' || req.url !== '/') return error('UnknownOperationException', 'POST / only');
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') return error('SerializationException', `Content-Type ${String(req.headers['content-type'])}`);
    const auth = checkSigV4(req, opts.credentials);
    if ('error' in auth) return error(auth.error, auth.message, 403);
    emu.lastAuth = auth;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return error('SerializationException', 'body is not JSON');
    }
    const key = typeof body.KeyId === 'string' ? find(opts.keys, body.KeyId) : undefined;
    if (typeof body.KeyId !== 'string') return error('ValidationException', 'KeyId is required');
    if (!key) return error('NotFoundException', `Key '${body.KeyId}' does not exist`);
    const arn = `arn:aws:kms:${auth.region}:${ACCOUNT}:key/${key.keyId}`;
    const ed = key.keySpec === 'ECC_NIST_EDWARDS25519';
    switch (req.headers['x-amz-target']) {
      case 'TrentService.GetPublicKey':
        return json(
          200,
          {
            KeyId: arn,
            KeySpec: key.keySpec,
            CustomerMasterKeySpec: key.keySpec,
            KeyUsage: 'SIGN_VERIFY',
            PublicKey: key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
            SigningAlgorithms: ed ? ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] : ['ECDSA_SHA_256'],
          },
          JSON11,
        );
      case 'TrentService.Sign': {
        if (typeof body.Message !== 'string') return error('ValidationException', 'Message is required');
        const message = Buffer.from(body.Message, 'base64');
        if (message.length > 4096) return error('ValidationException', "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096");
        const algorithm = body.SigningAlgorithm;
        if (!ed || (algorithm !== 'ED25519_SHA_512' && algorithm !== 'ED25519_PH_SHA_512')) return error('InvalidKeyUsageException', `${String(algorithm)} is not a valid signing algorithm for ${key.keySpec}`);
        if (algorithm === 'ED25519_SHA_512' && body.MessageType !== 'RAW') return error('ValidationException', 'ED25519_SHA_512 requires MessageType RAW');
        const signer = emu.fault === 'wrong-signature' ? impostor.privateKey : key.privateKey;
        return json(200, { KeyId: arn, Signature: sign(null, message, signer).toString('base64'), SigningAlgorithm: algorithm }, JSON11);
      }
      default:
        return error('UnknownOperationException', `X-Amz-Target ${String(req.headers['x-amz-target'])}`);
    }
  };
  emu = (await serve(handle, opts.tls ? { tls: opts.tls } : {})) as AwsEmulator;
  return emu;
}

function find(keys: AwsEmuKey[], id: string): AwsEmuKey | undefined {
  const bare = id.replace(/^arn:aws:kms:[a-z0-9-]+:\d{12}:/, '');
  return keys.find((k) => bare === k.keyId || bare === `key/${k.keyId}` || (k.aliases ?? []).includes(bare));
}

/** Verifies AWS Signature Version 4 as the service does (canonical request, scope, HMAC chain). */
function checkSigV4(req: SeenRequest, creds: { accessKeyId: string; secretAccessKey: string }): { accessKeyId: string; region: string } | { error: string; message: string } {
  const auth = String(req.headers.authorization ?? '');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/kms\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { error: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, accessKeyId, date, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  if (accessKeyId !== creds.accessKeyId) return { error: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const [path, query = ''] = req.url.split('?');
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? createHash('sha256').update(req.body).digest('hex'));
  const canonical = [req.method, path, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/kms/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, date), region), 'kms'), 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(toSign).digest('hex');
  if (expected !== signature) return { error: 'InvalidSignatureException', message: 'The request signature we calculated does not match the signature you provided.' };
  return { accessKeyId, region };
}
