/**
 * Input shapes of the operations the sandbox serves, written from the AWS models, and the three
 * things done with them: reading a JSON body (type errors are SerializationException, as Coral
 * answers), reading a query-protocol form (`A.member.1.B=…`), and checking the constraints
 * (ValidationException / ValidationError, worded as AWS words them).
 */
import { AwsError, type ErrorDialect } from './errors.js';

interface Constraints {
  min?: number;
  max?: number;
}

export interface StringShape extends Constraints {
  kind: 'string';
  /** The pattern as AWS prints it in validation messages; matched whole. */
  pattern?: string;
  enum?: readonly string[];
}
export interface NumberShape extends Constraints {
  kind: 'integer' | 'double';
}
export interface BooleanShape {
  kind: 'boolean';
}
export interface TimestampShape {
  kind: 'timestamp';
}
export interface BlobShape {
  kind: 'blob';
}
export interface ListShape extends Constraints {
  kind: 'list';
  member: Shape;
}
export interface MapShape extends Constraints {
  kind: 'map';
  key: Shape;
  value: Shape;
  /** Query-protocol names of an entry's key and value (SNS uses Name/Value). */
  keyName?: string;
  valueName?: string;
}
export interface StructureShape {
  kind: 'structure';
  members: Readonly<Record<string, Shape>>;
  required: readonly string[];
}
export type Shape =
  | StringShape
  | NumberShape
  | BooleanShape
  | TimestampShape
  | BlobShape
  | ListShape
  | MapShape
  | StructureShape;

export const string = (options: Omit<StringShape, 'kind'> = {}): StringShape => ({
  kind: 'string',
  ...options,
});
export const integer = (options: Constraints = {}): NumberShape => ({ kind: 'integer', ...options });
export const double = (options: Constraints = {}): NumberShape => ({ kind: 'double', ...options });
export const boolean = (): BooleanShape => ({ kind: 'boolean' });
export const timestamp = (): TimestampShape => ({ kind: 'timestamp' });
export const blob = (): BlobShape => ({ kind: 'blob' });
export const list = (member: Shape, options: Constraints = {}): ListShape => ({
  kind: 'list',
  member,
  ...options,
});
export const map = (
  key: Shape,
  value: Shape,
  options: Omit<MapShape, 'kind' | 'key' | 'value'> = {},
): MapShape => ({
  kind: 'map',
  key,
  value,
  ...options,
});
export const structure = (
  members: Record<string, Shape>,
  required: readonly string[] = [],
): StructureShape => ({
  kind: 'structure',
  members,
  required,
});

/** A decoded input: JSON values, with timestamps as Date and blobs as Buffer. */
export type Input = Record<string, unknown>;

const JSON_TYPE_NAMES: Record<string, string> = {
  string: 'STRING_VALUE',
  number: 'NUMBER_VALUE',
  boolean: 'BOOLEAN_VALUE',
  object: 'START_OBJECT',
  array: 'START_ARRAY',
};

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return JSON_TYPE_NAMES.array ?? 'START_ARRAY';
  return JSON_TYPE_NAMES[typeof value] ?? 'VALUE';
}

const SHAPE_TYPE_NAMES: Record<Shape['kind'], string> = {
  string: 'String',
  integer: 'Integer',
  double: 'Double',
  boolean: 'Boolean',
  timestamp: 'Date',
  blob: 'ByteBuffer',
  list: 'List',
  map: 'Map',
  structure: 'Structure',
};

/**
 * Reads a parsed JSON body against a shape. Members the shape does not know are ignored, as
 * AWS ignores them; a value of the wrong JSON type is a SerializationException.
 */
export function readJson(shape: StructureShape, body: unknown, dialect: ErrorDialect): Input {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw dialect.serialization(`Start of structure or map found where not expected.`);
  }
  return readJsonValue(shape, body, dialect) as Input;
}

function readJsonValue(shape: Shape, value: unknown, dialect: ErrorDialect): unknown {
  const mismatch = (): AwsError =>
    dialect.serialization(`${jsonTypeName(value)} can not be converted to ${SHAPE_TYPE_NAMES[shape.kind]}`);
  switch (shape.kind) {
    case 'string':
      if (typeof value !== 'string') throw mismatch();
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch();
      return value;
    case 'double':
      if (typeof value !== 'number') throw mismatch();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch();
      return value;
    case 'timestamp':
      // AWS JSON protocols send epoch seconds; fractional seconds are allowed.
      if (typeof value !== 'number' || !Number.isFinite(value)) throw mismatch();
      return new Date(Math.round(value * 1000));
    case 'blob':
      if (typeof value !== 'string') throw mismatch();
      return Buffer.from(value, 'base64');
    case 'list': {
      if (!Array.isArray(value)) throw mismatch();
      return value
        .filter((item) => item !== null)
        .map((item: unknown) => readJsonValue(shape.member, item, dialect));
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch();
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== null) out[k] = readJsonValue(shape.value, v, dialect);
      }
      return out;
    }
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch();
      const out: Record<string, unknown> = {};
      for (const [name, memberShape] of Object.entries(shape.members)) {
        const member = (value as Record<string, unknown>)[name];
        if (member !== undefined && member !== null) out[name] = readJsonValue(memberShape, member, dialect);
      }
      return out;
    }
  }
}

/**
 * The form's keys as a tree of their dot-separated parts (`A.member.1.B` → A › member › 1 › B),
 * built once, so reading a shape walks it instead of scanning every key for every list.
 */
interface KeyNode {
  value: string | undefined;
  readonly children: Map<string, KeyNode>;
}

function keyTree(params: URLSearchParams): KeyNode {
  const root: KeyNode = { value: undefined, children: new Map() };
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split('.')) {
      let child = node.children.get(part);
      if (!child) {
        child = { value: undefined, children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    node.value = value;
  }
  return root;
}

/** The numbered children of a node (`member.1`, `entry.2`), in order. */
function numbered(node: KeyNode | undefined): [number, KeyNode][] {
  if (!node) return [];
  return [...node.children.entries()]
    .map(([part, child]): [number, KeyNode] => [/^\d+$/.test(part) ? Number(part) : 0, child])
    .filter(([index]) => index > 0)
    .sort(([a], [b]) => a - b);
}

/**
 * Reads a query-protocol form (`Action=…&A.member.1.B=…&M.entry.1.key=…`) against a shape.
 * Scalars arrive as text and are converted by the shape's type.
 */
export function readQuery(
  shape: StructureShape,
  params: URLSearchParams,
  dialect: ErrorDialect,
  options: { flatLists?: boolean } = {},
): Input {
  return readQueryStructure(shape, '', keyTree(params), dialect, options.flatLists === true);
}

function readQueryStructure(
  shape: StructureShape,
  prefix: string,
  node: KeyNode,
  dialect: ErrorDialect,
  flat: boolean,
): Input {
  const out: Input = {};
  for (const [name, memberShape] of Object.entries(shape.members)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const value = readQueryValue(memberShape, key, node.children.get(name), dialect, flat);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function readQueryValue(
  shape: Shape,
  key: string,
  node: KeyNode | undefined,
  dialect: ErrorDialect,
  flat: boolean,
): unknown {
  if (!node) return undefined;
  switch (shape.kind) {
    case 'structure':
      return readQueryStructure(shape, key, node, dialect, flat);
    case 'list': {
      // EC2's query protocol numbers list items right under the member (`Filter.1.Name`).
      const members = numbered(flat ? node : node.children.get('member'));
      // An empty list is sent as `Key=` with no members.
      if (members.length === 0) return node.value === '' ? [] : undefined;
      return members.map(([i, member]) =>
        readQueryValue(shape.member, flat ? `${key}.${i}` : `${key}.member.${i}`, member, dialect, flat),
      );
    }
    case 'map': {
      const entries = numbered(node.children.get('entry'));
      if (entries.length === 0) return node.value === '' ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const [i, entry] of entries) {
        const mapKey = entry.children.get(shape.keyName ?? 'key')?.value;
        if (mapKey === undefined) continue;
        const valueName = shape.valueName ?? 'value';
        out[mapKey] = readQueryValue(
          shape.value,
          `${key}.entry.${i}.${valueName}`,
          entry.children.get(valueName),
          dialect,
          flat,
        );
      }
      return out;
    }
    default:
      return node.value === undefined ? undefined : readQueryScalar(shape, key, node.value, dialect);
  }
}

const INTEGER_TEXT = /^[-+]?\d+$/;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function readQueryScalar(shape: Shape, key: string, text: string, dialect: ErrorDialect): unknown {
  const invalid = (): AwsError => dialect.validation(`Value '${text}' for parameter ${key} is invalid.`);
  switch (shape.kind) {
    case 'string':
      return text;
    case 'integer':
      if (!INTEGER_TEXT.test(text)) throw invalid();
      return Number.parseInt(text, 10);
    case 'double':
      if (!NUMBER_TEXT.test(text)) throw invalid();
      return Number.parseFloat(text);
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw invalid();
      return text === 'true';
    case 'timestamp': {
      // botocore sends ISO 8601; epoch seconds are accepted too.
      const millis = NUMBER_TEXT.test(text) ? Number.parseFloat(text) * 1000 : Date.parse(text);
      if (!Number.isFinite(millis)) throw invalid();
      return new Date(millis);
    }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      throw invalid();
  }
}

/**
 * Reads REST parameters (URI labels and query-string values, all text) into the members they are
 * bound to, converted by each member's type as query-protocol scalars are.
 */
export function readRestParams(
  shape: StructureShape,
  values: ReadonlyMap<string, string>,
  dialect: ErrorDialect,
): Input {
  const out: Input = {};
  for (const [name, text] of values) {
    const memberShape = shape.members[name];
    if (memberShape) out[name] = readQueryScalar(memberShape, name, text, dialect);
  }
  return out;
}

/** Coral spells member paths in lowerCamelCase: `serviceCode`, `metricDataQueries.1.member.id`. */
function coralName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const compiledPatterns = new Map<string, RegExp>();
function patternOf(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = new RegExp(`^(?:${pattern})$`, 'u');
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * Checks the constraints of a decoded input and throws the service's validation error listing
 * every violation, as Coral does: "2 validation errors detected: Value null at 'serviceCode'…".
 */
export function validate(shape: StructureShape, input: Input, dialect: ErrorDialect): void {
  const violations: string[] = [];
  collectViolations(shape, input, '', violations);
  if (violations.length > 0) {
    const count = violations.length;
    throw dialect.validation(
      `${count} validation error${count === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
    );
  }
}

function collectViolations(shape: Shape, value: unknown, path: string, out: string[]): void {
  const fail = (constraint: string): void => {
    out.push(
      `Value '${describeValue(value)}' at '${path}' failed to satisfy constraint: Member must ${constraint}`,
    );
  };
  switch (shape.kind) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      for (const [name, memberShape] of Object.entries(shape.members)) {
        const memberPath = path ? `${path}.${coralName(name)}` : coralName(name);
        const member = record[name];
        if (member === undefined) {
          if (shape.required.includes(name)) {
            out.push(`Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
          }
          continue;
        }
        collectViolations(memberShape, member, memberPath, out);
      }
      return;
    }
    case 'string': {
      const text = value as string;
      if (shape.min !== undefined && text.length < shape.min)
        fail(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && text.length > shape.max)
        fail(`have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(text))
        fail(`satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern !== undefined && !patternOf(shape.pattern).test(text)) {
        fail(`satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'double': {
      const number = value as number;
      if (shape.min !== undefined && number < shape.min)
        fail(`have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && number > shape.max)
        fail(`have value less than or equal to ${shape.max}`);
      return;
    }
    case 'list': {
      const items = value as unknown[];
      if (shape.min !== undefined && items.length < shape.min)
        fail(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && items.length > shape.max)
        fail(`have length less than or equal to ${shape.max}`);
      items.forEach((item, i) => {
        collectViolations(shape.member, item, `${path}.${i + 1}.member`, out);
      });
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        fail(`have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max)
        fail(`have length less than or equal to ${shape.max}`);
      for (const [k, v] of entries) {
        collectViolations(shape.key, k, `${path}.${k}.key`, out);
        collectViolations(shape.value, v, `${path}.${k}.value`, out);
      }
      return;
    }
    default:
      return;
  }
}
