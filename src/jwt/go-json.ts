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

// Most JSON has none of the characters Go escapes: a few native scans (cheaper than one regex
// pass) prove it. '\\b' and '\\f' may also be an escaped backslash before 'b' or 'f': a false
// alarm that only costs the full pass.
function mayNeedGoEscapes(json: string): boolean {
  return json.includes('<') || json.includes('>') || json.includes('&') || json.includes('\u2028') || json.includes('\u2029') || json.includes('\\b') || json.includes('\\f');
}

/**
 * `JSON.stringify` with Go's escaping. Key order is the object's own order, so callers
 * build objects in the Go struct's field order.
 */
export function goJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!mayNeedGoEscapes(json)) return json;
  // The characters only occur inside JSON strings, so a plain replace is exact; the
  // (\\)* guard keeps an escaped backslash followed by 'b' or 'f' untouched.
  return json.replace(/[<>&\u2028\u2029]|(?<!\\)((?:\\\\)*)\\([bf])/g, (m, slashes: string | undefined, letter: string | undefined) =>
    letter ? `${slashes ?? ''}${GO_ESCAPES[`\\${letter}`]}` : GO_ESCAPES[m]!,
  );
}
