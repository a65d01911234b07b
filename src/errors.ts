/**
 * Every refusal sigchain makes is a {@link SigchainError} with a stable `code`
 * from {@link ErrorCodes}. Scripts branch on the code; people read the message,
 * which always says what to do next.
 *
 * @example
 * ```ts
 * import { SigchainError } from 'sigchain';
 * try { decodeNKey(input); }
 * catch (e) { if (e instanceof SigchainError && e.code === 'NKEY_BAD_CHECKSUM') retype(); }
 * ```
 */

/** Stable error codes with a one-line meaning. Codes are never renamed or reused. */
export const ErrorCodes = {
  // nkeys
  NKEY_MALFORMED: 'The text is not a well-formed nkey (wrong length or characters).',
  NKEY_BAD_CHECKSUM: 'The nkey checksum does not match: the key was mistyped or truncated.',
  NKEY_BAD_PREFIX: 'The nkey has an unknown or unexpected role prefix.',
  NKEY_WRONG_ROLE: 'The nkey is valid but of a role that is not allowed here.',
  NKEY_SEED_EXPECTED: 'A seed (private key) was needed but a public key was given.',
  NKEY_PUBLIC_EXPECTED: 'A public key was needed but a seed was given; never paste seeds where a public key goes.',
  NKEY_CANNOT_SIGN: 'This key cannot sign: it is public-only or a curve (X) key.',
  // tokens
  MALFORMED_TOKEN: 'The token is not a well-formed compact JWT.',
  BAD_SIGNATURE: 'The token signature does not verify with its issuer key.',
  UNSUPPORTED_ALGORITHM: 'The token header names an algorithm this format does not use.',
  TOKEN_TOO_LARGE: 'The token is larger than the 1 MiB NATS limit.',
  WRONG_CLAIM_TYPE: 'The token holds a different kind of claim than expected.',
  WRONG_KEY_ROLE: 'A key of the wrong role issued or is the subject of this token.',
  INVALID_CLAIMS: 'The claims break a rule of the format (bad subject, bad key, bad limit…).',
  TOKEN_EXPIRED: 'The token has expired.',
  TOKEN_NOT_YET_VALID: 'The token is not valid yet (nbf is in the future).',
  UNSUPPORTED_VERSION: 'The token is a NATS JWT version sigchain does not read (v1, or newer than v2).',
  SCOPED_USER_HAS_PERMISSIONS: 'A user issued by a scoped signing key carries its own permissions or limits; nats-server refuses it.',
  CONNECT_LINE_TOO_LONG: "The user JWT makes the client's CONNECT line longer than nats-server's default max_control_line (4 KiB).",
  CLAIMS_WARNING: 'The claims are accepted, but something in them is likely a mistake.',
  // trust (verifier verdicts)
  ISSUER_NOT_TRUSTED: 'The chain does not end at an operator the policy trusts (for an invocation: its issuer is not among the cluster issuers).',
  SIGNING_KEY_NOT_LISTED: "The issuer is neither the parent's identity key nor a signing key the parent's current token lists.",
  TOKEN_REVOKED: "The token is revoked (by its account's revocation list, or its jti by the policy).",
  SCOPE_VIOLATION: 'A scoped signing key signed outside its scope (e.g. a user carrying its own permissions or limits).',
  KEY_USAGE_VIOLATION: "A key is used against its usage (e.g. an identity key listed among its own entity's signing keys).",
  SELF_ISSUED: 'A user or actor token is signed by its own key; only its account may vouch for it.',
  IDENTITY_KEY_MISUSE: "An identity key signed a child token where a signing key is required (strict policy or the operator's strict mode).",
  KEY_BANNED: 'A key in the chain is banned by the policy (e.g. a rotated-out identity key).',
  CHAIN_INCOMPLETE: 'A token the chain needs (the account or the operator JWT) was not found.',
  ISSUER_ACCOUNT_MISSING: 'A user signed by an account signing key does not name its account in issuer_account.',
  BEARER_NOT_ALLOWED: 'A bearer user token belongs to an account that disallows bearer tokens.',
  ACCOUNT_DISABLED: 'The account admits no connections (limits.conn is 0 or absent), so its users are locked out.',
  CONNECTION_NOT_ALLOWED: 'The user may not connect now, from that address, or over that kind of connection (times, src, allowed_connection_types).',
  NO_EXPIRY: 'The token never expires (a warning): a leaked copy stays usable until it is revoked.',
  // issuing
  NO_APPROPRIATE_SIGNING_KEY: 'No key that may sign this kind of token was given or found.',
  KEY_RESTRICTION_VIOLATION: "A signing key signed (or was asked to sign) a kind of statement its parent's delegation restriction excludes (e.g. an operator key restricted to `account` changing an account's signing keys).",
  COMPROMISED_KEY_IS_IDENTITY: "The key reported compromised is an entity's identity key, not a signing key: replacing it is identity rotation, a different operation.",
  // revocation
  NOT_REVOKED: 'The user key or jti named has no revocation to remove.',
  // key usages (fixed when a key is made; KEY_USAGE_VIOLATION above is also what signers refuse with)
  KEY_RETIRED: 'The key is retired: it may no longer sign (its seed stays so old tokens can still be checked); sign with its replacement.',
  KEY_USAGE_FIXED: "A key's usages were fixed when it was made and cannot be changed; make a new key with the usages needed.",
  INVALID_KEY_USAGE: 'Not a key usage or preset (identity, issuing, authentication, protocol; IdentityOnly, IssuingOnly, AuthenticationOnly, ProtocolOnly, All), or no usage at all.',
  // creds
  MALFORMED_CREDS: 'The creds file does not hold a user JWT and a user seed.',
  CREDS_KEY_MISMATCH: "The seed in the creds does not belong to the user JWT's subject.",
  // store
  STORE_NOT_FOUND: 'The named operator, account, user or key is not in the store.',
  STORE_EXISTS: 'An entity with that name already exists.',
  STORE_CORRUPT: 'A file in the store cannot be read as what it should hold.',
  STORE_LOCKED: 'Another sigchain process is changing the store.',
  INSECURE_PERMISSIONS: 'A seed file or folder can be read by other users.',
  NO_CONTEXT: 'No current operator or account is selected and none was named.',
  AMBIGUOUS_NAME: 'More than one entity matches the name given.',
  INVALID_NAME: 'An entity name is empty, or holds a path separator, NUL, or is . or .., so it cannot name a file.',
  // custody: keyrings, the key agent, HSMs, KMSs, scripted signing, the audit log
  KEYRING_BACKEND_UNKNOWN: 'The keyring backend named is not one of file, encrypted, memory, agent, pkcs11, kms.',
  KEYRING_UNSUPPORTED: 'The keyring backend cannot do this (e.g. hand out a key kept in an HSM or KMS).',
  KEYRING_PASSPHRASE_REQUIRED: 'An encrypted key needs its passphrase and none was given (no terminal, no --passphrase-file, no SIGCHAIN_PASSPHRASE).',
  KEYRING_BAD_PASSPHRASE: 'The passphrase does not open the encrypted key.',
  KEYRING_CORRUPT: 'An encrypted key file is truncated, edited or disagrees with its usage record; it was left as it was.',
  AGENT_UNAVAILABLE: 'No key agent answers on the socket named by SIGCHAIN_AUTH_SOCK or SSH_AUTH_SOCK.',
  AGENT_SOCKET_IN_USE: 'Another key agent already listens on that socket.',
  AGENT_CONSTRAINT_VIOLATION: "The key agent refused: the bytes are outside what the key was added to sign (--only), or the agent is locked.",
  AGENT_FAILURE: 'The key agent refused the request or answered with something that is not the ssh-agent protocol.',
  PKCS11_MODULE_NOT_FOUND: 'The PKCS#11 module (library) named cannot be loaded.',
  PKCS11_TOKEN_NOT_FOUND: 'No PKCS#11 token has the label (or serial) named.',
  PKCS11_PIN_INCORRECT: 'The PKCS#11 token refused the PIN.',
  PKCS11_PIN_REQUIRED: 'The PKCS#11 token needs its user PIN and none was given (--pin-file, pin-source in the URI, SIGCHAIN_PKCS11_PIN).',
  PKCS11_KEY_NOT_FOUND: 'The PKCS#11 token holds no Ed25519 key with that label or id.',
  PKCS11_ERROR: 'The PKCS#11 module failed an operation.',
  KEY_URI_INVALID: 'A key URI (pkcs11:, awskms://, gcpkms://, hashivault://) is malformed or names something sigchain does not support.',
  KMS_UNAVAILABLE: 'The KMS did not answer in time, or refused the connection.',
  KMS_BAD_RESPONSE: 'The KMS answered something that is not a valid reply (or refused the request).',
  KMS_NOT_CONFIGURED: 'The KMS cannot be called as configured: no address (VAULT_ADDR), no credentials (VAULT_TOKEN, AWS credentials, a Google access token), no region, or its client library is not installed.',
  KMS_BAD_SIGNATURE: 'The KMS returned a signature that does not verify with the key: it was not used.',
  KEY_NOT_ED25519: 'The key in the HSM or KMS is not an Ed25519 key, so it cannot be an nkey.',
  NONCE_NOT_INCREASING: 'A nonce claim was refused: its nonce is not greater than the last one signed for that contract.',
  AUDIT_WRITE_FAILED: 'The audit log could not be written, so nothing was signed.',
  AUDIT_LOG_INVALID: 'The audit log was edited, cut short or reordered: a record breaks the hash chain or the signed head (`audit verify` names the first bad record).',
  SIGNATURE_INVALID: 'The signature is not the named key\'s over that message (and context).',
  // CLI
  USAGE: 'The command line is not valid.',
  IO_ERROR: 'A file could not be read or written.',
  // wasmCloud
  MALFORMED_WASM: 'The bytes are not a well-formed WebAssembly module or component (bad magic or version, cut short, a length past the end, nesting over 100 deep).',
  MALFORMED_INVOCATION: 'The wasmCloud invocation is not a well-formed 0.82 InvocationRequest or InvocationResponse (MessagePack or JSON: a field missing or of the wrong type, an ambiguous entity, or over 16 MiB).',
  INVALID_HOST_ID: "The invocation's host_id is not a server (N…) public key.",
  REPLAY: 'An invocation with this ID was already accepted inside the replay window: it is a replay.',
  MISSING_CLAIMS: 'The invocation token carries no invocation metadata (its wascap object, or a field of it, is missing).',
  HASH_MISMATCH: 'A hash signed in the token does not match the bytes it covers: the invocation (or module) was changed after signing.',
  SUBJECT_MISMATCH: "The invocation token's subject is not the invocation's ID: its encoded_claims were taken from another invocation.",
  TARGET_MISMATCH: 'The invocation token was signed for another target URL (target entity or operation) than the invocation names.',
  ORIGIN_MISMATCH: 'The invocation token was signed for another origin URL than the invocation names.',
  STALE: 'The invocation token has no expiry and was issued longer ago than the maximum age: too old to tell from a replay.',
  REPLAY_CACHE_FULL: 'The replay cache is full of unexpired invocation IDs, so a new one was refused rather than risk forgetting one (raise --replay-cache-size or shorten --max-age).',
  NOT_SIGNED: 'The WebAssembly module or component carries no wasmCloud token (no jwt or wasmcloud_jwt custom section).',
  NATS_UNAVAILABLE: 'No NATS server answered at the URL given, or it refused or dropped the connection: the lattice cannot be reached.',
  NO_RESPONDERS: 'No host on the lattice serves the target: nothing subscribes to its wasmbus.rpc subject.',
  CALL_TIMEOUT: 'The target did not answer the invocation in time.',
  UNKNOWN_OPERATION: 'The target actor does not implement the operation invoked.',
  OPERATION_FAILED: "The target accepted the invocation but its operation failed (or its answer's error carries no sigchain code).",
  // distribution: push and pull to a nats-server cluster's resolver
  SERVER_UNREACHABLE: 'No nats-server answered: the URL is wrong, the servers are down, or they did not answer in time.',
  SERVER_REFUSED: 'A server refused the request (an update, a delete, or the system user itself), or a server expected to answer did not.',
  PUSH_ROLLBACK_REFUSED: 'A server holds a newer token for the account than the one being pushed (a later iat, or the same iat with other content): pushing would roll it back.',
  PULL_ROLLBACK_REFUSED: 'The store holds a newer token for the account than the servers: pulling would replace it with an older one.',
  ACCOUNT_UNTRUSTED: "sigchain's own verifier refuses the account token (not signed by a key the operator trusts, expired, or otherwise invalid): it is not pushed or pulled.",
  // exports, imports and activations (issue 12: add/delete export|import, generate activation, delete account)
  IMPORT_SOURCE_MISSING: 'The account an import names as its exporter (or that issued its activation) is not in the store, so nothing can serve the import.',
  EXPORT_NOT_FOUND: 'The exporting account has no export (of that kind, or private, as needed) covering the subject.',
  ACTIVATION_REQUIRED: 'The export is private: importing it needs an activation token from the exporter (`generate activation`, then `add import --token`).',
  ACTIVATION_WRONG_ACCOUNT: 'The activation token was made for another importing account than this one.',
  ACTIVATION_SUBJECT_MISMATCH: "The activation token's subject or kind is not one the exporter exports privately (or does not cover the import).",
  ACCOUNT_IN_USE: 'Other accounts import from this account; deleting it would break their imports (they are named).',
  // expirations, safe defaults and seeds on the command line (issue 11 item 6, issue 12 items 2-3)
  SEED_IN_ARGUMENT: 'A seed (private key) was given where no seed is expected (only -K, --sk, --cluster-seed and `keys import` take one); it was not used or printed. Treat it as leaked if it was typed where others can see it.',
  USER_REVOKED: "The user's key is revoked by its account; re-issuing it would make servers accept it again, so it is refused unless --lift-revocation is given.",
  REVOKES_CURRENT_ACCOUNT: "The jti named is the account's current JWT: revoking it makes every user of the account fail `verify` while servers still accept them; refused unless --force.",
  SEARCH_INCOMPLETE: '`keys compromised` could not read every account or user, so it cannot tell what the leaked key signed; nothing was changed.',
  // validate and describe --field (issue 12)
  IMPORT_EXPORTER_MISSING: 'An import names an exporting account that is not known, so nats-server drops the import.',
  IMPORT_NOT_EXPORTED: 'An import asks an account for a stream or service it does not export, so nats-server drops the import.',
  FIELD_NOT_FOUND: 'The claim path given to --field is not in the token: a field this kind of token can hold but that is not set (a NATS JWT leaves out empty lists and unset values), an index past the end of a list, or no such field (the message names the exact-case or closest path).',
  // a store shared through JetStream KV (issue 11, item 5)
  STORE_UNREACHABLE: 'The NATS server holding the store (--store nats://…, $SIGCHAIN_STORE) did not answer in time, refused the connection, or has no JetStream.',
  KV_BUCKET_MISSING: "The NATS server has no sigchain store bucket (nothing was ever written there): a read cannot be answered. A write creates it.",
  KV_BUCKET_SHAPE: "A bucket of the store's name exists but is not one sigchain made (another history, no layout mark): it was left as it was.",
  KV_ENTRY_INVALID: 'A store entry in the KV bucket is not a token of the kind its key names, or its signature does not verify: that entity cannot be read.',
  KV_CONFLICT: 'Other writers kept changing the same store entries: the change was re-applied on top of theirs until the retries ran out. Run the command again.',
  KV_UNSUPPORTED: 'This command works on a directory store only (it reads and writes the folder in bulk); with a NATS KV store, export it, run the command there and import it back.',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/**
 * One thing found wrong (or risky) about a token, with a stable code: what validation reports
 * (`Issue`), what the verifier learns about a token, and each reason of a verdict (`Reason`,
 * which adds the link it is about) all have this shape.
 *
 * @example
 * ```ts
 * const f: Finding = { code: 'TOKEN_EXPIRED', message: 'The token expired …', field: 'exp' };
 * ```
 */
export interface Finding {
  code: ErrorCode;
  /** A sentence a person can act on. */
  message: string;
  /** Dotted path of the field at fault, e.g. `iss` or `nats.pub.allow[0]`. */
  field?: string;
}

/** Base class of every error sigchain throws on purpose. */
export class SigchainError extends Error {
  /** Stable, documented, machine-readable code. */
  readonly code: ErrorCode;
  /** Optional structured facts for `--json` output (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SigchainError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** True when `e` is a SigchainError, optionally with the given code. */
export function isSigchainError(e: unknown, code?: ErrorCode): e is SigchainError {
  return e instanceof SigchainError && (code === undefined || e.code === code);
}
