/**
 * The log levels headroom accepts, quietest last. Kept free of pino so the config schema can
 * import it without loading the logger.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
