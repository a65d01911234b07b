/**
 * Text from tokens (names, descriptions, URLs, tags) is chosen by whoever signed them. Printed
 * as is, an escape sequence in a hostile token's name could rewrite the screen, hide a line or
 * change the terminal's settings. What reaches a terminal shows such characters, escaped.
 */

// C0 controls but tab and newline, DEL, C1 controls (U+009B is CSI on some terminals), and
// the bidirectional overrides and isolates that reorder what is shown.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control or reordering character shown as `\u{…}`.
 *
 * @example
 * ```ts
 * forTerminal('evil\u001b[2Jname'); // 'evil\\u{1b}[2Jname'
 * ```
 */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
