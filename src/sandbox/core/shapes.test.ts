import { describe, expect, it } from 'vitest';
import { AwsError, type ErrorDialect, jsonDialect, queryDialect } from './errors.js';
import {
  type Input,
  type StructureShape,
  blob,
  boolean,
  double,
  integer,
  list,
  map,
  readJson,
  readQuery,
  string,
  structure,
  timestamp,
  validate,
} from './shapes.js';

const stubs = {
  throttling: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  internalFailure: () => new AwsError('ServiceException', 'Internal failure', 500),
};
const json = jsonDialect(stubs);
const query = queryDialect(stubs);

/** Runs `action` and returns the AwsError it throws, failing if it throws anything else or nothing. */
function awsErrorOf(action: () => unknown): AwsError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError);
    return error as AwsError;
  }
  throw new Error('expected an AwsError, but nothing was thrown');
}

describe('readJson', () => {
  const shape = structure({
    Name: string(),
    Count: integer(),
    Ratio: double(),
    Enabled: boolean(),
    At: timestamp(),
    Data: blob(),
    Tags: list(string()),
    Labels: map(string(), integer()),
    Nested: structure({ Id: string(), Values: list(double()) }),
  });

  it('reads every kind of member', () => {
    const input = readJson(
      shape,
      {
        Name: 'ec2',
        Count: 3,
        Ratio: 0.5,
        Enabled: false,
        At: 1767225600.25,
        Data: Buffer.from('hello').toString('base64'),
        Tags: ['a', 'b'],
        Labels: { x: 1, y: 2 },
        Nested: { Id: 'm1', Values: [1, 2.5] },
      },
      json,
    );
    expect(input).toEqual({
      Name: 'ec2',
      Count: 3,
      Ratio: 0.5,
      Enabled: false,
      At: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 250)),
      Data: Buffer.from('hello'),
      Tags: ['a', 'b'],
      Labels: { x: 1, y: 2 },
      Nested: { Id: 'm1', Values: [1, 2.5] },
    });
  });

  it('ignores members the shape does not know and drops nulls', () => {
    const input = readJson(
      shape,
      { Name: null, Unknown: 'x', Tags: ['a', null, 'b'], Labels: { x: null, y: 2 }, Nested: { Id: null } },
      json,
    );
    expect(input).toEqual({ Tags: ['a', 'b'], Labels: { y: 2 }, Nested: {} });
    expect(input).not.toHaveProperty('Name');
    expect(input).not.toHaveProperty('Unknown');
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [{ Name: 'ec2' }]],
    ['a string', 'ec2'],
    ['a number', 1],
  ])('rejects a body that is %s', (_label, body) => {
    const error = awsErrorOf(() => readJson(shape, body, json));
    expect(error.code).toBe('SerializationException');
    expect(error.message).toBe('Start of structure or map found where not expected.');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a number for a string', { Name: 5 }, 'NUMBER_VALUE can not be converted to String'],
    ['an object for a string', { Name: { a: 1 } }, 'START_OBJECT can not be converted to String'],
    ['a string for an integer', { Count: '5' }, 'STRING_VALUE can not be converted to Integer'],
    ['a fraction for an integer', { Count: 1.5 }, 'NUMBER_VALUE can not be converted to Integer'],
    ['a boolean for a double', { Ratio: true }, 'BOOLEAN_VALUE can not be converted to Double'],
    ['a string for a boolean', { Enabled: 'true' }, 'STRING_VALUE can not be converted to Boolean'],
    ['a string for a timestamp', { At: '2026-01-01T00:00:00Z' }, 'STRING_VALUE can not be converted to Date'],
    ['a number for a blob', { Data: 12 }, 'NUMBER_VALUE can not be converted to ByteBuffer'],
    ['an object for a list', { Tags: { a: 'b' } }, 'START_OBJECT can not be converted to List'],
    ['a string for a list', { Tags: 'a' }, 'STRING_VALUE can not be converted to List'],
    ['an array for a map', { Labels: [1] }, 'START_ARRAY can not be converted to Map'],
    ['an array for a structure', { Nested: [] }, 'START_ARRAY can not be converted to Structure'],
    ['a wrong list member', { Tags: ['a', 2] }, 'NUMBER_VALUE can not be converted to String'],
    ['a wrong map value', { Labels: { x: 'one' } }, 'STRING_VALUE can not be converted to Integer'],
    [
      'a wrong nested member',
      { Nested: { Values: [1, '2'] } },
      'STRING_VALUE can not be converted to Double',
    ],
  ])('rejects %s as a SerializationException', (_label, body, message) => {
    const error = awsErrorOf(() => readJson(shape, body, json));
    expect(error.code).toBe('SerializationException');
    expect(error.status).toBe(400);
    expect(error.message).toBe(message);
  });

  it('words a type mismatch in the query dialect as MalformedInput', () => {
    const error = awsErrorOf(() => readJson(shape, { Count: 'many' }, query));
    expect(error.code).toBe('SerializationException');
    expect(error.queryCode).toBe('MalformedInput');
    expect(error.messageKey).toBe('message');
    expect(error.message).toBe('STRING_VALUE can not be converted to Integer');
  });
});

describe('readQuery', () => {
  const params = (text: string): URLSearchParams => new URLSearchParams(text);
  const read = (shape: StructureShape, text: string, dialect: ErrorDialect = query): Input =>
    readQuery(shape, params(text), dialect);

  it.each<[string, StructureShape, string, Input]>([
    ['a scalar', structure({ Name: string() }), 'Action=X&Name=ec2', { Name: 'ec2' }],
    ['an absent member', structure({ Name: string(), Other: string() }), 'Name=ec2', { Name: 'ec2' }],
    [
      'a list, by member index',
      structure({ Names: list(string()) }),
      'Names.member.2=b&Names.member.1=a&Names.member.10=j',
      { Names: ['a', 'b', 'j'] },
    ],
    ['an empty list sent as `A=`', structure({ Names: list(string()) }), 'Names=', { Names: [] }],
    ['a list with no members sent', structure({ Names: list(string()) }), 'Other=1', {}],
    [
      'a nested structure',
      structure({ Metric: structure({ Namespace: string(), Name: string() }) }),
      'Metric.Namespace=AWS%2FUsage&Metric.Name=CallCount',
      { Metric: { Namespace: 'AWS/Usage', Name: 'CallCount' } },
    ],
    [
      'a list of structures with lists inside',
      structure({
        Queries: list(
          structure({ Id: string(), Dimensions: list(structure({ Name: string(), Value: string() })) }),
        ),
      }),
      'Queries.member.1.Id=m1&Queries.member.1.Dimensions.member.1.Name=Type' +
        '&Queries.member.1.Dimensions.member.1.Value=API&Queries.member.2.Id=m2',
      { Queries: [{ Id: 'm1', Dimensions: [{ Name: 'Type', Value: 'API' }] }, { Id: 'm2' }] },
    ],
    [
      'a map with key/value entries',
      structure({ Tags: map(string(), string()) }),
      'Tags.entry.1.key=env&Tags.entry.1.value=prod&Tags.entry.2.key=team&Tags.entry.2.value=core',
      { Tags: { env: 'prod', team: 'core' } },
    ],
    [
      'a map with custom key and value names',
      structure({ Attributes: map(string(), string(), { keyName: 'Name', valueName: 'Value' }) }),
      'Attributes.entry.1.Name=DisplayName&Attributes.entry.1.Value=Alerts',
      { Attributes: { DisplayName: 'Alerts' } },
    ],
    [
      'a map entry without its key (left out)',
      structure({ Tags: map(string(), string()) }),
      'Tags.entry.1.value=orphan&Tags.entry.2.key=k&Tags.entry.2.value=v',
      { Tags: { k: 'v' } },
    ],
    ['an empty map sent as `M=`', structure({ Tags: map(string(), string()) }), 'Tags=', { Tags: {} }],
    [
      'a map of integers',
      structure({ Counts: map(string(), integer()) }),
      'Counts.entry.1.key=a&Counts.entry.1.value=7',
      { Counts: { a: 7 } },
    ],
  ])('reads %s', (_label, shape, text, expected) => {
    expect(read(shape, text)).toEqual(expected);
  });

  it.each<[string, StructureShape, string, unknown]>([
    ['an integer', structure({ V: integer() }), '42', 42],
    ['a negative integer', structure({ V: integer() }), '-7', -7],
    ['an integer with a plus sign', structure({ V: integer() }), '+3', 3],
    ['a double', structure({ V: double() }), '2.5', 2.5],
    ['a double in exponent form', structure({ V: double() }), '1.5e3', 1500],
    ['a double without a leading digit', structure({ V: double() }), '.25', 0.25],
    ['true', structure({ V: boolean() }), 'true', true],
    ['false', structure({ V: boolean() }), 'false', false],
    [
      'an ISO 8601 timestamp',
      structure({ V: timestamp() }),
      '2026-01-01T00:00:00Z',
      new Date(Date.UTC(2026, 0, 1)),
    ],
    [
      'an ISO 8601 timestamp with an offset',
      structure({ V: timestamp() }),
      '2026-01-01T02:00:00+02:00',
      new Date(Date.UTC(2026, 0, 1)),
    ],
    [
      'an epoch-seconds timestamp',
      structure({ V: timestamp() }),
      '1767225600',
      new Date(Date.UTC(2026, 0, 1)),
    ],
    [
      'a fractional epoch timestamp',
      structure({ V: timestamp() }),
      '1767225600.5',
      new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 500)),
    ],
    ['a blob', structure({ V: blob() }), 'aGVsbG8=', Buffer.from('hello')],
  ])('converts %s', (_label, shape, text, expected) => {
    expect(read(shape, `V=${encodeURIComponent(text)}`)).toEqual({ V: expected });
  });

  it.each<[string, StructureShape, string, string]>([
    [
      'a fraction for an integer',
      structure({ Period: integer() }),
      'Period=1.5',
      "Value '1.5' for parameter Period is invalid.",
    ],
    [
      'a word for an integer',
      structure({ Period: integer() }),
      'Period=sixty',
      "Value 'sixty' for parameter Period is invalid.",
    ],
    [
      'an empty integer',
      structure({ Period: integer() }),
      'Period=',
      "Value '' for parameter Period is invalid.",
    ],
    [
      'a word for a double',
      structure({ Ratio: double() }),
      'Ratio=half',
      "Value 'half' for parameter Ratio is invalid.",
    ],
    [
      'NaN for a double',
      structure({ Ratio: double() }),
      'Ratio=NaN',
      "Value 'NaN' for parameter Ratio is invalid.",
    ],
    [
      'a capitalized boolean',
      structure({ Flag: boolean() }),
      'Flag=True',
      "Value 'True' for parameter Flag is invalid.",
    ],
    [
      'a number for a boolean',
      structure({ Flag: boolean() }),
      'Flag=1',
      "Value '1' for parameter Flag is invalid.",
    ],
    [
      'an unreadable timestamp',
      structure({ At: timestamp() }),
      'At=yesterday',
      "Value 'yesterday' for parameter At is invalid.",
    ],
    [
      'a bad integer inside a list of structures',
      structure({ Queries: list(structure({ Period: integer() })) }),
      'Queries.member.1.Period=60&Queries.member.2.Period=x',
      "Value 'x' for parameter Queries.member.2.Period is invalid.",
    ],
    [
      'a bad map value',
      structure({ Counts: map(string(), integer()) }),
      'Counts.entry.1.key=a&Counts.entry.1.value=b',
      "Value 'b' for parameter Counts.entry.1.value is invalid.",
    ],
  ])('rejects %s with the validation error', (_label, shape, text, message) => {
    const error = awsErrorOf(() => read(shape, text));
    expect(error.code).toBe('ValidationException');
    expect(error.queryCode).toBe('ValidationError');
    expect(error.message).toBe(message);
  });
});

describe('validate', () => {
  const getQuota = structure(
    {
      ServiceCode: string({ min: 1, max: 63, pattern: '[a-zA-Z][a-zA-Z0-9-]{1,128}' }),
      QuotaCode: string({ min: 1, max: 128, pattern: '[a-zA-Z][a-zA-Z0-9-]{1,128}' }),
    },
    ['ServiceCode', 'QuotaCode'],
  );
  const getMetricData = structure(
    {
      MetricDataQueries: list(
        structure(
          {
            Id: string({ min: 1, max: 255 }),
            Period: integer({ min: 1 }),
            ReturnData: boolean(),
          },
          ['Id'],
        ),
        { max: 500 },
      ),
      ScanBy: string({ enum: ['TimestampDescending', 'TimestampAscending'] }),
      MaxDatapoints: integer({ min: 1, max: 100_800 }),
      Threshold: double({ min: 0, max: 1 }),
      Labels: map(string({ min: 2 }), string({ max: 3 }), { max: 2 }),
      Tags: list(string(), { min: 1, max: 2 }),
      StartTime: timestamp(),
    },
    ['MetricDataQueries'],
  );

  const messageOf = (
    shape: StructureShape,
    input: Input,
    dialect: ErrorDialect = json,
  ): string | undefined => {
    try {
      validate(shape, input, dialect);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(AwsError);
      expect((error as AwsError).code).toBe('ValidationException');
      return (error as AwsError).message;
    }
  };

  it.each<[string, StructureShape, Input]>([
    ['all required members present', getQuota, { ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }],
    [
      'values at the edges of their ranges',
      getMetricData,
      {
        MetricDataQueries: [{ Id: 'm', Period: 1 }],
        MaxDatapoints: 100_800,
        Threshold: 0,
        Labels: { ab: 'xyz' },
        Tags: ['a', 'b'],
        ScanBy: 'TimestampAscending',
        StartTime: new Date(0),
      },
    ],
  ])('accepts %s', (_label, shape, input) => {
    expect(messageOf(shape, input)).toBeUndefined();
  });

  it.each<[string, StructureShape, Input, string]>([
    [
      'a missing required member, in lowerCamelCase',
      getQuota,
      { QuotaCode: 'L-1216C47A' },
      "1 validation error detected: Value null at 'serviceCode' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a missing member of a list item, with its list path',
      getMetricData,
      { MetricDataQueries: [{ Id: 'm1' }, { Period: 60 }] },
      "1 validation error detected: Value null at 'metricDataQueries.2.member.id' failed to satisfy constraint: Member must not be null",
    ],
    [
      'a string shorter than its minimum',
      getMetricData,
      { MetricDataQueries: [{ Id: '' }] },
      "1 validation error detected: Value '' at 'metricDataQueries.1.member.id' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'a string longer than its maximum',
      getQuota,
      { ServiceCode: 'a'.repeat(64), QuotaCode: 'L-1' },
      `1 validation error detected: Value '${'a'.repeat(64)}' at 'serviceCode' failed to satisfy constraint: Member must have length less than or equal to 63`,
    ],
    [
      'a string off its pattern',
      getQuota,
      { ServiceCode: 'ec2', QuotaCode: 'L 1' },
      "1 validation error detected: Value 'L 1' at 'quotaCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9-]{1,128}",
    ],
    [
      'a pattern that matches only part of the value',
      getQuota,
      { ServiceCode: 'ec2', QuotaCode: 'L-1 and more' },
      "1 validation error detected: Value 'L-1 and more' at 'quotaCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9-]{1,128}",
    ],
    [
      'a value outside its enum',
      getMetricData,
      { MetricDataQueries: [], ScanBy: 'Newest' },
      "1 validation error detected: Value 'Newest' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]",
    ],
    [
      'an integer below its minimum',
      getMetricData,
      { MetricDataQueries: [{ Id: 'm1', Period: 0 }] },
      "1 validation error detected: Value '0' at 'metricDataQueries.1.member.period' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'an integer above its maximum',
      getMetricData,
      { MetricDataQueries: [], MaxDatapoints: 100_801 },
      "1 validation error detected: Value '100801' at 'maxDatapoints' failed to satisfy constraint: Member must have value less than or equal to 100800",
    ],
    [
      'a double above its maximum',
      getMetricData,
      { MetricDataQueries: [], Threshold: 1.5 },
      "1 validation error detected: Value '1.5' at 'threshold' failed to satisfy constraint: Member must have value less than or equal to 1",
    ],
    [
      'a list shorter than its minimum',
      getMetricData,
      { MetricDataQueries: [], Tags: [] },
      "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'a list longer than its maximum',
      getMetricData,
      { MetricDataQueries: [], Tags: ['a', 'b', 'c'] },
      "1 validation error detected: Value '[a, b, c]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2",
    ],
    [
      'a map with too many entries',
      getMetricData,
      { MetricDataQueries: [], Labels: { ab: 'x', cd: 'y', ef: 'z' } },
      `1 validation error detected: Value '{"ab":"x","cd":"y","ef":"z"}' at 'labels' failed to satisfy constraint: Member must have length less than or equal to 2`,
    ],
    [
      'a map key too short',
      getMetricData,
      { MetricDataQueries: [], Labels: { a: 'x' } },
      "1 validation error detected: Value 'a' at 'labels.a.key' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ],
    [
      'a map value too long',
      getMetricData,
      { MetricDataQueries: [], Labels: { ab: 'wxyz' } },
      "1 validation error detected: Value 'wxyz' at 'labels.ab.value' failed to satisfy constraint: Member must have length less than or equal to 3",
    ],
    [
      'two missing members',
      getQuota,
      {},
      "2 validation errors detected: Value null at 'serviceCode' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'quotaCode' failed to satisfy constraint: Member must not be null",
    ],
    [
      'two violations of one value',
      getQuota,
      { ServiceCode: '', QuotaCode: 'L-1' },
      "2 validation errors detected: Value '' at 'serviceCode' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'serviceCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9-]{1,128}",
    ],
    [
      'violations in several list items',
      getMetricData,
      { MetricDataQueries: [{ Period: 0 }, { Id: 'ok' }, {}] },
      '3 validation errors detected: ' +
        "Value null at 'metricDataQueries.1.member.id' failed to satisfy constraint: Member must not be null; " +
        "Value '0' at 'metricDataQueries.1.member.period' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value null at 'metricDataQueries.3.member.id' failed to satisfy constraint: Member must not be null",
    ],
  ])('reports %s', (_label, shape, input, message) => {
    expect(messageOf(shape, input)).toBe(message);
  });

  it('raises the query dialect’s ValidationError for query services', () => {
    const error = awsErrorOf(() => {
      validate(getQuota, {}, query);
    });
    expect(error.code).toBe('ValidationException');
    expect(error.queryCode).toBe('ValidationError');
    expect(error.message).toMatch(/^2 validation errors detected: /);
  });

  it('describes a timestamp value in ISO 8601', () => {
    const shape = structure({ Names: list(string(), { max: 0 }) });
    const stamped = structure({ At: timestamp(), Names: list(timestamp(), { max: 0 }) });
    expect(messageOf(shape, { Names: ['x'] })).toContain("Value '[x]' at 'names'");
    expect(messageOf(stamped, { Names: [new Date(Date.UTC(2026, 0, 1))] })).toContain(
      "Value '[2026-01-01T00:00:00.000Z]' at 'names'",
    );
  });
});
