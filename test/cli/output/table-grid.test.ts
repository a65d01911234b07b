// renderGrid draws listings of 10,000 rows in one pass, slicing plain cells in place and measuring
// words only where they may matter: its output must be, byte for byte, what the straightforward
// drawing (kept below as the reference: every column measured by columnNeeds, every cell through
// wrapCell, every line padded on its own, the key/value blocks when the columns cannot fit) gives,
// for any cells at any width.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { columnNeeds, fitColumns, renderGrid, renderTable, wrapCell } from '../../../src/cli/output/table.js';

const width = (s: string): number => [...s].length;
const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - width(s)));
const center = (s: string, n: number): string => {
  const total = Math.max(0, n - width(s));
  const left = Math.floor(total / 2);
  return ' '.repeat(left) + s + ' '.repeat(total - left);
};

function referenceGrid(title: string, headers: string[], rows: string[][], max: number): string {
  const fitted = fitColumns(headers.map((h, i) => columnNeeds(h, rows.map((r) => r[i] ?? ''))), max - 3 * headers.length - 1);
  if (!fitted) return renderTable(title, rows.map((r) => ({ rows: headers.map((h, i): [string, string] => [h, r[i] ?? '']) })), max);
  const widths = fitted;
  const innerWidth = () => widths.reduce((a, b) => a + b + 3, 0) - 1;
  const room = max - 2 - innerWidth();
  if (width(title) + 2 > innerWidth() && room > 0) widths[widths.length - 1]! += Math.min(room, width(title) + 2 - innerWidth());
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const line = (cells: string[]) => {
    const wrapped = headers.map((_, i) => wrapCell(cells[i] ?? '', widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => `│${wrapped.map((w, i) => ` ${pad(w[k] ?? '', widths[i]!)} `).join('│')}│`);
  };
  return [
    `╭${'─'.repeat(innerWidth())}╮`,
    ...wrapCell(title, innerWidth()).map((t) => `│${center(t, innerWidth())}│`),
    rule('├', '┬', '┤'),
    ...line(headers),
    rule('├', '┼', '┤'),
    ...rows.flatMap(line),
    rule('╰', '┴', '╯'),
  ].join('\n');
}

const KEY = 'UA3C5ZSFMF2Z6XYR4WS7HNSJWLCF5HL6MLPJ2LNCRXHBZVIDBDJB7XZJ';

describe('renderGrid against the reference drawing', () => {
  it('listings as the commands draw them, at 40, 80, 120 and 200 columns', () => {
    const rows = [
      ['u00000', KEY, KEY],
      ['broken', 'STORE_CORRUPT: /tmp/x/users/broken.jwt does not hold a valid JWT (MALFORMED_TOKEN).', ''],
      ['', '', ''],
      ['tab\there', `${KEY},${KEY}`, 'a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q;r;s;t;u;v;w;x;y;z'],
      ['two\nlines', `${KEY} `, ` ${KEY}`],
      ['😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀', `${KEY}\u00a0${KEY}`, `\u2028${KEY}`],
    ];
    for (const max of [40, 80, 120, 200]) {
      assert.equal(renderGrid('Users of A', ['Name', 'Public Key', 'Signed By'], rows, max), referenceGrid('Users of A', ['Name', 'Public Key', 'Signed By'], rows, max));
      assert.equal(renderGrid('T', ['A', 'B'], [], max), referenceGrid('T', ['A', 'B'], [], max));
    }
  });

  it('any cells, any width', () => {
    const piece = fc.constantFrom('A', 'Z', '7', ' ', ',', ';', '\n', '\t', '\u00a0', '😀', '\ud800', 'é', '', 'x'.repeat(30));
    const cell = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.array(cell, { minLength: n, maxLength: n }), fc.array(fc.array(cell, { minLength: 0, maxLength: n + 1 }), { maxLength: 6 }), cell, fc.integer({ min: 10, max: 160 }))),
        ([headers, rows, title, max]) => {
          assert.equal(renderGrid(title, headers, rows, max), referenceGrid(title, headers, rows, max));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
