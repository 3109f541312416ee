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

/** headroom.yaml or an environment override has a field headroom cannot use. Exit 2: bad input. */
export class ConfigError extends HeadroomError {
  readonly code: string;
  readonly exitCode = 2;

  constructor(
    code: `HR_CONFIG_${string}`,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.code = code;
  }
}

/**
 * AWS (or the endpoint standing in for it) refused or could not be reached: unknown profile, no
 * credentials, access denied, endpoint down. Exit 1: the command could not do its work.
 */
export class AwsError extends HeadroomError {
  readonly code: string;
  readonly exitCode: number;

  constructor(
    code: `HR_AWS_${string}`,
    message: string,
    options: { hint?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, options);
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The store could not be opened, migrated, read or written. */
export class StorageError extends HeadroomError {
  readonly code: string;
  readonly exitCode = 1;

  constructor(code: `HR_STORE_${string}`, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}

/** A job ran but could not do all of its work (some targets or services failed). Exit 1. */
export class IncompleteError extends HeadroomError {
  readonly code: string;
  readonly exitCode = 1;

  constructor(code: `HR_${string}`, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}

/**
 * headroom could not reach an answer (AWS unreachable, nothing read for the target): exit 3, so a
 * CI step that asks "does it fit?" never takes a failure of headroom's own for "it does not".
 */
export class UndecidedError extends HeadroomError {
  readonly code: string;
  readonly exitCode = 3;

  constructor(code: `HR_${string}`, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Input headroom cannot act on: a file that is not what it should be, a target or quota that
 * does not exist, two arguments that must differ. Exit 2, like a usage error, with its own code.
 */
export class InputError extends HeadroomError {
  readonly code: string;
  readonly exitCode = 2;

  constructor(code: `HR_${string}`, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}
