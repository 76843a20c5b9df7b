/**
 * The default {@link SessionLogger}: `console.warn`, at most once a minute per error code (a flood
 * of bad cookies cannot flood the logs), with how often it happened meanwhile.
 *
 * @module
 */
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import type { SessionLogger } from './types.js';

/** Options of {@link createRateLimitedLogger}. */
export interface RateLimitedLoggerOptions {
  /** The shortest time (milliseconds) between two reports of one code. Default 60,000. */
  interval?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Where a report goes. Default `console.warn`. */
  write?: (line: string) => void;
}

/** At most this many codes (or messages) are remembered; the least recently reported go first. */
const maxKeys = 1000;

/**
 * A new logger that reports each error code (or message) at most once per `interval`; the next
 * report says how many repeats were held back.
 *
 * @internal
 */
export const createRateLimitedLogger = (options: RateLimitedLoggerOptions = {}): SessionLogger => {
  const interval = options.interval ?? 60_000;
  const now = options.now ?? Date.now;
  const write = options.write ?? ((line: string) => console.warn(line));
  const reports = new Map<string, { at: number; held: number }>();
  return {
    warn(message, error) {
      const key = error?.code ?? message;
      const at = now();
      const last = reports.get(key);
      if (last !== undefined && at - last.at < interval) {
        last.held++;
        return;
      }
      reports.delete(key);
      reports.set(key, { at, held: 0 });
      if (reports.size > maxKeys) {
        const oldest = reports.keys().next();
        if (!oldest.done) reports.delete(oldest.value);
      }
      const held = last?.held ?? 0;
      const notes = [
        ...(error ? [error.code] : []),
        ...(held > 0 ? [`${held} more since the last report`] : []),
        `repeats are reported at most every ${Math.round(interval / 1000)} s`,
      ];
      write(`[logto] ${message} (${notes.join('; ')})`);
    },
  };
};

/** The stores' default logger: `console.warn`, at most once a minute per error code, with a count. */
export const defaultSessionLogger: SessionLogger = createRateLimitedLogger();

/** Reports `message` with a {@link LogtoError} of `code` that carries it (its code rate-limits it). */
export const warnWithCode = (logger: SessionLogger, code: LogtoErrorCode, message: string): void =>
  logger.warn(message, new LogtoError(code, message));
