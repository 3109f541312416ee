/**
 * Building blocks the sections of headroom.yaml's schema share (schema.ts, engine-schema.ts): a
 * list without repeats, a duration, a section, and when cross-field checks run.
 */
import * as z from 'zod';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { field } from './fields.js';

/**
 * Cross-field checks run only on a subtree whose fields are each valid: zod would otherwise run
 * them after a continuable issue (a failed pattern) and report a second, derived problem.
 */
export const WHEN_VALID = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A list with no repeats: the second of two equal entries is the error. */
export function uniqueList<T extends z.ZodType>(element: T, noun: string) {
  return z.array(element).superRefine((list, ctx) => {
    list.forEach((entry, index) => {
      const first = list.indexOf(entry);
      if (first !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `(${String(entry)}) is already entry ${first} of the list`,
          params: { hint: `list each ${noun} once` },
        });
      }
    });
  }, WHEN_VALID);
}

/**
 * A duration text (`90s`, `15m`, `1h`, `7d`) within [min, max] and a multiple of `step`, parsed
 * to milliseconds.
 */
export function duration(
  description: string,
  range: {
    min: number;
    max: number;
    step?: number;
    expected: string;
    example: string;
    env?: `HEADROOM_${string}`;
  },
) {
  const { min, max, step = 1, expected, example, env } = range;
  return field(
    z
      .string()
      .regex(DURATION_PATTERN)
      .refine((text) => {
        const ms = parseDuration(text);
        return ms !== null && ms >= min && ms <= max && ms % step === 0;
      }),
    description,
    { expected, example, ...(env === undefined ? {} : { env }) },
  ).transform((text) => parseDuration(text) ?? min);
}

export function section<Shape extends z.ZodRawShape>(shape: Shape, description: string, example: object) {
  return field(z.strictObject(shape), description, { expected: 'a mapping of settings', example });
}
