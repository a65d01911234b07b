/**
 * Box-drawn two-column tables in the style `nsc describe` prints, so output looks
 * familiar to NATS operators. Sections are separated by a rule.
 */
export interface TableSection {
  rows: Array<[string, string | string[]]>;
}

/** Display width of a string (code points; no East-Asian wide handling needed for keys and names). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

function center(s: string, n: number): string {
  const total = Math.max(0, n - width(s));
  const left = Math.floor(total / 2);
  return ' '.repeat(left) + s + ' '.repeat(total - left);
}

/**
 * Renders a titled table of label/value rows in sections.
 *
 * @example
 * ```ts
 * renderTable('Operator Details', [{ rows: [['Name', 'O2'], ['Operator ID', 'OABX…']] }]);
 * ```
 */
export function renderTable(title: string, sections: TableSection[]): string {
  const expanded = sections
    .map((s) => s.rows.flatMap(([label, value]) => {
      const values = Array.isArray(value) ? (value.length ? value : ['']) : [value];
      return values.map((v, i): [string, string] => [i === 0 ? label : '', v]);
    }))
    .filter((rows) => rows.length > 0);
  const w1 = Math.max(...expanded.flat().map(([l]) => width(l)), 1);
  const w2Rows = Math.max(...expanded.flat().map(([, v]) => width(v)), 1);
  // The title spans both columns; widen the value column when the title is wider.
  const w2 = Math.max(w2Rows, width(title) - w1 - 3);
  const inner = w1 + w2 + 5;
  const lines: string[] = [];
  lines.push(`╭${'─'.repeat(inner)}╮`);
  lines.push(`│${center(title, inner)}│`);
  expanded.forEach((rows, i) => {
    lines.push(i === 0 ? `├${'─'.repeat(w1 + 2)}┬${'─'.repeat(w2 + 2)}┤` : `├${'─'.repeat(w1 + 2)}┼${'─'.repeat(w2 + 2)}┤`);
    for (const [l, v] of rows) lines.push(`│ ${pad(l, w1)} │ ${pad(v, w2)} │`);
  });
  lines.push(expanded.length ? `╰${'─'.repeat(w1 + 2)}┴${'─'.repeat(w2 + 2)}╯` : `╰${'─'.repeat(inner)}╯`);
  return lines.join('\n');
}

/**
 * Renders a titled table with column headers (for `list`).
 *
 * @example
 * ```ts
 * renderGrid('Accounts', ['Name', 'Public Key'], [['A', 'ACDX…']]);
 * ```
 */
export function renderGrid(title: string, headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const innerWidth = () => widths.reduce((a, b) => a + b + 3, 0) - 1;
  // A title wider than the columns widens the last column.
  if (width(title) + 2 > innerWidth()) widths[widths.length - 1]! += width(title) + 2 - innerWidth();
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const line = (cells: string[]) => `│${cells.map((c, i) => ` ${pad(c, widths[i]!)} `).join('│')}│`;
  return [
    `╭${'─'.repeat(innerWidth())}╮`,
    `│${center(title, innerWidth())}│`,
    rule('├', '┬', '┤'),
    line(headers),
    rule('├', '┼', '┤'),
    ...rows.map((r) => line(headers.map((_, i) => r[i] ?? ''))),
    rule('╰', '┴', '╯'),
  ].join('\n');
}
