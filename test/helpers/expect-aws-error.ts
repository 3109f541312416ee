/** Asserts that an SDK call fails with the named AWS error and HTTP status, and returns the error. */
import { expect } from 'vitest';

export interface SdkError extends Error {
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $fault?: string;
}

export async function expectAwsError(
  call: Promise<unknown>,
  name: string,
  status?: number,
): Promise<SdkError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected the call to fail with ${name}`).toBeInstanceOf(Error);
  const error = caught as SdkError;
  expect(error.name).toBe(name);
  if (status !== undefined) expect(error.$metadata?.httpStatusCode).toBe(status);
  return error;
}
