/**
 * The HTTP surface's own errors: a HeadroomError that carries its status and the input field at
 * fault, so a client (the dashboard, a script) can point at what to fix. The app's one `onError`
 * boundary (app.ts) turns it into `{error: {code, message, hint, field}}`.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HeadroomError } from '../domain/errors.js';

export class ApiError extends HeadroomError {
  readonly code: string;
  /** Never a process exit: the CLI does not raise these. */
  readonly exitCode = 2;
  readonly status: ContentfulStatusCode;
  /** The query parameter, body field (dotted), path parameter or header at fault. */
  readonly field: string | undefined;

  constructor(
    code: `HR_API_${string}` | `HR_${string}`,
    status: ContentfulStatusCode,
    message: string,
    options: { hint?: string; field?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.field = options.field;
  }
}

/**
 * The HTTP status of an InputError the API lets through by its code; any other is a 400. An
 * unknown thing is a 404, a state that forbids the change a 409.
 */
export const INPUT_ERROR_STATUS: Readonly<Record<string, ContentfulStatusCode>> = {
  HR_APPROVAL_NOT_FOUND: 404,
  HR_APPROVAL_DECIDED: 409,
  HR_APPROVAL_REASON: 400,
};

/** An input field that failed validation: 400, `HR_API_INVALID`, naming the field. */
export function invalidField(field: string, message: string, hint?: string): ApiError {
  return new ApiError('HR_API_INVALID', 400, `${field} ${message}`, {
    field,
    ...(hint === undefined ? {} : { hint }),
  });
}
