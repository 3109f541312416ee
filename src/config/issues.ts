/**
 * Turns zod issues into problems a person can fix: the field's dotted path, what is wrong in
 * words from the schema's field info, and a hint. Where the problem sits (file line or
 * environment variable) is added by the loader.
 */
import type * as z from 'zod';
import { choicesOf, closest, infoOf, keysOf, recordKeyOf, schemaAt } from './fields.js';

export type Segment = string | number;

/**
 * A fix in words, or a valid value the loader renders for where the bad one came from
 * (`orDelete`: the field was left empty, so deleting it is a fix too).
 */
export type Hint = { readonly text: string } | { readonly example: unknown; readonly orDelete?: boolean };

export interface Problem {
  /** The field (or, for an unknown key, the key) the problem is about. */
  readonly path: readonly Segment[];
  /** The rest of the sentence after the path: `must be … (got …)`. */
  readonly problem: string;
  readonly hint: Hint | undefined;
  /** The problem is the key itself, so point at the key rather than its value. */
  readonly atKey: boolean;
  /** Where in the file to point, when not at `path` (a record key names its parent). */
  readonly at?: readonly Segment[];
}

/** `accounts.1.id`; the root reads `the top level`. */
export function dotted(path: readonly Segment[]): string {
  return path.length === 0 ? 'the top level' : path.join('.');
}

/** A value as the message quotes it: `'abc'`, `12345`, `a list`. */
export function show(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

function toPath(path: readonly PropertyKey[]): Segment[] {
  return path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
}

function hintParam(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'custom') return undefined;
  const hint: unknown = issue.params?.hint;
  return typeof hint === 'string' ? hint : undefined;
}

/**
 * What `issue` means, in the words of the field it is about. Issues need their input
 * (`safeParse(data, { reportInput: true })`). An unknown-keys issue becomes one problem per key.
 */
export function explainIssue(root: z.ZodType, issue: z.core.$ZodIssue): Problem[] {
  const path = toPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const parent = schemaAt(root, path);
    const known = parent === undefined ? [] : keysOf(parent);
    return issue.keys.map((key) => {
      const meant = closest(key, known);
      return {
        path: [...path, key],
        problem: 'is not a setting headroom knows',
        hint: {
          text:
            meant === undefined
              ? `remove it; ${path.length === 0 ? 'the top level' : dotted(path)} takes ${known.join(', ')}`
              : `did you mean ${meant}?`,
        },
        atKey: true,
      };
    });
  }
  if (issue.code === 'invalid_key') {
    const parentPath = path.slice(0, -1);
    const parent = schemaAt(root, parentPath);
    const keyType = parent === undefined ? undefined : recordKeyOf(parent);
    const info = keyType === undefined ? undefined : infoOf(keyType);
    return [
      {
        path: parentPath,
        problem: `key ${show(path.at(-1))} must be ${info?.expected ?? 'a valid key'}`,
        hint: info === undefined ? undefined : { text: `rename it, e.g. ${String(info.example)}` },
        atKey: true,
        at: path,
      },
    ];
  }
  const text = hintParam(issue);
  if (text !== undefined) return [{ path, problem: issue.message, hint: { text }, atKey: false }];

  const schema = schemaAt(root, path);
  const info = schema === undefined ? undefined : infoOf(schema);
  if (schema === undefined || info === undefined) {
    return [{ path, problem: `is not valid: ${issue.message}`, hint: undefined, atKey: false }];
  }
  // A discriminated union's bad discriminator carries the whole object as its input.
  const input =
    issue.code === 'invalid_union' && typeof issue.discriminator === 'string'
      ? (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator]
      : issue.input;
  if (input === undefined)
    return [{ path, problem: 'is required', hint: { example: info.example }, atKey: true }];
  const special = info.hint?.(input);
  const meant = typeof input === 'string' ? closest(input, choicesOf(schema)) : undefined;
  return [
    {
      path,
      problem: `must be ${info.expected} (got ${show(input)})`,
      hint:
        special !== undefined
          ? { text: special }
          : { example: meant ?? info.example, orDelete: input === null },
      atKey: false,
    },
  ];
}
