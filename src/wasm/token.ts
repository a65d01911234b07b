/**
 * Reading and writing the wasmCloud token (a wascap JWT) embedded in a WebAssembly module or
 * component as a custom section. Only the bytes: decoding and checking the token is the wascap
 * claims codec's job.
 */
import { SigchainError } from '../errors.js';
import { malformed, varU32Size, writeVarU32 } from './leb128.js';
import { TOKEN_SECTION_NAMES, type TokenSectionName, stripTokenSections, tokenSectionName } from './hash.js';
import { walkWasm } from './reader.js';

/** A token found in a WebAssembly binary, and the custom section it was in. */
export interface EmbeddedToken {
  section: TokenSectionName;
  token: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The token embedded in a WebAssembly module or component, or undefined when it has none.
 *
 * Which one counts, as in wascap's `extract_claims`: the first token section in byte order,
 * whatever its name (`wasmcloud_jwt` or the older `jwt`); wascap's own embedding removes every
 * old one, so a file it signed has exactly one. Unlike wascap, only sections of the file itself
 * count: wascap also takes a `jwt` section from inside a nested core module (an operator-
 * precedence slip, `a || b && depth == 0`), which would let a component pass off a signed
 * module's token as its own. The whole file is read either way, so a file that is not
 * well-formed is MALFORMED_WASM even when a token comes early. A token that is not UTF-8 is
 * MALFORMED_WASM too (wascap refuses it as well).
 *
 * @example
 * ```ts
 * const found = readEmbeddedToken(readFileSync('echo_s.wasm'));
 * if (found) console.log(found.section, found.token.split('.').length); // 'jwt' 3
 * ```
 */
export function readEmbeddedToken(bytes: Uint8Array): EmbeddedToken | undefined {
  let found: { section: TokenSectionName; start: number; end: number; at: number } | undefined;
  walkWasm(bytes, {
    section(s) {
      if (found || s.depth !== 0) return;
      const name = tokenSectionName(bytes, s);
      if (name) found = { section: name, start: s.nameEnd, end: s.end, at: s.start };
    },
  });
  if (!found) return undefined;
  let token: string;
  try {
    token = utf8.decode(bytes.subarray(found.start, found.end));
  } catch {
    throw malformed(`the ${found.section} section does not hold UTF-8 text`, found.at);
  }
  return { section: found.section, token };
}

/**
 * A copy of `bytes` signed with `token`: the bytes wascap hashes ({@link stripTokenSections}:
 * every old `jwt` / `wasmcloud_jwt` section removed at every depth, so re-signing replaces the
 * token, and section lengths rewritten minimally), then the token appended as a custom section
 * named `section`. This is byte for byte what wascap's `embed_claims` writes, so the module hash
 * of the result equals that of the input and a token carrying it verifies.
 *
 * `token` must be non-empty printable ASCII (a compact JWT), or MALFORMED_TOKEN; `section` must
 * be a token section name, or USAGE. Throws MALFORMED_WASM when `bytes` is not well-formed.
 *
 * @example
 * ```ts
 * const hash = computeModuleHash(wasm);      // goes into the token's wascap.hash claim
 * const signed = embedToken(wasm, token);     // token: the compact JWT signed over that claim
 * computeModuleHash(signed) === hash;         // true
 * readEmbeddedToken(signed)?.section; // 'wasmcloud_jwt'
 * ```
 */
export function embedToken(bytes: Uint8Array, token: string, section: TokenSectionName = 'wasmcloud_jwt'): Uint8Array {
  if (!(TOKEN_SECTION_NAMES as readonly string[]).includes(section)) throw new SigchainError('USAGE', `A token is embedded under the custom section wasmcloud_jwt (or the older jwt), not ${JSON.stringify(section)}.`);
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) throw new SigchainError('MALFORMED_TOKEN', 'The token to embed must be a compact JWT: non-empty printable ASCII, no spaces or line breaks.');
  const body = stripTokenSections(bytes);
  const name = new TextEncoder().encode(section);
  const payload = new TextEncoder().encode(token);
  const contentLen = varU32Size(name.length) + name.length + payload.length;
  if (contentLen > 0xffff_ffff) throw new SigchainError('MALFORMED_TOKEN', 'The token is too large for a WebAssembly custom section (over 4 GiB).');
  const out = new Uint8Array(body.length + 1 + varU32Size(contentLen) + contentLen);
  out.set(body, 0);
  let at = body.length;
  out[at++] = 0; // custom section
  at = writeVarU32(out, at, contentLen);
  at = writeVarU32(out, at, name.length);
  out.set(name, at);
  out.set(payload, at + name.length);
  return out;
}
