/**
 * What a well-formed invocation must be beyond its types, before its token is looked at. 0.82
 * checked only the host ID; the rest closes gaps in what the token covers.
 *
 * The token signs the origin URL, the target URL and the hash, not the entities themselves. A URL
 * maps each entity to text with lower-casing, `' '`→`'_'` and `':'`→`'/'`, so
 * `{contract:"wasmcloud:kv", link:"Default"}` and `{contract:"wasmcloud/kv", link:"default"}` share
 * a URL, and one token would cover both while NATS routes them apart (the subject uses the raw
 * link name). Requiring keys to be real nkeys of the right role, link names and contract ids to
 * be already in URL form with no `/`, and operations without `/`, makes the URL name exactly one
 * invocation target, so what is signed is what is routed. The hash, too, is a plain
 * concatenation (`origin ‖ target/op ‖ op ‖ msg`): with an empty operation allowed, (op `A`,
 * msg `B`) and (op ``, msg `AAB`) hash alike (only the signed target URL tells them apart).
 */
import type { Finding } from '../errors.js';
import { publicKeyRole } from '../nkeys/codec.js';
import type { WasmCloudEntity } from './entity.js';
import { CHUNK_THRESHOLD_BYTES, type InvocationRequest } from './types.js';

/** The longest invocation ID accepted (0.82 writes a 36-character UUID): it is kept in the replay cache. */
export const MAX_INVOCATION_ID_LENGTH = 128;

function bad(message: string, field: string): Finding {
  return { code: 'MALFORMED_INVOCATION', message, field };
}

function urlForm(text: string): boolean {
  return !text.includes('/') && text === text.replaceAll(' ', '_').toLowerCase();
}

function entityFindings(e: WasmCloudEntity, path: string, out: Finding[]): void {
  const role = publicKeyRole(e.public_key);
  if (role !== 'module' && role !== 'service') {
    out.push(bad(`${path}.public_key is not an actor (M…) or provider (V…) public key`, `${path}.public_key`));
    return;
  }
  if (role === 'module') {
    if (e.link_name !== '' || e.contract_id !== '') out.push(bad(`${path} is an actor (M… key) but names a link or contract, which its URL leaves out`, path));
    return;
  }
  if (e.link_name === '' || e.contract_id === '') out.push(bad(`${path} is a provider (V… key) without a link name and a contract id`, path));
  if (!urlForm(e.link_name)) out.push(bad(`${path}.link_name must be lower-case without spaces or '/', so that its URL names one link`, `${path}.link_name`));
  if (!urlForm(e.contract_id)) out.push(bad(`${path}.contract_id must be lower-case without spaces or '/', so that its URL names one contract`, `${path}.contract_id`));
}

/**
 * Everything wrong with an invocation's shape, in field order (empty when it is well-formed):
 * `INVALID_HOST_ID` when `host_id` is not a server (N…) key (0.82's first check, same message);
 * `MALFORMED_INVOCATION` for an origin or target that is not an actor (M…, no link or contract)
 * or a provider (V…, link name and contract id in URL form), an empty operation or one with `/`,
 * an empty or over-long ID, empty `encoded_claims`, or a `content_length` that is neither
 * `msg.length` nor, with an empty `msg`, a chunked size (over 900 KiB).
 *
 * @example
 * ```ts
 * const findings = checkInvocationShape(decodeInvocation(bytes));
 * if (findings.length > 0) refuse(findings[0].code, findings[0].message);
 * ```
 */
export function checkInvocationShape(req: InvocationRequest): Finding[] {
  const out: Finding[] = [];
  entityFindings(req.origin, 'origin', out);
  entityFindings(req.target, 'target', out);
  if (req.operation === '' || req.operation.includes('/')) {
    out.push(bad(`the operation "${req.operation.slice(0, 80)}" must be a non-empty name without '/' (0.82 sends the part after the last '/')`, 'operation'));
  }
  if (req.content_length !== req.msg.length && !isChunked(req)) {
    out.push(bad(`content_length ${req.content_length} is not the ${req.msg.length} bytes of msg (only an empty msg may announce a chunked body over ${CHUNK_THRESHOLD_BYTES} bytes)`, 'content_length'));
  }
  if (req.id === '' || req.id.length > MAX_INVOCATION_ID_LENGTH) out.push(bad(`the invocation ID must have 1 to ${MAX_INVOCATION_ID_LENGTH} characters`, 'id'));
  if (req.encoded_claims === '') out.push(bad('encoded_claims is empty: the invocation carries no token', 'encoded_claims'));
  if (publicKeyRole(req.host_id) !== 'server') {
    out.push({ code: 'INVALID_HOST_ID', message: `invalid host ID on invocation: '${req.host_id.slice(0, 80)}' (it must be a server public key, N…)`, field: 'host_id' });
  }
  return out;
}

/**
 * True when the body travelled apart, in the JetStream object store (0.82: `msg` empty and
 * `content_length` over 900 KiB). 0.82 then skips the hash check; a verifier that cannot fetch
 * the body cannot check it either.
 *
 * @example
 * ```ts
 * if (isChunked(req)) body = await objectStore.get(req.id);
 * ```
 */
export function isChunked(req: InvocationRequest): boolean {
  return req.msg.length === 0 && req.content_length > CHUNK_THRESHOLD_BYTES;
}
