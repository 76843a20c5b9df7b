/**
 * The default {@link SessionLogger}: `console.warn`, once per error code, so a flood of bad
 * cookies cannot flood the logs.
 *
 * @module
 */
import type { SessionLogger } from './types.js';

/**
 * A new logger that prints each error code (or message, when there is no error) once, with
 * `console.warn`. Each logger remembers what it printed on its own.
 *
 * @internal
 */
export const createWarnOnceLogger = (): SessionLogger => {
  const reported = new Set<string>();
  return {
    warn(message, error) {
      const key = error?.code ?? message;
      if (reported.has(key)) return;
      reported.add(key);
      console.warn(`[logto] ${message}${error ? ` (${error.code}; repeats are not logged)` : ''}`);
    },
  };
};

/** A logger that prints each error code (or message, when there is no error) once per process. */
export const defaultSessionLogger: SessionLogger = createWarnOnceLogger();
