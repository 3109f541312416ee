/**
 * Events headroom acts on, shaped as EventBridge delivers them (`version`, `id`, `source`,
 * `detail-type`, `time`, `detail`), so a rule can forward them unchanged: a threshold exceeded, a
 * usage spike, infrastructure scaling, a DR failover or failback. `parseEvent` checks one and names
 * the first field at fault. Pure.
 */
import * as z from 'zod';
import { SERVICE_CODE_PATTERN, splitQuotaKey } from './quota.js';

export const EVENT_TYPES = [
  'Quota Threshold Exceeded',
  'Quota Usage Spike',
  'Infrastructure Scaling',
  'DR Failover',
  'DR Failback',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const TARGET = /^(\d{12}|[A-Za-z][A-Za-z0-9._-]{0,63}):([a-z]{2}(?:-[a-z]+)+-\d+)$/;

const target = z.string().regex(TARGET, 'must be ACCOUNT:REGION, such as prod:us-east-1');
const quota = z
  .string()
  .refine((text) => splitQuotaKey(text) !== null, 'must be SERVICE/QUOTA_CODE, such as ec2/L-1216C47A');
const service = z.string().regex(SERVICE_CODE_PATTERN, 'must be a Service Quotas service code, such as ec2');

const envelope = {
  version: z.literal('0').optional(),
  id: z.string().min(1).max(128).optional(),
  source: z.string().min(1).max(256),
  time: z.iso.datetime({ offset: true }).optional(),
  account: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
};

export const eventSchema = z.discriminatedUnion('detail-type', [
  z.strictObject({
    ...envelope,
    'detail-type': z.literal('Quota Threshold Exceeded'),
    detail: z.strictObject({ target, quota, utilization: z.number().min(0).max(10_000) }),
  }),
  z.strictObject({
    ...envelope,
    'detail-type': z.literal('Quota Usage Spike'),
    detail: z.strictObject({
      target,
      quota,
      usage: z.number().min(0),
      baseline: z.number().min(0),
      severity: z.enum(['medium', 'high']),
    }),
  }),
  z.strictObject({
    ...envelope,
    'detail-type': z.literal('Infrastructure Scaling'),
    detail: z
      .strictObject({
        target,
        direction: z.enum(['up', 'down']),
        factor: z.number().gt(1, 'must be above 1 (2 doubles)').max(100),
        services: z.array(service).max(100).optional(),
        quotas: z.array(quota).max(500).optional(),
      })
      .refine((d) => (d.services?.length ?? 0) + (d.quotas?.length ?? 0) > 0, {
        message: 'needs services or quotas: which quotas the scaling touches',
        path: ['quotas'],
      }),
  }),
  z.strictObject({
    ...envelope,
    'detail-type': z.literal('DR Failover'),
    detail: z.strictObject({ primary: target, dr: target, services: z.array(service).max(100).optional() }),
  }),
  z.strictObject({
    ...envelope,
    'detail-type': z.literal('DR Failback'),
    detail: z.strictObject({ primary: target, dr: target }),
  }),
]);

export type HeadroomEvent = z.output<typeof eventSchema>;

/** Why an event was refused: the field (dotted) and what is wrong. */
export interface EventProblem {
  readonly field: string;
  readonly problem: string;
}

/** The event, or the first problem with it. */
export function parseEvent(input: unknown): { event: HeadroomEvent } | { problem: EventProblem } {
  const result = eventSchema.safeParse(input, { reportInput: true });
  if (result.success) return { event: result.data };
  const [issue] = result.error.issues;
  const path = issue?.path.map(String).join('.') ?? '';
  let problem = issue?.message ?? 'is not an event';
  if (issue?.code === 'invalid_union' && path === 'detail-type') {
    problem = `must be one of ${EVENT_TYPES.join(', ')}`;
  } else if (issue?.code === 'unrecognized_keys') {
    return {
      problem: {
        field: [path, issue.keys[0]].filter((p) => p !== '').join('.'),
        problem: 'is not a field of this event',
      },
    };
  } else if (issue?.code === 'invalid_value') {
    problem = `must be one of ${issue.values.map(String).join(', ')}`;
  } else if (issue?.code === 'invalid_type') {
    problem =
      issue.input === undefined
        ? 'is missing'
        : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  return { problem: { field: path === '' ? 'event' : path, problem } };
}
