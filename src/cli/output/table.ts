/**
 * Box-drawn tables in the style `nsc describe` prints, so output looks familiar to NATS
 * operators, fitted to the width of the screen: `$COLUMNS` when set, else the terminal's width,
 * else 120 (a pipe or a file). A table wider than that has its widest columns narrowed and their
 * cells wrapped (at spaces when there are some, else inside the word: a 56-character key
 * splits over two lines rather than push the border off the screen). Every table of every
 * command is drawn here, so this is the one place the rule lives.
 */
import { fstatSync } from 'node:fs';

export interface TableSection {
  rows: Array<[string, string | string[]]>;
}

/** Where no terminal tells the width (a pipe, a file, a test): nsc's widest tables fit. */
export const DEFAULT_WIDTH = 120;
/** No column is narrowed below this many characters (a table that cannot fit then overflows). */
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
 * `text` cut into lines of at most `max` characters: at the last space (or after the last comma
 * or semicolon) that fits when there is one in the line's second half, else exactly at `max`
 * (keys and URLs have no spaces). Each
 * line of a multi-line `text` is wrapped on its own.
 *
 * @example
 * ```ts
 * wrapCell('scoped: role svc', 10); // ['scoped:', 'role svc']
 * ```
 */
export function wrapCell(text: string, max: number): string[] {
  // The common case of a listing, kept cheap: one line that fits.
  if (text.length <= max && !text.includes('\n')) return [text];
  const out: string[] = [];
  for (const line of text.split('\n')) wrapLine(line, max, out);
  return out;
}

function wrapLine(line: string, max: number, out: string[]): void {
  // Without surrogate pairs a string's characters are its code units: slice it as it is.
  const chars: string | readonly string[] = SURROGATE.test(line) ? [...line] : line;
  const part = (a: number, b: number): string => (typeof chars === 'string' ? chars.slice(a, b) : chars.slice(a, b).join(''));
  const n = chars.length;
  if (n === 0) out.push('');
  let start = 0;
  while (start < n) {
    if (n - start <= max) {
      out.push(part(start, n));
      break;
    }
    // After the last space, comma or semicolon that fits (`identity,issuing` splits at the comma).
    let cut = -1;
    for (let i = max; i > 0 && cut < 0; i--) if (chars[start + i] === ' ' || chars[start + i - 1] === ',' || chars[start + i - 1] === ';') cut = i;
    if (cut < Math.ceil(max / 2)) cut = max;
    out.push(part(start, start + cut).trimEnd());
    start += cut;
    while (chars[start] === ' ') start++;
  }
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
      const first = wrapCell(line.slice(lead), Math.max(MIN_COLUMN, max - lead));
      const head = `${' '.repeat(lead)}${first[0]}`;
      const tail = wrapCell(first.slice(1).join(' '), Math.max(MIN_COLUMN, max - indent)).map((l) => `${' '.repeat(indent)}${l}`);
      return [head, ...(first.length > 1 ? tail : [])].join('\n');
    })
    .join('\n');
}

/**
 * Column widths that fit `budget` characters of cell content: columns narrower than their
 * share keep their width, the rest split what is left (the widest narrowed first).
 *
 * @example
 * ```ts
 * fitColumns([10, 60], 40); // [10, 30]
 * ```
 */
export function fitColumns(natural: number[], budget: number): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= budget) return natural;
  const out = [...natural];
  const open = new Set(natural.map((_, i) => i));
  let left = budget;
  // Settle every column that fits within an even share of what is left, until none does.
  for (let changed = true; changed && open.size > 0; ) {
    changed = false;
    const share = Math.floor(left / open.size);
    for (const i of [...open]) {
      if (natural[i]! <= share) {
        left -= natural[i]!;
        open.delete(i);
        changed = true;
      }
    }
  }
  const rest = [...open];
  const share = Math.max(MIN_COLUMN, Math.floor(left / Math.max(1, rest.length)));
  let extra = Math.max(0, left - share * rest.length);
  for (const i of rest) {
    out[i] = share + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
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
  // Borders and padding: "│ " + " │ " + " │" = 7 characters around the two columns.
  const [w1, w2Rows] = fitColumns([Math.max(...expanded.flat().map(([l]) => width(l)), 1), Math.max(...expanded.flat().map(([, v]) => width(v)), 1)], max - 7);
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
// space, comma or semicolon to cut at, and trimEnd has no whitespace to remove. Keys, names and
// paths are such cells; the others go through wrapCell.
const NOT_PLAIN = /[\s,;\uD800-\uDFFF]/;

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
  const natural = headers.map((h) => width(h));
  // Whether any cell has a surrogate pair: without one, a string's width is its length.
  let pairs = false;
  for (const r of rows) {
    for (let i = 0; i < n; i++) {
      const c = r[i] ?? '';
      let w = c.length;
      if (SURROGATE.test(c)) {
        pairs = true;
        w = [...c].length;
      }
      if (w > natural[i]!) natural[i] = w;
    }
  }
  // Borders and padding: 3 characters per column and the closing border.
  const widths = fitColumns(natural, max - 3 * n - 1);
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
      const lines = wrapCell(c, w);
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
