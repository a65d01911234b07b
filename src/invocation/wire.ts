/**
 * The wasmCloud 0.82 invocation wire format: MessagePack maps with named fields, as
 * `rmp_serde::to_vec_named` writes `Invocation` and `InvocationResponse`, plus a JSON form with
 * the same field names and `msg` in base64 (for files people write and read).
 *
 * Reading is strict and bounded. Unknown extra fields are ignored, as 0.82 ignores them (they are
 * not signed and change nothing). A missing field, a field of the wrong type, a string that is
 * not UTF-8, a repeated key, non-MessagePack, or more than 16 MiB is `MALFORMED_INVOCATION`.
 * Only `traceContext` may be absent (OTP hosts moved it to NATS headers), and a response's
 * `error` (0.82 skips it when there is none). Where 0.82 itself would take a field missing
 * (serde defaults), sigchain does not: every 0.82 writer writes every field, so a missing one
 * means someone else wrote the message.
 *
 * Types follow `rmp_serde`: a string field takes MessagePack `str` or `bin` holding UTF-8, `msg`
 * takes `bin` or `str` (`serde_bytes`), `content_length` a non-negative integer (never a float).
 * sigchain writes what 0.82 writes: `str` for strings, `bin` for `msg`, minimal integers.
 */
import { encode } from '@msgpack/msgpack';
import { SigchainError } from '../errors.js';
import { FRACTION_MARK, JSON_FRACTIONS, parseMarkingFractions, parseStrictJson } from '../jwt/strict-json.js';
import type { WasmCloudEntity } from './entity.js';
import { MsgpackFloat, decodeStrictMsgpack } from './msgpack.js';
import { type InvocationRequest, type InvocationResponse, MAX_INVOCATION_BYTES } from './types.js';

/** The largest JSON invocation text read: 16 MiB of `msg` is 4/3 as much base64, plus the rest. */
export const MAX_INVOCATION_JSON_CHARS = Math.ceil((MAX_INVOCATION_BYTES * 4) / 3) + 64 * 1024;

/** At most this many `,`, `[` and `{` in a JSON invocation: JSON.parse makes one value per element. */
const MAX_JSON_ELEMENTS = 65_536;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(what: string, field?: string): SigchainError {
  const where = field === undefined ? '' : ` (field ${field})`;
  return new SigchainError('MALFORMED_INVOCATION', `The invocation is malformed${where}: ${what}.`, field === undefined ? undefined : { field });
}

// One reader per form: MessagePack gives strings as bytes (rawStrings) and floats as
// MsgpackFloat; JSON gives strings as strings and `msg` as base64 text.
interface Form {
  str(v: unknown, field: string): string;
  bytes(v: unknown, field: string): Uint8Array;
}

const MSGPACK: Form = {
  str(v, field) {
    if (!(v instanceof Uint8Array)) throw malformed(`${describe(v)} where a string goes`, field);
    try {
      return utf8.decode(v);
    } catch {
      throw malformed('a string that is not UTF-8', field);
    }
  },
  bytes(v, field) {
    if (!(v instanceof Uint8Array)) throw malformed(`${describe(v)} where bytes go`, field);
    return v.slice(); // the decoder hands out views of the input; the caller may reuse its buffer
  },
};

const JSON_FORM: Form = {
  str(v, field) {
    if (typeof v !== 'string' || v.startsWith(FRACTION_MARK)) throw malformed(`${describe(v)} where a string goes`, field);
    return v;
  },
  bytes(v, field) {
    if (typeof v !== 'string') throw malformed(`${describe(v)} where base64 text goes`, field);
    const out = Buffer.from(v, 'base64');
    // Canonical standard base64 only (padded, no stray characters): one text per byte string.
    if (out.toString('base64') !== v) throw malformed('text that is not canonical base64 (standard alphabet, padded)', field);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'nil';
  if (v instanceof MsgpackFloat) return 'a float';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'bigint') return 'an integer';
  if (typeof v === 'string' && v.startsWith(FRACTION_MARK)) return 'a number with a fraction';
  return typeof v === 'object' ? 'a map' : `a ${typeof v}`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function field(map: Record<string, unknown>, name: string, path: string): unknown {
  // Own keys only: an inherited `constructor` or `toString` is not a field.
  if (!Object.hasOwn(map, name)) throw malformed('the field is missing', path);
  return map[name];
}

function u64(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v + 0; // + 0: JSON's -0 is 0
  if (typeof v === 'bigint' && v >= 0n) {
    // 0.82 reads any u64; no message is 8 PiB long, so what JavaScript cannot count exactly is refused.
    if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    throw malformed('a length above 2^53', path);
  }
  throw malformed(`${describe(v)} where a non-negative integer goes`, path);
}

// Field paths of the two entities, made once (a decode runs per invocation received).
const PATHS = {
  origin: { public_key: 'origin.public_key', link_name: 'origin.link_name', contract_id: 'origin.contract_id' },
  target: { public_key: 'target.public_key', link_name: 'target.link_name', contract_id: 'target.contract_id' },
} as const;

function entity(v: unknown, path: 'origin' | 'target', form: Form): WasmCloudEntity {
  if (!isMap(v)) throw malformed(`${describe(v)} where an entity map goes`, path);
  const p = PATHS[path];
  return {
    public_key: form.str(field(v, 'public_key', p.public_key), p.public_key),
    link_name: form.str(field(v, 'link_name', p.link_name), p.link_name),
    contract_id: form.str(field(v, 'contract_id', p.contract_id), p.contract_id),
  };
}

function traceContext(map: Record<string, unknown>, form: Form): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Object.hasOwn(map, 'traceContext')) return out;
  const v = map.traceContext;
  if (!isMap(v)) throw malformed(`${describe(v)} where a map of strings goes`, 'traceContext');
  for (const k of Object.keys(v)) {
    // `__proto__` would set the prototype of `out` instead of adding a key (the MessagePack
    // decoder refuses it already; JSON.parse does not).
    if (k === '__proto__') throw malformed('the key __proto__', 'traceContext');
    out[k] = form.str(v[k], `traceContext.${k}`);
  }
  return out;
}

function request(v: unknown, form: Form): InvocationRequest {
  if (!isMap(v)) throw malformed(`${describe(v)} where a map of named fields goes (0.82 writes invocations as maps)`);
  return {
    origin: entity(field(v, 'origin', 'origin'), 'origin', form),
    target: entity(field(v, 'target', 'target'), 'target', form),
    operation: form.str(field(v, 'operation', 'operation'), 'operation'),
    msg: form.bytes(field(v, 'msg', 'msg'), 'msg'),
    id: form.str(field(v, 'id', 'id'), 'id'),
    encoded_claims: form.str(field(v, 'encoded_claims', 'encoded_claims'), 'encoded_claims'),
    host_id: form.str(field(v, 'host_id', 'host_id'), 'host_id'),
    content_length: u64(field(v, 'content_length', 'content_length'), 'content_length'),
    traceContext: traceContext(v, form),
  };
}

function response(v: unknown, form: Form): InvocationResponse {
  if (!isMap(v)) throw malformed(`${describe(v)} where a map of named fields goes`);
  const out: InvocationResponse = {
    msg: form.bytes(field(v, 'msg', 'msg'), 'msg'),
    invocation_id: form.str(field(v, 'invocation_id', 'invocation_id'), 'invocation_id'),
    content_length: u64(field(v, 'content_length', 'content_length'), 'content_length'),
    traceContext: traceContext(v, form),
  };
  // Option<String>: absent or nil is None.
  if (Object.hasOwn(v, 'error') && v.error !== null) out.error = form.str(v.error, 'error');
  return out;
}

function fromMsgpack(bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) throw malformed('the input is not bytes');
  if (bytes.length > MAX_INVOCATION_BYTES) throw malformed(`it is ${bytes.length} bytes, over the ${MAX_INVOCATION_BYTES}-byte (16 MiB) limit`);
  const r = decodeStrictMsgpack(bytes);
  if (typeof r === 'string') throw malformed(r);
  return r.value;
}

function fromJson(text: string): unknown {
  if (typeof text !== 'string') throw malformed('the input is not text');
  if (text.length > MAX_INVOCATION_JSON_CHARS) throw malformed(`it is ${text.length} characters of JSON, over the limit for a 16 MiB invocation`);
  let elements = 0;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) elements++;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) elements++;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) elements++;
  if (elements > MAX_JSON_ELEMENTS) throw malformed(`it holds more than ${MAX_JSON_ELEMENTS} JSON values`);
  const r = parseStrictJson(text);
  if (typeof r === 'string') throw malformed(`the JSON is refused: ${r}`);
  // Integers must be written as integers (`2`, not `2.0`), as in MessagePack.
  return (r.notes & JSON_FRACTIONS) !== 0 ? parseMarkingFractions(text) : r.value;
}

/**
 * Reads a MessagePack invocation (what a 0.82 host publishes on `wasmbus.rpc.…`).
 * Throws `MALFORMED_INVOCATION` (with `details.field` when one field is at fault).
 *
 * @example
 * ```ts
 * const req = decodeInvocation(natsMessage.data);
 * req.operation; // 'Echo.Echo'
 * ```
 */
export function decodeInvocation(bytes: Uint8Array): InvocationRequest {
  return request(fromMsgpack(bytes), MSGPACK);
}

/**
 * Reads the JSON form of an invocation: the same field names, `msg` in standard base64.
 *
 * @example
 * ```ts
 * const req = decodeInvocationJson(readFileSync('inv.json', 'utf8'));
 * ```
 */
export function decodeInvocationJson(text: string): InvocationRequest {
  return request(fromJson(text), JSON_FORM);
}

/**
 * Reads an invocation in either form: JSON when the first non-blank byte is `{` (no MessagePack
 * invocation starts so: `{` is the integer 123 there), else MessagePack.
 *
 * @example
 * ```ts
 * const req = readInvocation(readFileSync(file));
 * ```
 */
export function readInvocation(bytes: Uint8Array): InvocationRequest {
  if (!(bytes instanceof Uint8Array)) throw malformed('the input is not bytes');
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x7b) return decodeInvocation(bytes);
  if (bytes.length > MAX_INVOCATION_JSON_CHARS) throw malformed(`it is ${bytes.length} bytes of JSON, over the limit for a 16 MiB invocation`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed('the JSON text is not UTF-8');
  }
  return decodeInvocationJson(text);
}

/**
 * Reads a MessagePack invocation response.
 *
 * @example
 * ```ts
 * const res = decodeInvocationResponse(reply.data);
 * if (res.error !== undefined) fail(res.error);
 * ```
 */
export function decodeInvocationResponse(bytes: Uint8Array): InvocationResponse {
  return response(fromMsgpack(bytes), MSGPACK);
}

/** Reads the JSON form of an invocation response (`msg` in base64). */
export function decodeInvocationResponseJson(text: string): InvocationResponse {
  return response(fromJson(text), JSON_FORM);
}

function entityOut(e: WasmCloudEntity): WasmCloudEntity {
  return { public_key: e.public_key, link_name: e.link_name, contract_id: e.contract_id };
}

function ordered(req: InvocationRequest, msg: Uint8Array | string): Record<string, unknown> {
  // 0.82's field order (the struct's), so the bytes match rmp_serde's.
  return {
    origin: entityOut(req.origin),
    target: entityOut(req.target),
    operation: req.operation,
    msg,
    id: req.id,
    encoded_claims: req.encoded_claims,
    host_id: req.host_id,
    content_length: req.content_length,
    traceContext: { ...req.traceContext },
  };
}

function orderedResponse(res: InvocationResponse, msg: Uint8Array | string): Record<string, unknown> {
  const out: Record<string, unknown> = { msg, invocation_id: res.invocation_id };
  if (res.error !== undefined) out.error = res.error;
  out.content_length = res.content_length;
  out.traceContext = { ...res.traceContext };
  return out;
}

function checkLength(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw malformed('content_length must be a non-negative integer', 'content_length');
}

function msgpackOut(value: Record<string, unknown>): Uint8Array {
  const out = encode(value, { ignoreUndefined: true });
  if (out.length > MAX_INVOCATION_BYTES) throw malformed(`it would be ${out.length} bytes, over the 16 MiB limit (0.82 chunks bodies over 900 KiB into the object store)`);
  return out;
}

/**
 * Writes an invocation as 0.82 does (`rmp_serde::to_vec_named`): a map in the struct's field
 * order, strings as `str`, `msg` as `bin`, integers in their smallest form.
 *
 * @example
 * ```ts
 * nc.publish(`wasmbus.rpc.${lattice}.${req.target.public_key}`, encodeInvocation(req));
 * ```
 */
export function encodeInvocation(req: InvocationRequest): Uint8Array {
  checkLength(req.content_length);
  return msgpackOut(ordered(req, req.msg));
}

/**
 * The JSON form of an invocation (same field names, `msg` in standard base64), as text.
 *
 * @example
 * ```ts
 * writeFileSync('inv.json', invocationToJson(req));
 * ```
 */
export function invocationToJson(req: InvocationRequest): string {
  checkLength(req.content_length);
  return JSON.stringify(ordered(req, Buffer.from(req.msg.buffer, req.msg.byteOffset, req.msg.byteLength).toString('base64')));
}

/**
 * Writes an invocation response as 0.82 does (`error` left out when there is none).
 *
 * @example
 * ```ts
 * nc.publish(reply, encodeInvocationResponse({ msg, invocation_id: req.id, content_length: msg.length, traceContext: {} }));
 * ```
 */
export function encodeInvocationResponse(res: InvocationResponse): Uint8Array {
  checkLength(res.content_length);
  return msgpackOut(orderedResponse(res, res.msg));
}

/** The JSON form of an invocation response. */
export function invocationResponseToJson(res: InvocationResponse): string {
  checkLength(res.content_length);
  return JSON.stringify(orderedResponse(res, Buffer.from(res.msg.buffer, res.msg.byteOffset, res.msg.byteLength).toString('base64')));
}
