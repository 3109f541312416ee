import { describe, expect, it } from 'vitest';
import { AwsError } from './errors.js';
import { type PageRequest, PageTokens, paginate } from './pagination.js';

const SECRET = Buffer.alloc(32, 7);
const SCOPE = 'ListServiceQuotas|111122223333|us-east-1|ec2';
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The token with the character at `index` changed so the top bit of its 6-bit value flips. */
function flipAt(token: string, index: number): string {
  const value = BASE64_ALPHABET.indexOf(token.charAt(index));
  return `${token.slice(0, index)}${BASE64_ALPHABET.charAt(value ^ 32)}${token.slice(index + 1)}`;
}

describe('PageTokens', () => {
  const tokens = new PageTokens(SECRET);

  it.each<[number, number | undefined]>([
    [0, undefined],
    [1, undefined],
    [250, undefined],
    [3, 1767225600000],
    [0, 0],
  ])('round-trips offset %d with pinned value %s', (offset, pinned) => {
    const token = tokens.encode(SCOPE, offset, pinned);
    expect(token).toMatch(/^[a-zA-Z0-9/+]*={0,2}$/);
    expect(tokens.decode(token, SCOPE)).toBe(offset);
    expect(tokens.decodeWithPin(token, SCOPE)).toEqual({ offset, pinned });
  });

  it('is opaque: the offset does not appear in the clear', () => {
    const token = tokens.encode(SCOPE, 12345);
    expect(token).not.toContain('12345');
    expect(Buffer.from(token, 'base64').toString('latin1')).not.toContain(SCOPE);
  });

  it('decodes a token from another instance with the same secret, but not with another secret', () => {
    const token = tokens.encode(SCOPE, 5);
    expect(new PageTokens(Buffer.from(SECRET)).decode(token, SCOPE)).toBe(5);
    expect(new PageTokens(Buffer.alloc(32, 8)).decode(token, SCOPE)).toBeUndefined();
  });

  it('rejects every single-character change', () => {
    const token = tokens.encode(SCOPE, 4, 1767225600000);
    const dataLength = token.replace(/=+$/, '').length;
    const accepted = Array.from({ length: dataLength }, (_, i) => flipAt(token, i)).filter(
      (tampered) => tokens.decodeWithPin(tampered, SCOPE) !== undefined,
    );
    expect(dataLength).toBeGreaterThan(20);
    expect(accepted).toEqual([]);
  });

  it.each<[string, (token: string) => string]>([
    ['the last 4 characters dropped', (t) => t.slice(0, -4)],
    ['only the first 16 characters kept', (t) => t.slice(0, 16)],
    ['only the MAC kept', (t) => t.slice(-16)],
    ['empty', () => ''],
    ['doubled', (t) => t + t],
  ])('rejects a token with %s', (_label, change) => {
    const token = tokens.encode(SCOPE, 8);
    const changed = change(token);
    expect(changed).not.toBe(token);
    expect(tokens.decode(changed, SCOPE)).toBeUndefined();
  });

  it.each<[string, string]>([
    ['another account', 'ListServiceQuotas|444455556666|us-east-1|ec2'],
    ['another region', 'ListServiceQuotas|111122223333|eu-west-1|ec2'],
    ['another operation', 'ListServices|111122223333|us-east-1|ec2'],
    ['an empty scope', ''],
  ])('rejects a token replayed for %s', (_label, otherScope) => {
    const token = tokens.encode(SCOPE, 2);
    expect(tokens.decode(token, otherScope)).toBeUndefined();
  });

  it.each<[string, string]>([
    ['text with spaces', 'not a token'],
    ['punctuation', '%%%'],
    ['base64url characters', tokens.encode(SCOPE, 2).replace(/\+/g, '-').replace(/\//g, '_') + '-_'],
    ['three padding characters', 'QUJD==='],
    ['padding in the middle', 'QQ==QUJD'],
    ['valid base64 of too few bytes', Buffer.alloc(12).toString('base64')],
    ['valid base64 of arbitrary bytes', Buffer.from('{"o":1,"s":"x"}0123456789ab').toString('base64')],
  ])('rejects %s', (_label, token) => {
    expect(tokens.decode(token, SCOPE)).toBeUndefined();
  });

  it.each<[string, number]>([
    ['a negative offset', -1],
    ['a fractional offset', 1.5],
    ['a NaN offset', Number.NaN],
  ])('does not decode a token it was asked to encode with %s', (_label, offset) => {
    expect(tokens.decode(tokens.encode(SCOPE, offset), SCOPE)).toBeUndefined();
  });
});

describe('paginate', () => {
  const tokens = new PageTokens(SECRET);
  const items = Array.from({ length: 10 }, (_, i) => i);
  const invalid = new AwsError('InvalidPaginationTokenException', 'Invalid NextToken');

  const request = (overrides: Partial<PageRequest> = {}): PageRequest => ({
    tokens,
    scope: SCOPE,
    nextToken: undefined,
    maxResults: undefined,
    defaultSize: 4,
    cap: undefined,
    invalidToken: () => invalid,
    ...overrides,
  });

  /** Every page of `all`, following NextToken. */
  function walk<T>(all: readonly T[], overrides: Partial<PageRequest>): T[][] {
    const pages: T[][] = [];
    let nextToken: string | undefined;
    do {
      const page = paginate(all, request({ ...overrides, nextToken }));
      pages.push(page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined && pages.length <= all.length);
    return pages;
  }

  it.each<[string, Partial<PageRequest>, number[][]]>([
    [
      'the default size',
      {},
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ],
    ],
    ['MaxResults', { maxResults: 3 }, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]],
    [
      'MaxResults above the default',
      { maxResults: 6 },
      [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9],
      ],
    ],
    [
      'the cap below MaxResults',
      { maxResults: 6, cap: 2 },
      [
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
        [8, 9],
      ],
    ],
    ['the cap below the default', { cap: 3 }, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]],
    [
      'the cap above MaxResults',
      { maxResults: 5, cap: 8 },
      [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
      ],
    ],
    [
      'a size that divides the items',
      { maxResults: 5 },
      [
        [0, 1, 2, 3, 4],
        [5, 6, 7, 8, 9],
      ],
    ],
    ['a size above the item count', { maxResults: 100 }, [items]],
  ])('pages by %s and ends without a token', (_label, overrides, pages) => {
    expect(walk(items, overrides)).toEqual(pages);
  });

  it('gives a token exactly when more items remain', () => {
    const first = paginate(items, request({ maxResults: 5 }));
    expect(first.nextToken).toBeDefined();
    const last = paginate(items, request({ maxResults: 5, nextToken: first.nextToken }));
    expect(last.items).toEqual([5, 6, 7, 8, 9]);
    expect(last.nextToken).toBeUndefined();
  });

  it('gives one empty page without a token for no items', () => {
    expect(paginate([], request())).toEqual({ items: [], nextToken: undefined });
  });

  it('lets a continuation change MaxResults', () => {
    const first = paginate(items, request({ maxResults: 2 }));
    const second = paginate(items, request({ maxResults: 7, nextToken: first.nextToken }));
    expect(second.items).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives an empty last page for an offset at the end', () => {
    const atEnd = tokens.encode(SCOPE, items.length);
    expect(paginate(items, request({ nextToken: atEnd }))).toEqual({ items: [], nextToken: undefined });
  });

  it.each<[string, string]>([
    ['an offset beyond the end', tokens.encode(SCOPE, items.length + 1)],
    ['a token of another scope', tokens.encode('ListServices|111122223333|us-east-1', 4)],
    ['a token of another secret', new PageTokens(Buffer.alloc(32, 9)).encode(SCOPE, 4)],
    ['a tampered token', flipAt(tokens.encode(SCOPE, 4), 3)],
    ['a token that is not base64', 'next-page-please'],
  ])('throws the invalid-token error for %s', (_label, nextToken) => {
    expect(() => paginate(items, request({ nextToken }))).toThrow(invalid);
  });
});
