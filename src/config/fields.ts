/**
 * What each headroom.yaml field accepts, said once, next to its zod schema: the phrase that
 * completes "<path> must be …", a valid example, and the environment variable that overrides it.
 * Validation messages, hints, the env table and the JSON Schema's `description`/`examples` all
 * read from here (STYLE.md §3 rule 13).
 */
import * as z from 'zod';

export interface FieldInfo {
  /** Completes "<path> must be …": `a whole number from 1 to 20`. */
  readonly expected: string;
  /** A valid value, shown in hints as `write <key>: <example>` or `set <VAR>=<example>`. */
  readonly example: unknown;
  /** The environment variable that overrides this field (env beats the file). */
  readonly env?: `HEADROOM_${string}`;
  /** A hint that fits this particular wrong value better than the example, when there is one. */
  readonly hint?: (input: unknown) => string | undefined;
}

export const fieldInfo = z.registry<FieldInfo>();

/**
 * Attaches `info` to `schema` and a description and example to its JSON Schema.
 *
 * @example
 * const maxAttempts = field(z.int().min(1).max(20), 'Attempts per AWS request, the first included.', {
 *   expected: 'a whole number from 1 to 20',
 *   example: 5,
 * });
 */
export function field<T extends z.ZodType>(schema: T, description: string, info: FieldInfo): T {
  const env = info.env === undefined ? '' : ` Environment: ${info.env}.`;
  const described = schema.meta({ description: `${description}${env}`, examples: [info.example] });
  fieldInfo.add(described, info);
  return described;
}

/** The schema itself and each wrapper inside it (default, optional, the input side of a pipe). */
function layers(schema: z.ZodType): z.ZodType[] {
  const found: z.ZodType[] = [];
  let current: z.ZodType | undefined = schema;
  while (current !== undefined) {
    found.push(current);
    if (
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodOptional
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      current = undefined;
    }
  }
  return found;
}

/** The info registered on `schema` or on the first layer inside it that has some. */
export function infoOf(schema: z.ZodType): FieldInfo | undefined {
  for (const layer of layers(schema)) {
    const info = fieldInfo.get(layer);
    if (info !== undefined) return info;
  }
  return undefined;
}

/** The object, array, record or scalar at the core of `schema`, past every wrapper. */
export function coreOf(schema: z.ZodType): z.ZodType {
  return layers(schema).at(-1) ?? schema;
}

/** The options of a union (a discriminated union included), each past its wrappers; else the schema. */
function alternatives(schema: z.ZodType): z.ZodType[] {
  const core = coreOf(schema);
  return core instanceof z.ZodUnion ? (core.options as z.ZodType[]).map(coreOf) : [core];
}

/** The schema one step below `schema` at `segment`, in the first union option that has it. */
function childAt(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  for (const core of alternatives(schema)) {
    if (core instanceof z.ZodObject && typeof segment === 'string') {
      if (Object.hasOwn(core.shape, segment)) return core.shape[segment] as z.ZodType;
    } else if (core instanceof z.ZodArray && typeof segment === 'number') {
      return core.element as z.ZodType;
    } else if (core instanceof z.ZodRecord) {
      return core.valueType as z.ZodType;
    }
  }
  return undefined;
}

/** The schema of the field at `path` (`['accounts', 0, 'id']`), or undefined past the schema's end. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType = root;
  for (const segment of path) {
    const next = childAt(current, segment);
    if (next === undefined) return undefined;
    current = next;
  }
  return current;
}

/**
 * The keys an object field accepts, in schema order (of every option, for a union of objects);
 * empty when `schema` is not an object.
 */
export function keysOf(schema: z.ZodType): string[] {
  const keys = alternatives(schema).flatMap((core) =>
    core instanceof z.ZodObject ? Object.keys(core.shape) : [],
  );
  return [...new Set(keys)];
}

/** The schema of a record field's keys; undefined when `schema` is not a record. */
export function recordKeyOf(schema: z.ZodType): z.ZodType | undefined {
  const core = coreOf(schema);
  return core instanceof z.ZodRecord ? (core.keyType as z.ZodType) : undefined;
}

/** The choices of an enum field (or of the enum in a union); empty when there is none. */
export function choicesOf(schema: z.ZodType): string[] {
  return alternatives(schema).flatMap((core) => (core instanceof z.ZodEnum ? core.options.map(String) : []));
}

/** Every field path in the schema, parents before children; arrays and records appear as `*`. */
export function fieldPaths(root: z.ZodType, prefix: readonly string[] = []): string[][] {
  const core = coreOf(root);
  if (core instanceof z.ZodObject) {
    return Object.entries(core.shape).flatMap(([key, child]) => [
      [...prefix, key],
      ...fieldPaths(child as z.ZodType, [...prefix, key]),
    ]);
  }
  if (core instanceof z.ZodUnion) {
    const paths = (core.options as z.ZodType[]).flatMap((option) => fieldPaths(option, prefix));
    return [...new Map(paths.map((path) => [path.join('.'), path])).values()];
  }
  if (core instanceof z.ZodArray) return fieldPaths(core.element as z.ZodType, [...prefix, '*']);
  if (core instanceof z.ZodRecord) return fieldPaths(core.valueType as z.ZodType, [...prefix, '*']);
  return [];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const squash = (text: string): string => text.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The candidate `text` was probably meant to be: the same word in another case or with `_`/`-`
 * (`max_attempts` → `maxAttempts`), else the nearest within a couple of typos; undefined if none.
 */
export function closest(text: string, candidates: readonly string[]): string | undefined {
  const squashed = squash(text);
  const same = candidates.find((candidate) => squash(candidate) === squashed);
  if (same !== undefined) return same;
  const budget = squashed.length <= 4 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(squashed, squash(candidate));
    if (distance <= budget && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}
