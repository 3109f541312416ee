/**
 * headroom's error type: a code (`HR_<AREA>_<WHAT>`), a message the user can act on, an optional
 * hint with the fix, and the exit code the CLI ends with. Each surface (CLI, HTTP) maps these in
 * one place; anything else is a bug.
 */
export abstract class HeadroomError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** A command line that cannot be run as given: a bad flag or value. Exit 2, as CLIs do. */
export class UsageError extends HeadroomError {
  readonly code = 'HR_CLI_USAGE';
  readonly exitCode = 2;
}

/** Something headroom needs from its surroundings is unavailable (a port in use, a file unreadable). */
export class EnvironmentError extends HeadroomError {
  readonly code: string;
  readonly exitCode = 1;

  constructor(code: `HR_${string}`, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}
