/**
 * SQLite failures as `StorageError`s: one line naming the file, and a hint chosen from SQLite's
 * error code (better-sqlite3 puts it on `error.code`, as Node does for file-system errors).
 */
import { dirname } from 'node:path';
import { StorageError } from '../../domain/errors.js';

/** The first line of an error's message: a store error is printed on one line. */
export function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}

function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return '';
}

function isFile(file: string): boolean {
  return file !== ':memory:';
}

/** The fix for a failure, from SQLite's or the file system's error code; undefined if none helps. */
export function hintFor(error: unknown, file: string): string | undefined {
  const code = codeOf(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `another process is writing to ${file}; try again when it has finished`;
  }
  if (code.startsWith('SQLITE_FULL')) return `the disk holding ${file} is full; free some space`;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return `${file} is not a headroom store or is damaged; move it aside (headroom then starts a new store) or choose another store path`;
  }
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_IOERR') ||
    ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR'].includes(code)
  ) {
    return isFile(file)
      ? `check that ${dirname(file)} is a directory headroom can write to and ${file} is a file, or choose another store path`
      : undefined;
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return 'the data broke one of the store’s rules; this is a bug in headroom, please report it';
  }
  return undefined;
}

export function openError(file: string, error: unknown): StorageError {
  return new StorageError('HR_STORE_OPEN', `cannot open the store ${file}: ${reason(error)}`, {
    hint: hintFor(error, file) ?? 'check the file and its directory, or choose another store path',
    cause: error,
  });
}
