import { describe, expect, it } from 'vitest';
import { type CsvColumn, renderCsv, renderJson } from './csv.js';
import type { Column } from './table.js';

const one: CsvColumn[] = [{ key: 'v', header: 'value' }];

/** The data field written for `value`, with a second column so an empty field stays unquoted. */
const field = (value: unknown): string => {
  const output = renderCsv([...one, { key: 'w', header: 'w' }], [{ v: value, w: 'end' }]);
  expect(output.startsWith('value,w\n') && output.endsWith(',end\n')).toBe(true);
  return output.slice('value,w\n'.length, -',end\n'.length);
};

describe('renderCsv', () => {
  it('writes a header of column headers, then one record per row, each ending in \\n', () => {
    const columns: CsvColumn[] = [
      { key: 'code', header: 'quota_code' },
      { key: 'usage', header: 'usage' },
      { key: 'limit', header: 'limit' },
    ];
    const rows = [
      { code: 'L-1216C47A', usage: 1152, limit: 1280 },
      { code: 'L-0263D0A3', usage: 3, limit: null },
    ];
    expect(renderCsv(columns, rows)).toBe('quota_code,usage,limit\nL-1216C47A,1152,1280\nL-0263D0A3,3,\n');
  });

  it('writes only the header when there are no rows, and nothing without columns', () => {
    expect(renderCsv(one, [])).toBe('value\n');
    expect(renderCsv([], [{ v: 1 }])).toBe('');
  });

  it('uses no CR anywhere unless a value holds one', () => {
    const output = renderCsv(one, [{ v: 'a' }, { v: 'b' }]);
    expect(output).toBe('value\na\nb\n');
    expect(output).not.toContain('\r');
  });

  it.each<[string, unknown, string]>([
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['empty text', '', ''],
    ['plain text', 'us-east-1', 'us-east-1'],
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['only a quote', '"', '""""'],
    ['a LF', 'a\nb', '"a\nb"'],
    ['a CR', 'a\rb', '"a\rb"'],
    ['CRLF', 'a\r\nb', '"a\r\nb"'],
    ['unicode', 'Zürich 東京 🚀', 'Zürich 東京 🚀'],
    ['leading and trailing spaces', '  x  ', '  x  '],
    ['an integer', 1280, '1280'],
    ['zero', 0, '0'],
    ['negative zero', -0, '0'],
    ['a fraction at full precision', 0.1 + 0.2, '0.30000000000000004'],
    ['a huge integer without separators', 123456789012, '123456789012'],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ['a number past 1e21', 1e21, '1e+21'],
    ['a tiny number', 5e-7, '5e-7'],
    ['a bigint', 2n ** 64n, '18446744073709551616'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['a Date', new Date(Date.UTC(2026, 0, 15, 9, 30, 5, 7)), '2026-01-15T09:30:05.007Z'],
    ['an invalid Date', new Date(Number.NaN), ''],
    ['an array, as JSON', ['a', 'b'], '"[""a"",""b""]"'],
    ['an object, as JSON', { k: 1 }, '"{""k"":1}"'],
    ['a function', () => 1, ''],
  ])('writes %s', (_case, value, expected) => {
    expect(field(value)).toBe(expected);
  });

  it.each<[string, unknown, string]>([
    ['=', '=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['=', '=1+1', "'=1+1"],
    ['+', '+1', "'+1"],
    ['-', "-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ['@', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['tab', '\t=1', "'\t=1"],
    ['CR', '\r=1', '"\'\r=1"'],
    ['- in numeric-looking text', '-5', "'-5"],
    ['- in -Infinity', Number.NEGATIVE_INFINITY, "'-Infinity"],
  ])('guards text starting with %s: %j', (_case, value, expected) => {
    expect(field(value)).toBe(expected);
  });

  it.each<[string, unknown, string]>([
    ['a negative number', -5, '-5'],
    ['a negative fraction', -0.25, '-0.25'],
    ['a negative bigint', -12n, '-12'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['NaN', Number.NaN, 'NaN'],
    ['a formula sign inside text', 'a=b', 'a=b'],
    ['a single quote first', "'=1", "'=1"],
    ['a leading space', ' =1', ' =1'],
  ])('leaves %s unguarded', (_case, value, expected) => {
    expect(field(value)).toBe(expected);
  });

  it('guards and quotes headers like any text', () => {
    const columns: CsvColumn[] = [
      { key: 'a', header: '=cmd' },
      { key: 'b', header: 'usage, %' },
    ];
    expect(renderCsv(columns, [])).toBe('\'=cmd,"usage, %"\n');
  });

  it('quotes a lone empty field, so a one-column record is not a blank line', () => {
    expect(renderCsv(one, [{ v: null }, { v: '' }, { v: 'x' }])).toBe('value\n""\n""\nx\n');
  });

  it('keeps empty fields between commas when there are several columns', () => {
    const columns: CsvColumn[] = [
      { key: 'a', header: 'a' },
      { key: 'b', header: 'b' },
      { key: 'c', header: 'c' },
    ];
    expect(renderCsv(columns, [{}])).toBe('a,b,c\n,,\n');
  });

  it('accepts table columns and writes the raw value, not their display format', () => {
    const columns: Column[] = [{ key: 'ratio', header: 'ratio', format: (v) => `${Number(v) * 100}%` }];
    expect(renderCsv(columns, [{ ratio: 0.25 }])).toBe('ratio\n0.25\n');
  });

  it('round-trips awkward text through a minimal RFC 4180 reader', () => {
    const texts = ['a,b', '"q"', 'x\ny', 'plain', '', 'tab\tinside', 'é😀'];
    const rows = texts.map((t, i) => ({ i, t }));
    const csv = renderCsv(
      [
        { key: 'i', header: 'i' },
        { key: 't', header: 't' },
      ],
      rows,
    );
    expect(parseCsv(csv).slice(1)).toEqual(texts.map((t, i) => [String(i), t]));
  });
});

describe('renderJson', () => {
  it.each<[string, unknown, string]>([
    [
      'an object, 2-space indented',
      { a: 1, b: [true, null] },
      '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}\n',
    ],
    ['an empty array', [], '[]\n'],
    ['text', 'x"y', '"x\\"y"\n'],
    [
      'a Date as its ISO string',
      { at: new Date(Date.UTC(2026, 0, 15)) },
      '{\n  "at": "2026-01-15T00:00:00.000Z"\n}\n',
    ],
    ['an invalid Date as null', [new Date(Number.NaN)], '[\n  null\n]\n'],
    ['a bigint as a decimal string', { n: 2n ** 64n }, '{\n  "n": "18446744073709551616"\n}\n'],
    ['NaN and Infinity as null', [Number.NaN, Number.POSITIVE_INFINITY], '[\n  null,\n  null\n]\n'],
    ['a negative and a huge number', [-5, 1e21], '[\n  -5,\n  1e+21\n]\n'],
    ['unicode as is', '東京🚀', '"東京🚀"\n'],
    ['undefined as null', undefined, 'null\n'],
    ['an undefined property by leaving it out', { a: undefined, b: 1 }, '{\n  "b": 1\n}\n'],
  ])('renders %s', (_case, value, expected) => {
    expect(renderJson(value)).toBe(expected);
  });

  it('parses back to the same data', () => {
    const value = { quotas: [{ code: 'L-1216C47A', usage: 1152, limit: null, ratio: 0.9 }] };
    expect(JSON.parse(renderJson(value))).toEqual(value);
  });
});

/** A small RFC 4180 reader (quoted fields, doubled quotes, line breaks inside quotes). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let fieldText = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        fieldText += '"';
        i++;
      } else if (c === '"') quoted = false;
      else fieldText += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(fieldText);
      fieldText = '';
    } else if (c === '\n') {
      record.push(fieldText);
      records.push(record);
      record = [];
      fieldText = '';
    } else fieldText += c;
  }
  return records;
}
