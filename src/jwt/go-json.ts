// Go's encoding/json escapes '<', '>', '&', U+2028 and U+2029, and writes \b and \f as
// \u0008 and \u000c. Matching it byte for byte lets sigchain reproduce tokens the Go
// library (and nsc) writes, and compute the same jti.
const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
  '\\b': '\\u0008',
  '\\f': '\\u000c',
};

/**
 * `JSON.stringify` with Go's escaping. Key order is the object's own order, so callers
 * build objects in the Go struct's field order.
 */
export function goJson(value: unknown): string {
  const json = JSON.stringify(value);
  // The characters only occur inside JSON strings, so a plain replace is exact; the
  // (\\)* guard keeps an escaped backslash followed by 'b' or 'f' untouched.
  return json.replace(/[<>&\u2028\u2029]|(?<!\\)((?:\\\\)*)\\([bf])/g, (m, slashes: string | undefined, letter: string | undefined) =>
    letter ? `${slashes ?? ''}${GO_ESCAPES[`\\${letter}`]}` : GO_ESCAPES[m]!,
  );
}
