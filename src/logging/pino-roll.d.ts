/** Types for pino-roll 4, which ships none: as much of its API as headroom uses. */
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  export interface PinoRollOptions {
    /** The base path; the date, a number and the extension are appended. */
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    /** `count` files are kept besides the current one; `removeOtherLogFiles` also counts earlier runs' files. */
    limit?: { count: number; removeOtherLogFiles?: boolean };
    /** A date-fns format, such as `yyyy-MM-dd`. */
    dateFormat?: string;
    /** SonicBoom options. */
    mkdir?: boolean;
    sync?: boolean;
    minLength?: number;
  }

  /** The SonicBoom stream pino-roll returns. */
  export interface RollingStream extends EventEmitter {
    /** The file currently written. */
    readonly file: string;
    /** -1 until the file is open. */
    readonly fd: number;
    readonly destroyed: boolean;
    write(data: string): boolean;
    flush(callback?: (error?: Error) => void): void;
    /** Flushes what is buffered, closes the file, then emits `finish` and `close`. */
    end(): void;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<RollingStream>;
}
