/**
 * The key URIs of sigstore's cosign, which name a key kept in a cloud KMS or in Vault. sigchain
 * reads the same grammar cosign does (sigstore/sigstore, pkg/signature/kms/{aws,gcp,hashivault}),
 * so a URI that works with `cosign sign --key` names the same key here:
 *
 * - `awskms:///KEY` and `awskms://HOST[:PORT]/KEY`, KEY one of a key id (`1234abcd-…` or a
 *   multi-region `mrk-…`), a key ARN, `alias/NAME` or an alias ARN. The HOST names another
 *   endpoint, always reached over https (as cosign does).
 * - `gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V` (`versions/V`
 *   is read too, as cosign reads it, and written back as `cryptoKeyVersions/V`).
 * - `hashivault://NAME` (and cosign's `openbao://NAME`): a key of Vault's transit engine, found
 *   through `VAULT_ADDR`.
 *
 * Two places are stricter than cosign, each because an nkey is one fixed key pair: a `gcpkms`
 * URI must name its key version (cosign picks one when it is left out, and a new version would
 * silently be another key), and an alias name holds at least one character and no space. A URI
 * never holds a credential: a `user@` in the AWS endpoint is refused.
 */
import { SigchainError } from '../../errors.js';

/** An AWS KMS key: `awskms://[HOST[:PORT]]/KEY`. */
export interface AwsKmsUri {
  readonly scheme: 'awskms';
  /** `HOST[:PORT]` of another endpoint (reached over https), when the URI names one. */
  readonly endpoint?: string;
  /** What KMS's `KeyId` takes: a key id, key ARN, alias name or alias ARN. */
  readonly keyId: string;
  /** The region of a key or alias ARN: where the key lives, so the one to call. */
  readonly region?: string;
}

/** One version of a GCP Cloud KMS key. */
export interface GcpKmsUri {
  readonly scheme: 'gcpkms';
  readonly project: string;
  readonly location: string;
  readonly keyRing: string;
  readonly cryptoKey: string;
  readonly version: string;
  /** The resource name the API takes: `projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V`. */
  readonly name: string;
}

/** A key of Vault's (or OpenBao's) transit secrets engine. */
export interface VaultKmsUri {
  readonly scheme: 'hashivault' | 'openbao';
  /** The transit key's name. */
  readonly keyName: string;
}

/** A parsed KMS key URI. */
export type KmsUri = AwsKmsUri | GcpKmsUri | VaultKmsUri;

/** The schemes sigchain reads, in the order `--help` names them. */
export const KMS_URI_SCHEMES = ['awskms', 'gcpkms', 'hashivault', 'openbao'] as const;

// cosign's own patterns (sigstore/sigstore pkg/signature/kms/aws/client.go), kept as they are so
// the same URIs parse; the alias name alone is narrowed from `.*` to at least one non-space.
const UUID = 'm?r?k?-?[A-Fa-f0-9]{8}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{12}';
const ARN = 'arn:(?:aws|aws-us-gov|aws-cn):kms:([a-z0-9-]+):\\d{12}:';
const HOST = '([^/]*)/';
const AWS_PATTERNS = [
  new RegExp(`^awskms://${HOST}(${UUID})$`),
  new RegExp(`^awskms://${HOST}(${ARN}key/${UUID})$`),
  new RegExp(`^awskms://${HOST}(alias/\\S+)$`),
  new RegExp(`^awskms://${HOST}(${ARN}alias/\\S+)$`),
];
// sigstore/sigstore pkg/signature/kms/gcp/client.go, with the version required (see above).
const GCP_PATTERN = /^gcpkms:\/\/projects\/([^/]+)\/locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)\/(?:cryptoKeyVersions|versions)\/([^/]+)$/;
const GCP_NO_VERSION = /^gcpkms:\/\/projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
// sigstore/sigstore pkg/signature/kms/hashivault/client.go; Go's \w is ASCII [0-9A-Za-z_].
const VAULT_PATTERN = /^(hashivault|openbao):\/\/([0-9A-Za-z_](?:[0-9A-Za-z_.-]*[0-9A-Za-z_])?)$/;

/** True when `text` starts with a KMS scheme sigchain reads (it may still be malformed). */
export function isKmsUri(text: string): boolean {
  return KMS_URI_SCHEMES.some((s) => text.startsWith(`${s}://`));
}

/**
 * Parses a cosign KMS key URI; anything else is `KEY_URI_INVALID`, with the form expected.
 *
 * @example
 * ```ts
 * parseKmsUri('awskms:///alias/sigchain-operator'); // { scheme: 'awskms', keyId: 'alias/sigchain-operator' }
 * parseKmsUri('hashivault://nats-operator');       // { scheme: 'hashivault', keyName: 'nats-operator' }
 * ```
 */
export function parseKmsUri(uri: string): KmsUri {
  if (uri.startsWith('awskms://')) return parseAws(uri);
  if (uri.startsWith('gcpkms://')) return parseGcp(uri);
  if (uri.startsWith('hashivault://') || uri.startsWith('openbao://')) return parseVault(uri);
  throw invalid(uri, `it is not a KMS key URI: sigchain reads ${KMS_URI_SCHEMES.map((s) => `${s}://`).join(', ')}`);
}

/**
 * Writes a parsed URI back in its canonical form (`versions/` becomes `cryptoKeyVersions/`).
 *
 * @example
 * ```ts
 * formatKmsUri(parseKmsUri('gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/versions/1'));
 * // 'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1'
 * ```
 */
export function formatKmsUri(key: KmsUri): string {
  switch (key.scheme) {
    case 'awskms':
      return `awskms://${key.endpoint ?? ''}/${key.keyId}`;
    case 'gcpkms':
      return `gcpkms://${key.name}`;
    default:
      return `${key.scheme}://${key.keyName}`;
  }
}

function parseAws(uri: string): AwsKmsUri {
  for (const re of AWS_PATTERNS) {
    const m = re.exec(uri);
    if (!m) continue;
    const endpoint = m[1]!;
    const keyId = m[2]!;
    const region = m[3];
    if (endpoint !== '') checkHost(uri, endpoint);
    return { scheme: 'awskms', keyId, ...(endpoint !== '' ? { endpoint } : {}), ...(region ? { region } : {}) };
  }
  throw invalid(
    uri,
    'an AWS KMS key URI is awskms:///KEY or awskms://HOST:PORT/KEY, KEY being a key id (1234abcd-12ab-34cd-56ef-1234567890ab, mrk-…), a key ARN, alias/NAME or an alias ARN',
  );
}

function checkHost(uri: string, host: string): void {
  let url: URL | undefined;
  try {
    url = new URL(`https://${host}/`);
  } catch {
    url = undefined;
  }
  if (!url || url.username || url.password || url.pathname !== '/' || url.search || url.hash || host.includes('@')) {
    throw invalid(uri, `"${host.includes('@') ? '(a user name or credential)' : host}" is not a HOST[:PORT]; credentials never go in a key URI (use the AWS SDK's own variables)`);
  }
}

function parseGcp(uri: string): GcpKmsUri {
  const m = GCP_PATTERN.exec(uri);
  if (!m) {
    const why = GCP_NO_VERSION.test(uri)
      ? 'it names no key version: an nkey is one key pair, so add /cryptoKeyVersions/V (gcloud kms keys versions list names them)'
      : 'a GCP Cloud KMS key URI is gcpkms://projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V';
    throw invalid(uri, why);
  }
  const [, project, location, keyRing, cryptoKey, version] = m as unknown as [string, string, string, string, string, string];
  const name = `projects/${project}/locations/${location}/keyRings/${keyRing}/cryptoKeys/${cryptoKey}/cryptoKeyVersions/${version}`;
  return { scheme: 'gcpkms', project, location, keyRing, cryptoKey, version, name };
}

function parseVault(uri: string): VaultKmsUri {
  const m = VAULT_PATTERN.exec(uri);
  if (!m) throw invalid(uri, 'a Vault key URI is hashivault://NAME, NAME being the transit key (letters, digits, _, - and ., starting and ending with a letter, digit or _)');
  return { scheme: m[1] as 'hashivault' | 'openbao', keyName: m[2]! };
}

function invalid(uri: string, why: string): SigchainError {
  // The URI is echoed only up to its scheme when it might carry a credential in its host part.
  const shown = uri.includes('@') ? `${uri.slice(0, uri.indexOf('://') + 3)}…` : uri;
  return new SigchainError('KEY_URI_INVALID', `${JSON.stringify(shown)} is not a key URI sigchain can use: ${why}.`, { uri: shown });
}
