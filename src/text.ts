/**
 * Text helpers every reader of tokens, keys and creds shares, so that no two readers accept
 * different bytes.
 */

/** Space, tab, LF, VT, FF, CR: the whitespace an editor or a shell leaves around a token. */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * `text` without the ASCII whitespace at its ends (a file's final newline, a pasted token's
 * spaces), and nothing else: unlike `String.prototype.trim`, a no-break space, a byte-order
 * mark or a line separator stays, so the token is refused whether its file was read as UTF-8 or
 * as latin1 (where one stray byte 0xA0 would read as a no-break space and be trimmed away).
 *
 * @example
 * ```ts
 * trimSpace(' eyJ…\r\n');  // 'eyJ…'
 * trimSpace('eyJ…\u00a0'); // 'eyJ…\u00a0' (then refused as MALFORMED_TOKEN)
 * ```
 */
export function trimSpace(text: string): string {
  let end = text.length;
  let start = 0;
  // Most tokens have nothing to trim: two character checks, no copy.
  while (end > 0 && isAsciiSpace(text.charCodeAt(end - 1))) end--;
  while (start < end && isAsciiSpace(text.charCodeAt(start))) start++;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
