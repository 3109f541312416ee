import { describe, expect, it } from 'vitest';
import { type Column, displayWidth, renderBar, renderTable, toSingleLine, truncate } from './table.js';

/** The expected table: one string per line, each ending in '\n'. */
const lines = (...rows: string[]): string => rows.map((row) => `${row}\n`).join('');

const quotaColumns: Column[] = [
  { key: 'code', header: 'QUOTA' },
  { key: 'name', header: 'NAME' },
  { key: 'usage', header: 'USAGE' },
  { key: 'limit', header: 'LIMIT' },
];

describe('renderTable', () => {
  it('aligns text left and numbers right, two spaces apart, under a header line', () => {
    const rows = [
      { code: 'L-1216C47A', name: 'Running On-Demand Standard instances', usage: 1152, limit: 1280 },
      { code: 'L-0263D0A3', name: 'EC2-VPC Elastic IPs', usage: 3, limit: 5 },
    ];
    expect(renderTable(quotaColumns, rows)).toBe(
      lines(
        'QUOTA       NAME                                  USAGE  LIMIT',
        'L-1216C47A  Running On-Demand Standard instances   1152   1280',
        'L-0263D0A3  EC2-VPC Elastic IPs                       3      5',
      ),
    );
  });

  it('renders the header line alone when there are no rows', () => {
    expect(renderTable(quotaColumns, [])).toBe('QUOTA  NAME  USAGE  LIMIT\n');
  });

  it('renders nothing when there are no columns', () => {
    expect(renderTable([], [{ a: 1 }])).toBe('');
  });

  it.each<[string, unknown[], string[]]>([
    ['all numbers: right', [5, 120], ['  NUM', '    5', '  120']],
    ['negative numbers: right', [-5, 120], ['  NUM', '   -5', '  120']],
    ['bigints: right', [5n, 120n], ['  NUM', '    5', '  120']],
    ['numbers and empties: right', [5, null, undefined, 120], ['  NUM', '    5', '    -', '    -', '  120']],
    ['numeric strings: left', ['5', '120'], ['  NUM', '  5', '  120']],
    ['a number among text: left', [5, 'n/a'], ['  NUM', '  5', '  n/a']],
    ['only empties: left', [null, undefined], ['  NUM', '  -', '  -']],
    ['booleans: left', [true, false], ['  NUM', '  true', '  false']],
  ])('infers alignment from the values, %s', (_case, values, expected) => {
    // An empty first column, 0 wide, puts the second one 2 columns in.
    const columns: Column[] = [
      { key: 'k', header: '' },
      { key: 'v', header: 'NUM' },
    ];
    const rows = values.map((v) => ({ k: '', v }));
    expect(renderTable(columns, rows)).toBe(lines(...expected));
  });

  it.each<['left' | 'right', string[]]>([
    ['left', ['N', '5', '120']],
    ['right', ['  N', '  5', '120']],
  ])('uses an explicit align %s over the inferred one', (align, expected) => {
    const columns: Column[] = [{ key: 'v', header: 'N', align }];
    const rows = [{ v: 5 }, { v: '120' }];
    expect(renderTable(columns, rows)).toBe(lines(...expected));
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['null', { v: null }, '-'],
    ['undefined', { v: undefined }, '-'],
    ['a missing key', {}, '-'],
    ['empty text', { v: '' }, ''],
    ['zero', { v: 0 }, '0'],
    ['a negative number', { v: -42.5 }, '-42.5'],
    ['a huge number', { v: 1e21 }, '1e+21'],
    ['the largest safe integer', { v: Number.MAX_SAFE_INTEGER }, '9007199254740991'],
    ['a 2^64 bigint', { v: 2n ** 64n }, '18446744073709551616'],
    ['NaN', { v: Number.NaN }, 'NaN'],
    ['true', { v: true }, 'true'],
    ['a Date', { v: new Date(Date.UTC(2026, 0, 15, 9, 30)) }, '2026-01-15T09:30:00.000Z'],
    ['an invalid Date', { v: new Date(Number.NaN) }, 'Invalid Date'],
    ['an array', { v: ['a', 1] }, '["a",1]'],
    ['an object', { v: { a: 1 } }, '{"a":1}'],
    ['a function', { v: () => 1 }, ''],
  ])('renders %s', (_case, row, expected) => {
    expect(renderTable([{ key: 'v', header: 'V', align: 'left' }], [row])).toBe(lines('V', expected));
  });

  it('passes the value and the whole row to format, but never null or undefined', () => {
    const seen: unknown[] = [];
    const columns: Column[] = [
      {
        key: 'usage',
        header: 'USED',
        format: (value, row) => {
          seen.push(value);
          return `${String(value)}/${String(row.limit)}`;
        },
      },
    ];
    const rows = [{ usage: 3, limit: 5 }, { usage: null, limit: 5 }, { limit: 5 }];
    expect(renderTable(columns, rows)).toBe(lines('USED', ' 3/5', '   -', '   -'));
    expect(seen).toEqual([3]);
  });

  it.each<[string, string, number, string]>([
    ['shorter than maxWidth', 'abc', 5, 'abc'],
    ['exactly maxWidth', 'abcde', 5, 'abcde'],
    ['one over maxWidth', 'abcdef', 5, 'abcd…'],
    ['maxWidth 1', 'abcdef', 1, '…'],
    ['emoji, each one wide', '😀😀😀😀', 3, '😀😀…'],
    ['accented', 'Zürich-Région', 8, 'Zürich-…'],
  ])('cuts a cell %s with …', (_case, text, maxWidth, expected) => {
    const columns: Column[] = [{ key: 'v', header: 'V', maxWidth }];
    const output = renderTable(columns, [{ v: text }]);
    expect(output.split('\n')[1]).toBe(expected);
  });

  it('cuts the header at maxWidth too, and pads to the cut width', () => {
    const columns: Column[] = [
      { key: 'name', header: 'RESOURCE NAME', maxWidth: 6 },
      { key: 'n', header: 'N' },
    ];
    expect(renderTable(columns, [{ name: 'vpc', n: 1 }])).toBe(lines('RESOU…  N', 'vpc     1'));
  });

  it('aligns columns after emoji and CJK text by code points, a surrogate pair counted once', () => {
    const columns: Column[] = [
      { key: 'tag', header: 'TAG' },
      { key: 'n', header: 'N' },
    ];
    const rows = [
      { tag: '🚀prod', n: 1 },
      { tag: '東京', n: 22 },
    ];
    expect(renderTable(columns, rows)).toBe(lines('TAG     N', '🚀prod   1', '東京     22'));
  });

  it('leaves no trailing spaces, even after an empty last cell or a short left-aligned one', () => {
    const columns: Column[] = [
      { key: 'a', header: 'A' },
      { key: 'b', header: 'LONG HEADER' },
    ];
    const output = renderTable(columns, [
      { a: 'x', b: '' },
      { a: 'y', b: 'z' },
    ]);
    expect(output).toBe(lines('A  LONG HEADER', 'x', 'y  z'));
    expect(output).not.toMatch(/ \n/);
  });

  it.each<[string, string, string]>([
    ['a line break', 'line1\nline2', 'line1 line2'],
    ['CRLF', 'a\r\nb', 'a  b'],
    ['a tab', 'a\tb', 'a b'],
    ['an ANSI colour escape', '\x1b[31mred\x1b[0m', '\uFFFD[31mred\uFFFD[0m'],
    ['a C1 control', 'a\u009bb', 'a\uFFFDb'],
    ['a bell', 'a\u0007b', 'a\uFFFDb'],
  ])('keeps %s from breaking the line or styling the terminal', (_case, text, expected) => {
    expect(renderTable([{ key: 'v', header: 'V' }], [{ v: text }])).toBe(lines('V', expected));
  });

  it('sanitizes what format returns and the header too', () => {
    const columns: Column[] = [{ key: 'v', header: 'A\nB', format: () => 'x\x1by' }];
    expect(renderTable(columns, [{ v: 1 }])).toBe(lines('A B', 'x\uFFFDy'));
  });

  describe('options.maxWidth', () => {
    const columns: Column[] = [
      { key: 'id', header: 'ID' },
      { key: 'desc', header: 'DESCRIPTION' },
      { key: 'n', header: 'N' },
    ];
    const rows = [{ id: 'vpc-0123456789', desc: 'a long description of the resource', n: 123456 }];

    it.each<[number, string[]]>([
      [
        58,
        [
          'ID              DESCRIPTION                              N',
          'vpc-0123456789  a long description of the resource  123456',
        ],
      ],
      [
        40,
        [
          'ID              DESCRIPTION            N', // 14 + 2 + 16 + 2 + 6
          'vpc-0123456789  a long descript…  123456',
        ],
      ],
      [
        35, // the description has shrunk to the ID's width; now both shrink in turn
        [
          'ID            DESCRIPTION         N', // 12 + 2 + 13 + 2 + 6
          'vpc-0123456…  a long descr…  123456',
        ],
      ],
    ])('narrows the widest text column first to fit %i', (maxWidth, expected) => {
      const output = renderTable(columns, rows, { maxWidth });
      expect(output).toBe(lines(...expected));
      for (const line of output.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(maxWidth);
    });

    it('then narrows the other text columns, never below 4 and never a number column', () => {
      const output = renderTable(columns, rows, { maxWidth: 10 });
      expect(output).toBe(lines('ID    DES…       N', 'vpc…  a l…  123456'));
    });

    it('leaves a table that already fits unchanged', () => {
      expect(renderTable(columns, rows, { maxWidth: 1000 })).toBe(renderTable(columns, rows));
    });
  });

  it.each<[string, Column[], { maxWidth?: number } | undefined]>([
    ['a zero column maxWidth', [{ key: 'v', header: 'V', maxWidth: 0 }], undefined],
    ['a fractional column maxWidth', [{ key: 'v', header: 'V', maxWidth: 2.5 }], undefined],
    ['a negative table maxWidth', [{ key: 'v', header: 'V' }], { maxWidth: -1 }],
    ['a NaN table maxWidth', [{ key: 'v', header: 'V' }], { maxWidth: Number.NaN }],
  ])('rejects %s', (_case, columns, options) => {
    expect(() => renderTable(columns, [{ v: 1 }], options)).toThrow(RangeError);
  });

  it('renders a result set too large to spread into Math.max', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => ({ n: i }));
    const output = renderTable([{ key: 'n', header: 'N' }], rows);
    expect(output.endsWith('\n299999\n')).toBe(true);
    expect(output.startsWith('     N\n     0\n')).toBe(true);
  });
});

describe('displayWidth', () => {
  it.each<[string, number]>([
    ['', 0],
    ['abc', 3],
    ['█░', 2],
    ['😀', 1],
    ['a😀b', 3],
    ['e\u0301', 2], // e + combining acute: one glyph, two code points (the documented approximation)
  ])('counts %j as %i', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('truncate', () => {
  it.each<[string, number, string]>([
    ['', 1, ''],
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['😀😀', 1, '…'],
    ['a😀b😀', 3, 'a😀…'],
  ])('cuts %j to %i as %j', (text, width, expected) => {
    expect(truncate(text, width)).toBe(expected);
  });

  it('never leaves half a surrogate pair', () => {
    for (let width = 1; width <= 6; width++) {
      const cut = truncate('😀😀😀😀😀😀😀', width);
      expect(cut).not.toMatch(/\p{Cs}/u); // a lone surrogate; a whole pair is one code point
      expect(displayWidth(cut)).toBe(width);
    }
  });
});

describe('toSingleLine', () => {
  it('leaves printable text, including non-ASCII, unchanged', () => {
    expect(toSingleLine('Zürich 東京 🚀 █')).toBe('Zürich 東京 🚀 █');
  });
});

describe('renderBar', () => {
  it.each<[number | null, number, string]>([
    [0, 10, '░░░░░░░░░░'],
    [0.5, 10, '█████░░░░░'],
    [0.31, 10, '███░░░░░░░'],
    [0.35, 10, '████░░░░░░'],
    [0.001, 10, '█░░░░░░░░░'], // any usage shows
    [0.97, 10, '█████████░'], // not full before the limit
    [0.999, 10, '█████████░'],
    [1, 10, '██████████'],
    [1.5, 10, '██████████!'],
    [Number.POSITIVE_INFINITY, 10, '██████████!'],
    [-0.2, 10, '░░░░░░░░░░'],
    [null, 10, '          '],
    [Number.NaN, 10, '          '],
    [0.5, 4, '██░░'],
    [0.3, 1, '█'],
    [0.7, 1, '█'],
    [0, 1, '░'],
    [null, 3, '   '],
  ])('draws %s over %i cells as %j', (fraction, width, expected) => {
    expect(renderBar(fraction, width)).toBe(expected);
  });

  it('is 10 cells wide by default', () => {
    expect(renderBar(0.2)).toBe('██░░░░░░░░');
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects width %s', (width) => {
    expect(() => renderBar(0.5, width)).toThrow(RangeError);
  });
});
