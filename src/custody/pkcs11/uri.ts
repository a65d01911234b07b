/**
 * RFC 7512 PKCS#11 URIs: the names HSM keys go by across the ecosystem (p11-kit, OpenSSL
 * providers, GnuTLS, cosign), so a key sigchain uses in a token is written the way every other
 * tool writes it: `pkcs11:token=T;object=O;id=%01?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/path`.
 *
 * Rules kept (RFC 7512 §2.3): path attributes are `;`-separated, query attributes `&`-separated;
 * a standard attribute appears at most once in its component; any other name (the RFC's
 * vendor-specific attributes, e.g. `vendor-aaa=value-a`) is kept as written, may repeat in the
 * query, and must not repeat in the path. A standard name in the wrong component is refused.
 * Values are percent-decoded as bytes: `id` stays bytes, every other value must be UTF-8.
 *
 * What sigchain does with vendor attributes it does not know: in the query (how to reach the
 * token) they are ignored; in the path (which object is meant) a key lookup refuses the URI
 * (KEY_URI_INVALID), since ignoring one could pick a different key than the URI's author meant.
 *
 * A PIN in the URI (`pin-value`) is accepted when parsing (tests, one-off scripts) but no URI
 * sigchain formats ever holds one: {@link formatPkcs11Uri} leaves it out, and {@link publicUri}
 * is the way to turn any URI text into one fit to store or print.
 */
import { SigchainError } from '../../errors.js';

/** The object classes a URI's `type` names. */
export type Pkcs11ObjectType = 'public' | 'private' | 'cert' | 'secret-key' | 'data';

/** A parsed PKCS#11 URI. Absent attributes match anything. */
export interface Pkcs11Uri {
  // path: token
  readonly token?: string;
  readonly manufacturer?: string;
  readonly serial?: string;
  readonly model?: string;
  // path: library
  readonly libraryManufacturer?: string;
  readonly libraryDescription?: string;
  /** `M` or `M.N`. */
  readonly libraryVersion?: string;
  // path: object
  readonly object?: string;
  readonly type?: Pkcs11ObjectType;
  /** CKA_ID, as bytes. */
  readonly id?: Uint8Array;
  // path: slot
  readonly slotDescription?: string;
  readonly slotManufacturer?: string;
  readonly slotId?: number;
  // query
  /** Where the PIN is: `file:/path` (or an absolute path). */
  readonly pinSource?: string;
  /** The PIN itself. Accepted for tests; never formatted. */
  readonly pinValue?: string;
  readonly moduleName?: string;
  readonly modulePath?: string;
  /** Vendor-specific path attributes, in order. */
  readonly vendorPath?: ReadonlyArray<readonly [string, string]>;
  /** Vendor-specific query attributes, in order (names may repeat). */
  readonly vendorQuery?: ReadonlyArray<readonly [string, string]>;
}

type TextKey = Exclude<keyof Pkcs11Uri, 'id' | 'slotId' | 'type' | 'vendorPath' | 'vendorQuery'>;

// The RFC's order, which is also the order sigchain formats them in.
const PATH_ATTRS: ReadonlyArray<readonly [string, keyof Pkcs11Uri]> = [
  ['token', 'token'],
  ['manufacturer', 'manufacturer'],
  ['serial', 'serial'],
  ['model', 'model'],
  ['library-manufacturer', 'libraryManufacturer'],
  ['library-description', 'libraryDescription'],
  ['library-version', 'libraryVersion'],
  ['object', 'object'],
  ['type', 'type'],
  ['id', 'id'],
  ['slot-description', 'slotDescription'],
  ['slot-manufacturer', 'slotManufacturer'],
  ['slot-id', 'slotId'],
];
const QUERY_ATTRS: ReadonlyArray<readonly [string, keyof Pkcs11Uri]> = [
  ['pin-source', 'pinSource'],
  ['pin-value', 'pinValue'],
  ['module-name', 'moduleName'],
  ['module-path', 'modulePath'],
];
const PATH_BY_NAME = new Map(PATH_ATTRS);
const QUERY_BY_NAME = new Map(QUERY_ATTRS);
const OBJECT_TYPES: readonly Pkcs11ObjectType[] = ['public', 'private', 'cert', 'secret-key', 'data'];

// RFC 7512 ABNF: pk11-attr-name chars; the characters a path or query value may hold unescaped.
const ATTR_NAME = /^[A-Za-z0-9_-]+$/;
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const RES_AVAIL = ":[]@!$'()*+,=";
const PATH_SAFE = new Set([...UNRESERVED, ...RES_AVAIL, '&']);
const QUERY_SAFE = new Set([...UNRESERVED, ...RES_AVAIL, '/', '?', '|']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(message: string, details?: Record<string, unknown>): SigchainError {
  return new SigchainError('KEY_URI_INVALID', `${message} A PKCS#11 URI looks like pkcs11:token=T;object=O?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/path (RFC 7512).`, details);
}

/** Percent-decodes `text` to bytes; refuses a `%` not followed by two hex digits and any character the grammar forbids. */
function decodeBytes(text: string, safe: ReadonlySet<string>, attr: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw invalid(`The value of "${attr}" has a "%" not followed by two hex digits.`, { attribute: attr });
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (safe.has(c)) {
      out.push(c.charCodeAt(0));
    } else {
      throw invalid(`The value of "${attr}" holds ${JSON.stringify(c)}, which a PKCS#11 URI must percent-encode.`, { attribute: attr });
    }
  }
  return Uint8Array.from(out);
}

function decodeText(text: string, safe: ReadonlySet<string>, attr: string): string {
  try {
    return utf8.decode(decodeBytes(text, safe, attr));
  } catch (e) {
    if (e instanceof SigchainError) throw e;
    throw invalid(`The value of "${attr}" is not UTF-8 once percent-decoded.`, { attribute: attr });
  }
}

function encodeBytes(bytes: Uint8Array, safe: ReadonlySet<string>): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && safe.has(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const encodeText = (text: string, safe: ReadonlySet<string>): string => encodeBytes(new TextEncoder().encode(text), safe);

/** Splits `name=value`; the name must follow the grammar. */
function splitAttr(part: string, where: 'path' | 'query'): [string, string] {
  const eq = part.indexOf('=');
  if (eq <= 0) throw invalid(`The ${where} part ${JSON.stringify(redactPart(part))} is not name=value.`);
  const name = part.slice(0, eq);
  if (!ATTR_NAME.test(name)) throw invalid(`${JSON.stringify(name)} is not an attribute name.`);
  return [name, part.slice(eq + 1)];
}

// A malformed part may be a PIN: never echo a value of pin-value.
function redactPart(part: string): string {
  return part.startsWith('pin-value') ? 'pin-value=…' : part.length > 80 ? `${part.slice(0, 80)}…` : part;
}

/**
 * Parses a PKCS#11 URI. Malformed text, a repeated standard attribute, an unknown standard-looking
 * attribute, or both `pin-source` and `pin-value` are `KEY_URI_INVALID` (whose message never holds
 * a PIN).
 *
 * @example
 * ```ts
 * const u = parsePkcs11Uri('pkcs11:token=T;object=OABC;id=%01?pin-value=1234');
 * u.token;   // 'T'
 * u.id;      // Uint8Array [1]
 * u.pinValue // '1234'
 * ```
 */
export function parsePkcs11Uri(text: string): Pkcs11Uri {
  if (typeof text !== 'string' || !/^pkcs11:/i.test(text)) throw invalid('A PKCS#11 URI starts with "pkcs11:".');
  if (text.includes('#')) throw invalid('A PKCS#11 URI has no fragment ("#" must be written %23).');
  const rest = text.slice('pkcs11:'.length);
  const q = rest.indexOf('?');
  const pathText = q === -1 ? rest : rest.slice(0, q);
  const queryText = q === -1 ? '' : rest.slice(q + 1);
  const out: Record<string, unknown> = {};
  const vendorPath: Array<[string, string]> = [];
  const vendorQuery: Array<[string, string]> = [];

  if (pathText !== '') {
    for (const part of pathText.split(';')) {
      if (part === '') throw invalid('The path has an empty attribute (";;" or a trailing ";").');
      const [name, raw] = splitAttr(part, 'path');
      const key = PATH_BY_NAME.get(name);
      if (key === undefined) {
        if (QUERY_BY_NAME.has(name)) throw invalid(`"${name}" is a query attribute: write it after "?".`, { attribute: name });
        if (vendorPath.some(([n]) => n === name)) throw invalid(`The path names "${name}" twice; each path attribute appears at most once.`, { attribute: name });
        vendorPath.push([name, decodeText(raw, PATH_SAFE, name)]);
        continue;
      }
      if (key in out) throw invalid(`The path names "${name}" twice; each path attribute appears at most once.`, { attribute: name });
      if (key === 'id') out.id = decodeBytes(raw, PATH_SAFE, name);
      else {
        const value = decodeText(raw, PATH_SAFE, name);
        if (key === 'type') {
          if (!(OBJECT_TYPES as readonly string[]).includes(value)) throw invalid(`"type" is one of ${OBJECT_TYPES.join(', ')}, not ${JSON.stringify(value)}.`, { attribute: name });
          out.type = value;
        } else if (key === 'slotId') {
          if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) throw invalid(`"slot-id" is a decimal number, not ${JSON.stringify(value)}.`, { attribute: name });
          out.slotId = Number(value);
        } else if (key === 'libraryVersion') {
          if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) throw invalid(`"library-version" is M or M.N, not ${JSON.stringify(value)}.`, { attribute: name });
          out.libraryVersion = value;
        } else out[key] = value;
      }
    }
  }
  if (queryText !== '' || q !== -1) {
    for (const part of queryText.split('&')) {
      if (part === '') throw invalid('The query has an empty attribute ("&&", a trailing "&" or a lone "?").');
      const [name, raw] = splitAttr(part, 'query');
      const key = QUERY_BY_NAME.get(name);
      if (key === undefined) {
        if (PATH_BY_NAME.has(name)) throw invalid(`"${name}" is a path attribute: write it before "?".`, { attribute: name });
        vendorQuery.push([name, decodeText(raw, QUERY_SAFE, name)]);
        continue;
      }
      if (key in out) throw invalid(`The query names "${name}" twice; each standard query attribute appears at most once.`, { attribute: name });
      out[key] = decodeText(raw, QUERY_SAFE, name);
    }
  }
  if (out.pinSource !== undefined && out.pinValue !== undefined) throw invalid('The URI has both "pin-source" and "pin-value"; give one.');
  if (vendorPath.length) out.vendorPath = vendorPath;
  if (vendorQuery.length) out.vendorQuery = vendorQuery;
  return out as Pkcs11Uri;
}

/**
 * Formats a PKCS#11 URI in the RFC's attribute order, percent-encoding what the grammar asks
 * (`id` always byte by byte). `pin-value` is never written: a formatted URI is fit to store and print.
 *
 * @example
 * ```ts
 * formatPkcs11Uri({ token: 'My Token', object: 'OABC', id: Uint8Array.of(1), pinValue: '1234' });
 * // 'pkcs11:token=My%20Token;object=OABC;id=%01'
 * ```
 */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const path: string[] = [];
  for (const [name, key] of PATH_ATTRS) {
    const v = uri[key];
    if (v === undefined) continue;
    if (key === 'id') path.push(`id=${[...(v as Uint8Array)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')}`);
    else if (key === 'slotId') path.push(`slot-id=${String(v)}`);
    else path.push(`${name}=${encodeText(String(v), PATH_SAFE)}`);
  }
  for (const [name, value] of uri.vendorPath ?? []) path.push(`${name}=${encodeText(value, PATH_SAFE)}`);
  const query: string[] = [];
  for (const [name, key] of QUERY_ATTRS) {
    if (key === 'pinValue') continue;
    const v = uri[key as TextKey];
    if (v !== undefined) query.push(`${name}=${encodeText(v, QUERY_SAFE)}`);
  }
  for (const [name, value] of uri.vendorQuery ?? []) query.push(`${name}=${encodeText(value, QUERY_SAFE)}`);
  return `pkcs11:${path.join(';')}${query.length ? `?${query.join('&')}` : ''}`;
}

/**
 * The URI as it may be stored or printed: parsed and formatted again, so `pin-value` is gone
 * (and the spelling is canonical). Malformed text is `KEY_URI_INVALID`.
 *
 * @example
 * ```ts
 * publicUri('pkcs11:token=T;object=OABC?pin-value=1234'); // 'pkcs11:token=T;object=OABC'
 * ```
 */
export function publicUri(uri: string | Pkcs11Uri): string {
  return formatPkcs11Uri(typeof uri === 'string' ? parsePkcs11Uri(uri) : uri);
}

/** True when `text` starts with the `pkcs11:` scheme (it may still be malformed). */
export function isPkcs11Uri(text: string): boolean {
  return /^pkcs11:/i.test(text);
}
