/**
 * Armored ("decorated") text as the nats tools write it: a dashed BEGIN line, one line of
 * content, a dashed END line (`-----BEGIN NATS USER JWT-----` … `------END NATS USER JWT------`).
 * One pass over the lines, no regular expression over the text: Go's `userConfigRE` backtracks
 * badly in JavaScript (400 dashes took 2 s), and untrusted files must read in linear time.
 */
import { isSeed } from '../nkeys/codec.js';
import { trimSpace } from '../text.js';

/** One armored block: what its BEGIN line says and its content lines. */
export interface ArmorBlock {
  /** 1-based line number of the BEGIN line, for messages. */
  readonly line: number;
  /** `token` for a JWT block; `key` for a seed block (see {@link scanArmor}). */
  readonly kind: 'token' | 'key';
  /** The non-blank content lines, trimmed (normally exactly one). */
  readonly content: readonly string[];
}

/** An armored text: its blocks in order, and what sits outside them that a creds reader needs. */
export interface ArmorScan {
  readonly blocks: readonly ArmorBlock[];
  /** Line of a BEGIN line that no END line closes. */
  readonly unclosedAt: number | undefined;
  /** The first line outside every block that is a valid nkey seed (Go's bare-seed fallback). */
  readonly bareSeed: string | undefined;
}

/**
 * A dashed armor line, as Go's `[-]{3,}.*[-]{3,}` reads one: at least three dashes at the start
 * and three at the end of the (trimmed) line, six or more in all.
 */
function isArmorLine(t: string): boolean {
  return t.length >= 6 && t.startsWith('---') && t.endsWith('---');
}

function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff;
}

// A user seed is 58 characters; longer lines are never seeds, so isSeed is not asked about them.
const SEED_LINE_MAX = 64;

/**
 * The blocks of `text`, or undefined when it has no armor line at all (a bare token or a
 * config). Blocks pair up in order: a dashed line opens one, the next dashed line closes it.
 * A block is a `key` block when its BEGIN line names a SEED or NKEY, or its one line is a seed
 * shape (starts with `S`, holds no dot); otherwise it is a `token` block. Content is kept
 * only up to two lines, enough to say "more than one".
 *
 * @example
 * ```ts
 * scanArmor(readFileSync('alice.creds', 'utf8'))!.blocks.map((b) => b.kind); // ['token', 'key']
 * ```
 */
export function scanArmor(text: string): ArmorScan | undefined {
  const blocks: ArmorBlock[] = [];
  let open: { line: number; label: string; content: string[] } | undefined;
  let bareSeed: string | undefined;
  let sawArmor = false;
  let lineNo = 0;
  const n = text.length;
  for (let start = 0; start <= n; ) {
    lineNo++;
    // Blank lines are stepped over character by character, never copied: megabytes of them
    // must stay cheap.
    let k = start;
    while (k < n && text.charCodeAt(k) !== 10 && isBlank(text.charCodeAt(k))) k++;
    if (k >= n || text.charCodeAt(k) === 10) {
      start = k + 1;
      continue;
    }
    let end = text.indexOf('\n', k);
    if (end < 0) end = n;
    start = end + 1;
    // Only a line beginning with '-' (armor), or 'S' (a seed) outside a block, matters.
    const first = text.charCodeAt(k);
    if (!open && first !== 45 && first !== 83) continue;
    const t = trimSpace(text.slice(k, end));
    if (isArmorLine(t)) {
      sawArmor = true;
      if (!open) {
        open = { line: lineNo, label: t.toUpperCase(), content: [] };
        continue;
      }
      const content = open.content;
      const keyLabel = open.label.includes('SEED') || open.label.includes('NKEY');
      const keyShape = content.length === 1 && content[0]!.startsWith('S') && !content[0]!.includes('.');
      blocks.push({ line: open.line, kind: keyLabel || keyShape ? 'key' : 'token', content });
      open = undefined;
    } else if (open) {
      if (t && open.content.length < 2) open.content.push(t);
    } else if (bareSeed === undefined && t.length <= SEED_LINE_MAX && t.startsWith('S') && isSeed(t)) {
      bareSeed = t;
    }
  }
  if (!sawArmor) return undefined;
  return { blocks, unclosedAt: open?.line, bareSeed };
}
