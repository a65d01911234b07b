/**
 * How every call to a KMS is made and how its failures are named, so the three adapters fail
 * alike: no answer within the deadline or no connection is `KMS_UNAVAILABLE`; an answer that is
 * not a valid reply, or a refusal, is `KMS_BAD_RESPONSE` with the service's own words; missing
 * configuration (no address, no credentials, no region) is `KMS_NOT_CONFIGURED`. Messages are
 * passed through {@link redact} so that no credential the process holds can reach an error.
 */
import { SigchainError } from '../../errors.js';

/** Options every KMS entry point takes. */
export interface KmsOptions {
  /** Where VAULT_*, AWS_*, GOOGLE_* and SIGCHAIN_KMS_TIMEOUT_MS are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** How long one request may take before `KMS_UNAVAILABLE` (default SIGCHAIN_KMS_TIMEOUT_MS, else 30 000). */
  timeoutMs?: number;
}

/** The default deadline of one KMS request: the 30 s. */
export const KMS_DEFAULT_TIMEOUT_MS = 30_000;

/** The deadline in force: `opts.timeoutMs`, else `SIGCHAIN_KMS_TIMEOUT_MS`, else 30 s. */
export function kmsTimeoutMs(opts: KmsOptions = {}): number {
  if (opts.timeoutMs !== undefined && Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0) return opts.timeoutMs;
  const fromEnv = Number((opts.env ?? process.env).SIGCHAIN_KMS_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : KMS_DEFAULT_TIMEOUT_MS;
}

/** Who is being called, for messages: `AWS KMS at https://…`, plus the secrets to keep out of them. */
export interface KmsPeer {
  /** `AWS KMS`, `GCP Cloud KMS`, `Vault transit`. */
  readonly service: string;
  /** Where it is reached, for messages (never holds a credential). */
  readonly where: string;
  /** Credential values this adapter knows (tokens, secret keys): never printed. */
  readonly secrets: () => readonly string[];
}

// Error codes of the network, not of the service: the service was never reached.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CLOSED',
]);
// TLS failures: what answered could not be trusted to be the service.
const TLS_CODES = /^(?:ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_|ERR_SSL_)/;

/**
 * Runs one request to a KMS under the deadline. `run` gets an AbortSignal that fires at the
 * deadline; whatever it throws is named by {@link classify}.
 *
 * @example
 * ```ts
 * const key = await callKms(peer, 'GetPublicKey', 30_000, (signal) => client.send(cmd, { abortSignal: signal }));
 * ```
 */
export async function callKms<T>(peer: KmsPeer, what: string, timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new SigchainError(
          'KMS_UNAVAILABLE',
          `${peer.service} at ${peer.where} did not answer ${what} within ${formatMs(timeoutMs)}. Check that it is reachable from here, or allow longer with SIGCHAIN_KMS_TIMEOUT_MS.`,
          { service: peer.service, where: peer.where, request: what, timeoutMs },
        ),
      );
    }, timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } catch (e) {
    if (controller.signal.aborted && !(e instanceof SigchainError && e.code === 'KMS_UNAVAILABLE')) {
      // The request's own abort error lost the race against ours by a tick: report the deadline.
      return await deadline;
    }
    throw classify(peer, what, e);
  } finally {
    clearTimeout(timer);
  }
}

/** Names a failure of `what` at `peer` with the KMS codes (a SigchainError passes, redacted). */
export function classify(peer: KmsPeer, what: string, e: unknown): SigchainError {
  if (e instanceof SigchainError) return redactError(peer, e);
  const net = networkCode(e);
  if (net) {
    return new SigchainError(
      'KMS_UNAVAILABLE',
      redact(peer, `${peer.service} at ${peer.where} could not be reached for ${what} (${net}). Check the address and that the service runs.`),
      { service: peer.service, where: peer.where, request: what, cause: net },
    );
  }
  return badResponse(peer, what, describe(e));
}

/** `KMS_BAD_RESPONSE`: the service answered, but not with a usable reply. */
export function badResponse(peer: KmsPeer, what: string, said: string): SigchainError {
  return new SigchainError('KMS_BAD_RESPONSE', redact(peer, `${peer.service} at ${peer.where} gave no usable answer to ${what}: ${said}`), {
    service: peer.service,
    where: peer.where,
    request: what,
  });
}

/** `KMS_NOT_CONFIGURED`: nothing to call, or nothing to call it with. */
export function notConfigured(peer: Pick<KmsPeer, 'service'>, what: string): SigchainError {
  return new SigchainError('KMS_NOT_CONFIGURED', `${peer.service} cannot be used as configured: ${what}`, { service: peer.service });
}

/** Replaces every credential the peer knows (and anything shaped like a bearer token) with `[redacted]`. */
export function redact(peer: Pick<KmsPeer, 'secrets'>, text: string): string {
  let out = text;
  for (const s of peer.secrets()) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(/(Bearer\s+)[^\s"',]+/gi, '$1[redacted]');
}

function redactError(peer: KmsPeer, e: SigchainError): SigchainError {
  const message = redact(peer, e.message);
  return message === e.message ? e : new SigchainError(e.code, message, e.details);
}

function networkCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let cur: unknown = e; cur && typeof cur === 'object' && !seen.has(cur); cur = (cur as { cause?: unknown }).cause) {
    seen.add(cur);
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || TLS_CODES.test(code))) return code;
    if (cur instanceof TypeError && cur.message === 'fetch failed') {
      // undici's wrapper of every failure before a response (its cause may carry no code: "bad port").
      const cause = (cur as { cause?: unknown }).cause;
      const inner = cause ? networkCode(cause) : undefined;
      return inner ?? (cause instanceof Error ? cause.message : 'fetch failed');
    }
    const errors = (cur as { errors?: unknown }).errors; // AggregateError of a dual-stack connect
    if (Array.isArray(errors)) for (const inner of errors) {
      const c = networkCode(inner);
      if (c) return c;
    }
  }
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
    return `${name}${e.message}`.slice(0, 500);
  }
  return String(e).slice(0, 500);
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
