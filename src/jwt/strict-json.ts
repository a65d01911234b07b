/**
 * JSON for the parts of a token, read so that nothing is ambiguous: one scan of the text
 * beside the native `JSON.parse` refuses what would let two readers see different things, and
 * notes what a schema needs to mirror Go's decoder exactly. Format-independent (NATS and
 * wascap payloads both go through it).
 *
 * - Nesting deeper than {@link TOKEN_JSON_MAX_DEPTH}: Go's decoder stops at 10,000, serde_json
 *   (wascap) at 128; sigchain stops earlier, since `JSON.stringify`, `structuredClone` and
 *   `Array.prototype.join` overflow the stack on values nested ~10,000 deep.
 * - Duplicate keys in an object: `JSON.parse` and Go keep the last silently, and other readers
 *   may keep the first. Found by counting members in the text against own keys after parsing.
 * - `\u` escapes of unpaired surrogates: JS keeps them, Go turns them into U+FFFD.
 *
 * Noted, not refused: number literals with a fraction or exponent (Go's decoder refuses them for
 * integer fields, while `JSON.parse("2.0")` is 2), and strings holding escapes.
 */

/** Go's encoding/json nesting limit: deeper documents are refused by Go itself. */
export const GO_JSON_MAX_DEPTH = 10_000;

/** How deep sigchain reads the JSON of a token (objects and arrays, the outermost counting 1). */
export const TOKEN_JSON_MAX_DEPTH = 100;

/** Note: some number literal has a fraction or an exponent (`2.0`, `1e3`). */
export const JSON_FRACTIONS = 1;
/** Note: some string literal holds a backslash escape. */
export const JSON_ESCAPES = 2;

/** What {@link parseStrictJson} read: the value, and the notes (bit flags) of its text. */
export interface StrictJson {
  readonly value: unknown;
  readonly notes: number;
}

/**
 * The first character of the strings {@link parseMarkingFractions} puts in place of number
 * literals with a fraction or exponent. An unpaired low surrogate: text that passed
 * {@link parseStrictJson} cannot otherwise hold one.
 */
export const FRACTION_MARK = '\udfff';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function hex4(text: string, at: number): number {
  if (at + 4 > text.length) return -1;
  const v = Number.parseInt(text.slice(at, at + 4), 16);
  return Number.isNaN(v) ? -1 : v;
}

// Scan results, kept in module variables: the scan runs for every token and allocates nothing.
let members = 0;
let notes = 0;

// One pass over the text: depth, members (`:` outside strings), notes, unpaired surrogates.
// Returns why the text is refused, or undefined. Syntax errors are left to JSON.parse.
function scan(text: string, maxDepth: number): string | undefined {
  let depth = 0;
  members = 0;
  notes = 0;
  const n = text.length;
  // Strings are skipped with native searches (most of a token is strings): the next quote and
  // the next backslash, each found once and searched again only when passed.
  let escape = text.indexOf('\\');
  if (escape < 0) escape = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (escape < i) escape = text.indexOf('\\', i) < 0 ? n : text.indexOf('\\', i); // a stray one outside strings: JSON.parse refuses it
      let close = text.indexOf('"', i + 1);
      for (;;) {
        if (close < 0) return undefined; // unterminated: JSON.parse says so
        if (escape > close) {
          i = close;
          break;
        }
        notes |= JSON_ESCAPES;
        i = escape + 1;
        if (text.charCodeAt(i) === 0x75 /* u */) {
          const unit = hex4(text, i + 1);
          i += 4;
          if (unit >= 0xd800 && unit <= 0xdfff) {
            // A high surrogate must be followed at once by an escaped low one.
            const low = unit <= 0xdbff && text.charCodeAt(i + 1) === BACKSLASH && text.charCodeAt(i + 2) === 0x75 ? hex4(text, i + 3) : -1;
            if (low < 0xdc00 || low > 0xdfff) return 'a string holds an unpaired surrogate escape (Go reads it as U+FFFD, JavaScript as is)';
            i += 6;
          }
        }
        escape = text.indexOf('\\', i + 1);
        if (escape < 0) escape = n;
        // Searched again only when passed (an escaped quote): searching from each escape to a
        // distant closing quote would be quadratic.
        if (close <= i) close = text.indexOf('"', i + 1);
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return `it is nested more than ${maxDepth} levels deep`;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x3a /* : */) {
      members++;
    } else if (c === 0x2e /* . */) {
      notes |= JSON_FRACTIONS;
    } else if (c === 0x65 /* e */ || c === 0x45 /* E */) {
      // An exponent follows a digit; the e of true and false does not.
      const p = text.charCodeAt(i - 1);
      if (p >= 0x30 && p <= 0x39) notes |= JSON_FRACTIONS;
    }
  }
  return undefined;
}

// Own keys of every object in `value`, walked with an explicit stack (no recursion).
const stack: object[] = [];
function ownKeyCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  stack.length = 0;
  stack.push(value);
  while (stack.length > 0) {
    const x = stack.pop() as Record<string, unknown>;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) {
        const y: unknown = x[i];
        if (typeof y === 'object' && y !== null) stack.push(y);
      }
    } else {
      for (const k in x) {
        count++;
        const y = x[k];
        if (typeof y === 'object' && y !== null) stack.push(y);
      }
    }
  }
  return count;
}

/**
 * Parses JSON text as a token part: refused (a reason is returned) when it is not JSON, is
 * nested deeper than `maxDepth`, repeats a key within an object, or escapes an unpaired
 * surrogate. Linear in the text; never recursive.
 *
 * @example
 * ```ts
 * const r = parseStrictJson('{"a":1,"a":2}');
 * typeof r === 'string'; // true: "an object repeats a key"
 * ```
 */
export function parseStrictJson(text: string, maxDepth: number = TOKEN_JSON_MAX_DEPTH): StrictJson | string {
  const refused = scan(text, maxDepth);
  if (refused !== undefined) return refused;
  const found = members;
  const noted = notes;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (ownKeyCount(value) !== found) return 'an object repeats a key (readers disagree on which one counts)';
  return { value, notes: noted };
}

/**
 * Parses text that {@link parseStrictJson} accepted, with every number literal that has a
 * fraction or an exponent replaced by a string: {@link FRACTION_MARK} then the literal. A
 * schema walking the result tells `2` from `2.0`, as Go's decoder does for integer fields.
 *
 * @example
 * ```ts
 * parseMarkingFractions('{"v":2.0,"w":2}'); // { v: '\udfff2.0', w: 2 }
 * ```
 */
export function parseMarkingFractions(text: string): unknown {
  let out = '';
  let from = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) break;
        if (d === BACKSLASH) i++;
      }
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      let fraction = false;
      for (; end < n; end++) {
        const d = text.charCodeAt(end);
        if (d === 0x2e || d === 0x65 || d === 0x45) fraction = true;
        else if (!(d >= 0x30 && d <= 0x39) && d !== 0x2b && d !== 0x2d) break;
      }
      if (fraction) {
        out += `${text.slice(from, i)}"${FRACTION_MARK}${text.slice(i, end)}"`;
        from = end;
      }
      i = end - 1;
    }
  }
  return JSON.parse(out + text.slice(from));
}

/**
 * The decoded values of the string literals in `text` that hold a backslash escape, for the
 * rare checks that depend on how a value was written (Go's `SamplingRate` compares raw bytes).
 *
 * @example
 * ```ts
 * escapedStrings('{"a":"h\\u0065aders","b":"x"}'); // ['headers']
 * ```
 */
export function escapedStrings(text: string): string[] {
  const found: string[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) !== QUOTE) continue;
    const start = i;
    let escaped = false;
    for (i++; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) break;
      if (d === BACKSLASH) {
        escaped = true;
        i++;
      }
    }
    if (escaped) found.push(JSON.parse(text.slice(start, i + 1)) as string);
  }
  return found;
}

/**
 * A JSON key as Go's encoding/json compares it with a struct field name: ASCII letters
 * case-folded, and the Kelvin sign and long s read as k and s (their Unicode case folds).
 * Go matches keys to fields this way, so `EXP` or `ſub` set `exp` or `sub`.
 *
 * @example
 * ```ts
 * goFold('Issuer_ACCOUNT'); // 'issuer_account'
 * ```
 */
export function goFold(key: string): string {
  let i = 0;
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c === 0x212a || c === 0x17f) break;
  }
  if (i === key.length) return key;
  let out = key.slice(0, i);
  for (; i < key.length; i++) {
    const c = key.charCodeAt(i);
    out += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : c === 0x212a ? 'k' : c === 0x17f ? 's' : key[i];
  }
  return out;
}
