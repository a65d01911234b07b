/**
 * The token(s) in a text, judged whole: the one reader every command and library caller
 * uses for untrusted token text. Never a substring: a bare text is one token as it stands, an
 * armored block's one line is the token (as Go's `ParseDecoratedJWT` reads it), and in a text
 * holding several tokens (a server config) every word that begins like a JWT must be one
 * exactly. Anything that is not exactly three strict base64url parts is `MALFORMED_TOKEN`.
 * Pure and linear in the text's length; no disk.
 */
import { type ArmorScan, scanArmor } from './armor.js';
import { credsFromArmor } from './creds.js';
import { MAX_TEXT_FILE_SIZE, MAX_TOKEN_FILE_SIZE } from './limits.js';
import { malformed, strictToken, tokenOfBlock, tooLarge } from './token-shape.js';
import { trimSpace } from '../text.js';

function isCredential(armor: ArmorScan): boolean {
  return armor.bareSeed !== undefined || armor.blocks.some((b) => b.kind === 'key');
}

function unclosed(armor: ArmorScan, source: string): void {
  if (armor.unclosedAt !== undefined) throw malformed(source, `has an armor line (line ${armor.unclosedAt}) that no closing armor line follows`);
}

/**
 * The one token in what a person pasted or a file held: a bare token (the whole text,
 * trimmed), a decorated JWT file (its block's line), or a creds file (its user JWT, after
 * checking the file is a user credential: `parseCreds`). A text holding anything else, or
 * more than one token, is refused. `source` names the input in messages.
 *
 * Codes: `MALFORMED_TOKEN`, `TOKEN_TOO_LARGE` (over {@link MAX_TOKEN_FILE_SIZE}); for creds
 * also `MALFORMED_CREDS`, `WRONG_CLAIM_TYPE`, `CREDS_KEY_MISMATCH`.
 *
 * @example
 * ```ts
 * const jwt = tokenFromText(readFileSync('alice.creds', 'utf8'), 'alice.creds');
 * ```
 */
export function tokenFromText(text: string, source = 'The input'): string {
  if (typeof text !== 'string') throw malformed(source, 'is not text');
  if (text.length > MAX_TOKEN_FILE_SIZE) throw tooLarge(source, text.length, MAX_TOKEN_FILE_SIZE);
  const armor = scanArmor(text);
  if (!armor) {
    const t = trimSpace(text);
    if (!t) throw malformed(source, 'is empty');
    return strictToken(t, source);
  }
  unclosed(armor, source);
  if (isCredential(armor)) return credsFromArmor(armor, source).jwt;
  const blocks = armor.blocks;
  if (blocks.length === 0) throw malformed(source, 'has armor lines but no token between them');
  if (blocks.length > 1) throw malformed(source, `holds ${blocks.length} armored blocks; give one token`);
  return tokenOfBlock(blocks[0]!, source);
}

// Word delimiters: whitespace, quotes and config punctuation. A table, since every character
// of a multi-megabyte config goes through it.
const DELIM = new Uint8Array(128);
for (const c of ' \t\r\n\v\f"\'`,;{}[]()') DELIM[c.charCodeAt(0)] = 1;
function isDelim(c: number): boolean {
  return c < 128 ? DELIM[c] === 1 : c === 0xa0 || c === 0xfeff;
}
// `KEY: value` / `KEY=value` written without a space (nats-server config, resolver_preload).
const KEY_PREFIX = /^[A-Za-z0-9_$-]+$/;

/**
 * The token a word `text[from, to)` is meant as, or undefined when it holds no JWT. A word that
 * holds `eyJ` (how every JWT begins) anywhere but at its start or after a `KEY:`/`KEY=` prefix
 * is returned whole, to be refused: `.eyJ….s` or `x+eyJ….s` is never cut down to a token.
 */
function candidate(text: string, from: number, to: number): string | undefined {
  if (text.startsWith('eyJ', from)) return text.slice(from, to);
  const at = text.indexOf('eyJ', from);
  if (at < 0 || at >= to) return undefined;
  const sep = at - 1;
  const c = text.charCodeAt(sep);
  if ((c === 58 || c === 61) && sep > from && KEY_PREFIX.test(text.slice(from, sep))) return text.slice(at, to);
  return text.slice(from, to);
}

/**
 * Every token of a text that may hold several, in order: a server config (`operator:`,
 * `resolver_preload`), a decorated JWT file (each block's line), a creds file (its user JWT,
 * checked as a user credential), or a bare token. Without armor, the text is read word by
 * word (words end at whitespace, quotes, `,;{}[]()`; a `KEY:` or `KEY=` before a value is
 * dropped; lines starting with `#` or `//` are comments): every word that begins with `eyJ`,
 * as every JWT does, must be exactly a strict token, or the text is refused naming the line.
 * Returns [] when the text holds no token.
 *
 * Codes: those of {@link tokenFromText}; the size bound is {@link MAX_TEXT_FILE_SIZE}.
 *
 * @example
 * ```ts
 * jwtsInText(readFileSync('server.conf', 'utf8'), 'server.conf'); // [operatorJwt, ...accountJwts]
 * ```
 */
export function jwtsInText(text: string, source = 'The input'): string[] {
  if (typeof text !== 'string') throw malformed(source, 'is not text');
  if (text.length > MAX_TEXT_FILE_SIZE) throw tooLarge(source, text.length, MAX_TEXT_FILE_SIZE);
  const armor = scanArmor(text);
  if (armor) {
    unclosed(armor, source);
    if (isCredential(armor)) return [credsFromArmor(armor, source).jwt];
    return armor.blocks.map((b) => tokenOfBlock(b, source));
  }
  const out: string[] = [];
  let lineNo = 0;
  const n = text.length;
  for (let start = 0; start <= n; ) {
    lineNo++;
    let i = start;
    while (i < n && text.charCodeAt(i) !== 10 && isDelim(text.charCodeAt(i))) i++;
    if (i >= n || text.charCodeAt(i) === 10) {
      start = i + 1;
      continue;
    }
    let end = text.indexOf('\n', i);
    if (end < 0) end = n;
    start = end + 1;
    if (text.startsWith('#', i) || text.startsWith('//', i)) continue;
    while (i < end) {
      while (i < end && isDelim(text.charCodeAt(i))) i++;
      const from = i;
      while (i < end && !isDelim(text.charCodeAt(i))) i++;
      if (i === from) continue;
      const tok = candidate(text, from, i);
      if (tok !== undefined) out.push(strictToken(tok, source, lineNo));
    }
  }
  return out;
}
