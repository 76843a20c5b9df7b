/**
 * Bounded waiting for a lock that is taken by a single "try" step (Redis `SET NX PX`, or a Map
 * entry in memory).
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LogtoError } from '../errors.js';

/** How long to hold and wait for session locks, in milliseconds. */
export interface LockOptions {
  /**
   * How long a lock lives (milliseconds) if its holder never releases it (a crashed process).
   * Longer than the slowest task it guards (a refresh grant). Default 10,000.
   */
  lockTtl?: number;
  /** How long a request waits for a lock (milliseconds) before failing with `session.lock_timeout`. Default 10,000. */
  lockWait?: number;
}

/** Resolved lock timings. */
export interface LockTimings {
  ttl: number;
  wait: number;
}

/** Applies the defaults and validates the lock options. */
export const resolveLockTimings = (options: LockOptions): LockTimings => {
  const ttl = options.lockTtl ?? 10_000;
  const wait = options.lockWait ?? 10_000;
  if (!Number.isFinite(ttl) || ttl <= 0 || !Number.isFinite(wait) || wait < 0) {
    throw new LogtoError(
      'config.invalid',
      'Session lockTtl must be positive and lockWait 0 or more (milliseconds).',
    );
  }
  return { ttl, wait };
};

/**
 * Calls `tryAcquire` until it succeeds or `wait` milliseconds have passed, polling at growing
 * intervals (10 ms up to 100 ms, with jitter so that waiters do not move in lockstep).
 */
export const acquireWithin = async (
  tryAcquire: () => Promise<boolean>,
  wait: number,
): Promise<void> => {
  const deadline = Date.now() + wait;
  let delay = 10;
  for (;;) {
    if (await tryAcquire()) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new LogtoError(
        'session.lock_timeout',
        `Another request held this session's lock for more than ${wait} ms. Retry the request; if it keeps happening, raise lockWait or look for slow provider calls.`,
      );
    }
    await sleep(Math.min(left, delay * (0.5 + Math.random())));
    delay = Math.min(100, delay * 2);
  }
};
