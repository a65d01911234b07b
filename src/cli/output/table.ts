/**
 * Box-drawn tables in the style `nsc describe` prints, so output looks familiar to NATS
 * operators, fitted to the width of the screen: `$COLUMNS` when set, else the terminal's width,
 * else 120 (a pipe or a file). A table wider than that narrows its columns and wraps their
 * cells, at the least cost first: at spaces, then inside subjects, paths and lists (after `.`
 * `/` `,` `;` `:` `-`), and only when nothing else fits, inside a word. A key, a jti or any word that can be kept
 * whole on one line stays whole (`sigchain keys list | grep PUB` finds its row); one too wide
 * for any column the width allows is cut over lines, never truncated. A grid too narrow for its
 * headers turns each row into a block of "header │ cell" lines (see {@link renderGrid}). Every
 * table of every command is drawn here, so this is the one place the rule lives.
 */
import { fstatSync } from 'node:fs';

export interface TableSection {
  rows: Array<[string, string | string[]]>;
}

/** Where no terminal tells the width (a pipe, a file, a test): nsc's widest tables fit. */
export const DEFAULT_WIDTH = 120;
/** Prose ({@link wrapText}) is never wrapped narrower than this, whatever its indent. */
const MIN_COLUMN = 4;

/**
 * The width output must fit: `COLUMNS` if it is a positive whole number, else the width of
 * stdout when it is a terminal, else {@link DEFAULT_WIDTH}.
 *
 * @example
 * ```ts
 * outputWidth({ COLUMNS: '80' }); // 80
 * ```
 */
export function outputWidth(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean; columns?: number } = terminal()): number {
  const c = env.COLUMNS?.trim();
  if (c && /^\d+$/.test(c) && Number(c) > 0) return Number(c);
  if (stdout.isTTY && typeof stdout.columns === 'number' && stdout.columns > 0) return stdout.columns;
  return DEFAULT_WIDTH;
}

/**
 * process.stdout when stdout may be a terminal (a character device), else nothing: node builds
 * the stream on first use, which for a pipe costs as much as a short command (output/stdio.ts).
 */
function terminal(): { isTTY?: boolean; columns?: number } {
  try {
    return fstatSync(1).isCharacterDevice() ? process.stdout : {};
  } catch {
    return {};
  }
}

/** Display width of a string (code points; no East-Asian wide handling needed for keys and names). */
function width(s: string): number {
  // Listings draw tens of thousands of cells: count code points only when there are pairs.
  return SURROGATE.test(s) ? [...s].length : s.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

function center(s: string, n: number): string {
  const total = Math.max(0, n - width(s));
  const left = Math.floor(total / 2);
  return ' '.repeat(left) + s + ' '.repeat(total - left);
}

/**
 * `text` cut into lines of at most `max` characters, each line of a multi-line `text` on its own.
 * Words (text between spaces) are never cut while they fit a line: a word that does not fit
 * where the line is goes whole to the next one. Only a word longer than `max` is cut: after
 * a `.`, `/`, `,`, `;`, `:` or `-` (subjects, paths, lists), and a piece still longer than `max`
 * (a key, a jti) is cut every `max` characters, starting on a line of its own. Cutting is chosen
 * over truncating with an ellipsis: every character stays on screen, so a key can still be
 * copied, two halves at a time.
 *
 * @example
 * ```ts
 * wrapCell('scoped: role svc', 10); // ['scoped:', 'role svc']
 * wrapCell('svc.req.*.status', 10); // ['svc.req.*.', 'status']
 * ```
 */
export function wrapCell(text: string, max: number): string[] {
  // The common case of a listing, kept cheap: one line that fits.
  if (text.length <= max && !text.includes('\n')) return [text];
  const out: string[] = [];
  const m = Math.max(1, max);
  if (!text.includes('\n')) {
    if (!wrapWords(text, m, out)) wrapLine(text, m, out);
    return out;
  }
  for (const line of text.split('\n')) if (!wrapWords(line, m, out)) wrapLine(line, m, out);
  return out;
}

/**
 * {@link wrapLine} for the common cell of a listing (`user O/A/u1`, `identity, issuing`): words
 * of plain characters, one space apart, each fitting a line. Those fill lines greedily, which is
 * what wrapLine does with them, without its closures (a listing wraps thousands of such cells).
 * False, with nothing appended, for any other line.
 */
function wrapWords(line: string, max: number, out: string[]): boolean {
  const n = line.length;
  if (n === 0 || SURROGATE.test(line)) return false;
  // One scan: single spaces between words, none at the ends, no word wider than a line.
  let run = 0;
  for (let k = 0; k < n; k++) {
    if (line.charCodeAt(k) === 32) {
      if (run === 0) return false;
      run = 0;
    } else if (++run > max) return false;
  }
  if (run === 0) return false;
  // Greedy fill by index: only the lines are made, never the words.
  let start = 0;
  let end = -1;
  for (let pos = 0; pos < n; ) {
    const sp = line.indexOf(' ', pos);
    const wordEnd = sp < 0 ? n : sp;
    if (end >= 0 && wordEnd - start > max) {
      out.push(line.slice(start, end));
      start = pos;
    }
    end = wordEnd;
    pos = wordEnd + 1;
  }
  out.push(line.slice(start, end));
  return true;
}

/** Where a word too long for a line may be cut: after these (subjects, paths, lists, names). */
const SOFT = /(?<=[.,;:/-])/;

/** The pieces of a word cut after each {@link SOFT} character, as a word too long is cut. */
function pieces(word: string): string[] {
  return word.split(SOFT);
}

/**
 * Appends `line` wrapped to `out`: its first line at most `max` wide, the others at most `rest`
 * (prose indents its continuation lines, see {@link wrapText}).
 */
function wrapLine(line: string, max: number, out: string[], rest = max): void {
  if (width(line) <= max) {
    out.push(line);
    return;
  }
  const base = out.length;
  const limit = () => (out.length === base ? max : rest);
  // The line being filled: its text, its width, and whether anything (even an empty word, one
  // of several spaces in a row) was put on it.
  let cur = '';
  let cw = 0;
  let used = false;
  const emit = () => {
    const done = cur.replace(/ +$/, '');
    // A line of nothing but spaces, left by a break, is dropped rather than printed blank.
    if (done) out.push(done);
    cur = '';
    cw = 0;
    used = false;
  };
  const put = (text: string, w: number, sep: boolean) => {
    if (sep && used) {
      cur += ' ';
      cw++;
    }
    cur += text;
    cw += w;
    used = true;
  };
  // A key or a jti: cut every line's width of characters, from the start of a line.
  const cut = (p: string) => {
    if (used) emit();
    const chars = SURROGATE.test(p) ? [...p] : p;
    let at = 0;
    for (let l = limit(); chars.length - at > l; l = limit()) {
      out.push(slice(chars, at, at + l));
      at += l;
    }
    put(slice(chars, at, chars.length), chars.length - at, false);
  };
  for (const word of line.split(' ')) {
    const w = width(word);
    // Spaces that fell on a break are not carried to the start of the next line.
    if (w === 0 && !used && out.length > base) continue;
    if (w <= limit() - (used ? cw + 1 : 0)) {
      put(word, w, true);
      continue;
    }
    // A word that fits a line of its own goes whole to the next one.
    if (w <= rest) {
      emit();
      if (w <= limit()) {
        if (w > 0) put(word, w, false);
        continue;
      }
    }
    // A word longer than a line: its pieces, glued to each other, fill lines as words do.
    let first = true;
    for (const p of pieces(word)) {
      const pw = width(p);
      if (pw <= limit() - (used ? cw + (first ? 1 : 0) : 0)) put(p, pw, first);
      else if (pw <= rest) {
        emit();
        if (pw <= limit()) put(p, pw, false);
        else cut(p);
      } else cut(p);
      first = false;
    }
  }
  const last = cur.replace(/ +$/, '');
  if (last || out.length === base) out.push(last);
}

function slice(chars: string | readonly string[], a: number, b: number): string {
  return typeof chars === 'string' ? chars.slice(a, b) : chars.slice(a, b).join('');
}

/**
 * Prose (a reason, a hint) wrapped to the width, continuation lines indented by `indent`
 * spaces, so that what follows a table fits like the table.
 *
 * @example
 * ```ts
 * wrapText('  TOKEN_EXPIRED (user exp): This user token expired …', 80, 4);
 * ```
 */
export function wrapText(text: string, max: number = outputWidth(), indent = 0): string {
  return text
    .split('\n')
    .map((line) => {
      if (width(line) <= max) return line;
      const lead = /^ */.exec(line)![0].length;
      // One pass with two widths: joining the first line's leftovers with spaces and wrapping
      // them again would put a space into a word cut at the first line's end.
      const lines: string[] = [];
      wrapLine(line.slice(lead), Math.max(MIN_COLUMN, max - lead), lines, Math.max(MIN_COLUMN, max - indent));
      return lines.map((l, i) => `${' '.repeat(i === 0 ? lead : indent)}${l}`).join('\n');
    })
    .join('\n');
}

/**
 * What a column needs, from the most to the least comfortable: how narrow it may get while its
 * cells wrap at each cost (see {@link wrapCell}).
 */
export interface ColumnNeeds {
  /** Its widest line: nothing wraps. */
  natural: number;
  /** Its longest word: text wraps at spaces only. */
  word: number;
  /** Its longest piece of a word cut after `.` `/` `,` `;` `:` `-`: no word is cut inside. */
  piece: number;
  /** The narrowest it may be at all; narrower, the table takes another layout. */
  floor: number;
  /** Its widest cell (the first of them): how many lines it wraps into stands for the column's. */
  longest?: string;
}

/** Widest line of a cell (a cell may hold several). */
function cellWidth(c: string): number {
  return c.includes('\n') ? Math.max(...c.split('\n').map(width)) : width(c);
}

/** A cell's longest word and longest piece of a word (see {@link ColumnNeeds}). */
function longestWord(c: string): [number, number] {
  if (!SURROGATE.test(c)) return longestWordPlain(c);
  let word = 0;
  let piece = 0;
  for (const line of c.split('\n')) {
    for (const w of line.split(' ')) {
      const ww = width(w);
      if (ww > word) word = ww;
      if (ww > piece) for (const p of pieces(w)) piece = Math.max(piece, width(p));
    }
  }
  return [word, piece];
}

/** {@link longestWord} of text without surrogate pairs, in one scan (no words or pieces made). */
function longestWordPlain(c: string): [number, number] {
  let word = 0;
  let piece = 0;
  let w = 0;
  let p = 0;
  for (let k = 0; k <= c.length; k++) {
    const ch = k < c.length ? c.charCodeAt(k) : 10;
    if (ch === 32 || ch === 10) {
      if (w > word) word = w;
      if (p > piece) piece = p;
      w = 0;
      p = 0;
      continue;
    }
    w++;
    p++;
    // A piece ends after . , ; : / - (see SOFT).
    if (ch === 46 || ch === 44 || ch === 59 || ch === 58 || ch === 47 || ch === 45) {
      if (p > piece) piece = p;
      p = 0;
    }
  }
  return [word, piece];
}

/**
 * Words up to this long are read, not copied: a grid never cuts one (names, types, subjects'
 * tokens, dates, headers). Longer ones (keys, jtis) are cut when they must be. When the
 * columns' floors (see {@link gridFloor}) do not fit, the grid gives way to blocks.
 */
const READ_WORD = 12;

/**
 * The narrowest a grid's column may be: its header's longest word, and its longest piece of a
 * word up to {@link READ_WORD}. A grid narrower than that would cut headers and short words into
 * slivers nobody reads (see {@link renderGrid}).
 */
function gridFloor(headerWord: number, piece: number): number {
  return Math.max(1, headerWord, Math.min(piece, READ_WORD));
}

/**
 * The needs of a grid's column: its header and its cells (see {@link ColumnNeeds}).
 *
 * @example
 * ```ts
 * columnNeeds('Subject', ['svc.req.*.status']); // { natural: 16, word: 16, piece: 7, floor: 7 }
 * ```
 */
export function columnNeeds(header: string, cells: Iterable<string>): ColumnNeeds {
  const [headerWord, headerPiece] = longestWord(header);
  const needs: ColumnNeeds = { natural: cellWidth(header), word: headerWord, piece: headerPiece, floor: 0, longest: header };
  for (const c of cells) {
    // A cell's length is at least its width, and its longest word or piece at most its length:
    // only a longer cell can change a need (so 9,999 keys of a listing are not measured again).
    if (c.length > needs.natural) {
      const w = cellWidth(c);
      if (w > needs.natural) {
        needs.natural = w;
        needs.longest = c;
      }
    }
    if (c.length > needs.piece) {
      const [w, p] = longestWord(c);
      if (w > needs.word) needs.word = w;
      if (p > needs.piece) needs.piece = p;
    }
  }
  needs.floor = gridFloor(headerWord, needs.piece);
  return needs;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/**
 * Column widths that fit `budget` characters of cell content, or null when not even every
 * column's floor fits. Columns keep their natural width when all fit. Otherwise every column
 * gets the most comfortable need all columns can have at once (its longest word, else its
 * longest piece of a word, else its floor), then as many columns as fit one step up, the
 * narrowest needs first (so that the words kept whole are as many as possible; a tie goes to
 * the column further left: the table's subject, e.g. the key of `list accounts` rather than
 * its signer's). So a key is cut only when it cannot be kept whole at all, and a description
 * wraps at its spaces before a subject is cut at its dots. What budget is left first makes the
 * rows as short as it can (judged by each column's widest cell: a key cut in two rather than
 * in three), then keeps more words whole and more cells on one line the same way, and last
 * widens the columns still short of their natural width, the widest first.
 *
 * @example
 * ```ts
 * fitColumns([{ natural: 10, word: 10, piece: 10, floor: 1 }, { natural: 60, word: 8, piece: 8, floor: 1 }], 40); // [10, 30]
 * ```
 */
export function fitColumns(needs: readonly ColumnNeeds[], budget: number): number[] | null {
  const natural = needs.map((c) => c.natural);
  if (sum(natural) <= budget) return natural;
  const floor = needs.map((c) => Math.min(c.floor, c.natural));
  if (sum(floor) > budget) return null;
  const piece = needs.map((c, i) => Math.min(c.natural, Math.max(floor[i]!, c.piece)));
  const word = needs.map((c, i) => Math.min(c.natural, Math.max(piece[i]!, c.word)));
  const levels = [floor, piece, word, natural];
  let k = 0;
  while (sum(levels[k + 1]!) <= budget) k++;
  const widths = upgrade([...levels[k]!], levels.slice(k + 1, 3), budget);
  return waterFill(upgrade(shortestRows(needs, widths, budget), [piece, word, natural], budget), natural, budget);
}

/**
 * `widths` raised, level after level, to each level's width for as many columns as `budget`
 * allows, the narrowest first (a tie to the column further left).
 */
function upgrade(widths: number[], levels: ReadonlyArray<readonly number[]>, budget: number): number[] {
  let left = budget - sum(widths);
  for (const level of levels) {
    const order = widths.map((_, i) => i).sort((a, b) => level[a]! - level[b]! || a - b);
    for (const i of order) {
      const cost = level[i]! - widths[i]!;
      if (cost > 0 && cost <= left) {
        widths[i] = level[i]!;
        left -= cost;
      }
    }
  }
  return widths;
}

/**
 * The narrowest widths, from `lo` up, at which no column's widest cell wraps into more lines than
 * it must for all of them to fit `budget`: the budget goes where it saves lines (a key column
 * widened until the key takes two lines, not three) before it is spread evenly.
 */
function shortestRows(needs: readonly ColumnNeeds[], lo: readonly number[], budget: number): number[] {
  // Lines of each column's widest cell at each width from lo up (a long cell sampled: the
  // count only ranks widths, and a few hundred widths of it are wrapped).
  const lines = needs.map((c, i) => {
    const sample = (c.longest ?? '').slice(0, 2000);
    const out: number[] = [];
    for (let w = lo[i]!; w <= Math.min(c.natural, budget); w++) out.push(wrapCell(sample, w).length);
    return out;
  });
  const tallest = Math.max(1, ...lines.map((l) => l[0] ?? 1));
  for (let h = 1; h < tallest; h++) {
    const widths = lines.map((l, i) => {
      const j = l.findIndex((n) => n <= h);
      return j < 0 ? Infinity : lo[i]! + j;
    });
    if (sum(widths) <= budget) return widths;
  }
  return [...lo];
}

/**
 * Widths between `lo` and `hi` adding up to `budget` (sum(lo) <= budget < sum(hi)): every column
 * at one level, clamped to its bounds; what rounding leaves goes one character each to the first
 * columns still short of their bound.
 */
function waterFill(lo: readonly number[], hi: readonly number[], budget: number): number[] {
  const at = (t: number) => lo.map((l, i) => Math.max(l, Math.min(t, hi[i]!)));
  let a = 0;
  let b = Math.max(...hi);
  while (b - a > 1) {
    const m = (a + b) >> 1;
    if (sum(at(m)) <= budget) a = m;
    else b = m;
  }
  const out = at(a);
  let extra = budget - sum(out);
  for (let i = 0; i < out.length && extra > 0; i++) {
    if (lo[i]! <= a && a < hi[i]!) {
      out[i]!++;
      extra--;
    }
  }
  return out;
}

/** Each row's cells wrapped to the widths, as as many physical lines as its tallest cell. */
function physicalLines(cells: string[], widths: number[]): string[][] {
  const wrapped = cells.map((c, i) => wrapCell(c, widths[i]!));
  const height = Math.max(...wrapped.map((w) => w.length));
  return Array.from({ length: height }, (_, k) => wrapped.map((w) => w[k] ?? ''));
}

/**
 * Renders a titled table of label/value rows in sections, at most `max` characters wide
 * (default {@link outputWidth}).
 *
 * @example
 * ```ts
 * renderTable('Operator Details', [{ rows: [['Name', 'O2'], ['Operator ID', 'OABX…']] }]);
 * ```
 */
export function renderTable(title: string, sections: TableSection[], max: number = outputWidth()): string {
  const expanded = sections
    .map((s) => s.rows.flatMap(([label, value]) => {
      const values = Array.isArray(value) ? (value.length ? value : ['']) : [value];
      return values.map((v, i): [string, string] => [i === 0 ? label : '', v]);
    }))
    .filter((rows) => rows.length > 0);
  const cells = expanded.flat();
  // Each column's floor is its longest piece of a word up to READ_WORD, as in a grid.
  const needs = (column: 0 | 1): ColumnNeeds => {
    const c = columnNeeds('', cells.map((row) => row[column]));
    return { ...c, natural: Math.max(1, c.natural) };
  };
  // Borders and padding: "│ " + " │ " + " │" = 7 characters around the two columns.
  const fitted = fitColumns([needs(0), needs(1)], max - 7);
  // Too narrow for a box whose labels and short words stay whole (some 30 columns for
  // `describe`): the rows as "label: value" lines, wrapped, say it all without a frame around
  // slivers.
  if (!fitted) return [...wrapCell(title, max), ...cells.flatMap(([l, v]) => wrapCell(l ? `${l}: ${v}` : v, max))].join('\n');
  const [w1, w2Rows] = fitted;
  // The title spans both columns; widen the value column when the title is wider (as far as the width allows).
  const w2 = Math.max(w2Rows!, Math.min(width(title) - w1! - 3, max - 7 - w1!));
  const inner = w1! + w2 + 5;
  const lines: string[] = [];
  lines.push(`╭${'─'.repeat(inner)}╮`);
  for (const t of wrapCell(title, inner)) lines.push(`│${center(t, inner)}│`);
  expanded.forEach((rows, i) => {
    lines.push(i === 0 ? `├${'─'.repeat(w1! + 2)}┬${'─'.repeat(w2 + 2)}┤` : `├${'─'.repeat(w1! + 2)}┼${'─'.repeat(w2 + 2)}┤`);
    for (const row of rows) for (const [l, v] of physicalLines(row, [w1!, w2])) lines.push(`│ ${pad(l!, w1!)} │ ${pad(v!, w2)} │`);
  });
  lines.push(expanded.length ? `╰${'─'.repeat(w1! + 2)}┴${'─'.repeat(w2 + 2)}╯` : `╰${'─'.repeat(inner)}╯`);
  return lines.join('\n');
}

/** Runs of spaces by count, up to a wide screen's width: padding a cell takes no new string. */
const SPACES: string[] = Array.from({ length: 257 }, (_, i) => ' '.repeat(i));
function spaces(n: number): string {
  return n < SPACES.length ? SPACES[n]! : ' '.repeat(n);
}

// A cell holding none of these wraps by slicing every `width` characters: wrapLine finds no
// space nor any SOFT character to cut at. Keys and jtis are such cells; the others go through
// wrapCell.
const NOT_PLAIN = /[\s.,;:/\-\uD800-\uDFFF]/;

/**
 * Renders a titled table with column headers (for `list`), at most `max` characters wide
 * (default {@link outputWidth}).
 *
 * @example
 * ```ts
 * renderGrid('Accounts', ['Name', 'Public Key'], [['A', 'ACDX…']]);
 * ```
 */
export function renderGrid(title: string, headers: string[], rows: string[][], max: number = outputWidth()): string {
  const n = headers.length;
  // Natural widths in one pass over the cells (a listing may have 10,000 rows).
  const natural = headers.map((h) => cellWidth(h));
  // Whether any cell has a surrogate pair: without one, a string's width is its length.
  let pairs = false;
  for (const r of rows) {
    for (let i = 0; i < n; i++) {
      const c = r[i] ?? '';
      if (SURROGATE.test(c)) pairs = true;
      // A cell's length is at least its width: only a longer one may widen its column.
      if (c.length > natural[i]!) natural[i] = Math.max(natural[i]!, cellWidth(c));
    }
  }
  // Borders and padding: 3 characters per column and the closing border.
  const budget = max - 3 * n - 1;
  let fitted: number[] | null = natural;
  if (sum(natural) > budget) {
    // Words are measured only for a table too wide (see columnNeeds for the cells skipped).
    const needs = headers.map((h, i) => columnNeeds(h, rows.map((r) => r[i] ?? '')));
    fitted = fitColumns(needs, budget);
  }
  // Too narrow for the columns' floors (every header and every short word whole; 7 columns at
  // 40, say): each row becomes a block of "header │ cell" lines in the two-column style of
  // `describe`, under the same title. A grid of two- or three-character columns would fit too,
  // but with every header and word cut into slivers nobody could read it; the blocks keep
  // every character, fit the width (renderTable itself falls back to plain "header: cell"
  // lines where not even two columns fit), and cut a key only when the width itself is
  // narrower than the key.
  if (!fitted) return renderTable(title, rows.map((r) => ({ rows: headers.map((h, i): [string, string] => [h, r[i] ?? '']) })), max);
  const widths = fitted;
  const innerWidth = () => widths.reduce((a, b) => a + b + 3, 0) - 1;
  // A title wider than the columns widens the last column (as far as the width allows).
  const room = max - 2 - innerWidth();
  if (width(title) + 2 > innerWidth() && room > 0) widths[widths.length - 1]! += Math.min(room, width(title) + 2 - innerWidth());
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const inner = innerWidth();
  let out = `╭${'─'.repeat(inner)}╮`;
  for (const t of wrapCell(title, inner)) out += `\n│${center(t, inner)}│`;
  out += `\n${rule('├', '┬', '┤')}`;
  for (const p of physicalLines(headers, widths)) out += `\n│${p.map((c, i) => ` ${pad(c, widths[i]!)} `).join('│')}│`;
  out += `\n${rule('├', '┼', '┤')}`;
  // Rows drawn into one string, with as little garbage as possible: a cell that fits is used as
  // it is, a plain one (see NOT_PLAIN) is sliced in place, only the others are wrapped.
  const wrapped: Array<string[] | undefined> = new Array(n);
  const lineBufs: string[][] = Array.from({ length: n }, () => []);
  const plain: boolean[] = new Array(n);
  // Flattened every few hundred rows: the pieces of a long concatenation then die young instead
  // of surviving (and being copied by) every collection until the end.
  const chunks: string[] = [];
  let count = 0;
  for (const r of rows) {
    if (++count % 256 === 0) {
      chunks.push(flat(out));
      out = '';
    }
    let height = 1;
    for (let i = 0; i < n; i++) {
      const c = r[i] ?? '';
      const w = widths[i]!;
      wrapped[i] = undefined;
      plain[i] = false;
      if (c.length <= w && !c.includes('\n')) continue;
      if (!NOT_PLAIN.test(c)) {
        plain[i] = true;
        const h = Math.ceil(c.length / w);
        if (h > height) height = h;
        continue;
      }
      // The usual wrapped cell (words that each fit) fills this column's reused array.
      const reused = lineBufs[i]!;
      reused.length = 0;
      const lines = !c.includes('\n') && wrapWords(c, w, reused) ? reused : wrapCell(c, w);
      wrapped[i] = lines;
      if (lines.length > height) height = lines.length;
    }
    for (let k = 0; k < height; k++) {
      out += '\n│';
      for (let i = 0; i < n; i++) {
        const w = widths[i]!;
        const lines = wrapped[i];
        const c = r[i] ?? '';
        if (plain[i]) {
          // No surrogates: its width is its length.
          const part = c.slice(k * w, (k + 1) * w);
          out += ` ${part}${spaces(w - part.length)} │`;
        } else {
          const part = lines ? (lines[k] ?? '') : k === 0 ? c : '';
          out += ` ${part}${spaces(Math.max(0, w - (pairs ? width(part) : part.length)))} │`;
        }
      }
    }
  }
  chunks.push(out, `\n${rule('╰', '┴', '╯')}`);
  return chunks.join('');
}

/** `s` as one flat string (a regular expression reads it whole, which makes V8 flatten it). */
function flat(s: string): string {
  FLAT.test(s);
  return s;
}
const FLAT = /^(?!)/;
