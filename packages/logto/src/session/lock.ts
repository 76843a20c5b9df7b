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
  /** How long (ms) a lock lives if never released (a crashed holder); longer than a refresh grant. Default 10,000. */
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

const lockTimeout = (wait: number) =>
  new LogtoError(
    'session.lock_timeout',
    `Another request held this session's lock for more than ${wait} ms. Retry the request; if it keeps happening, raise lockWait or look for slow provider calls.`,
  );

/**
 * Queues the holders of each lock inside this process, so that local waiters hand the lock over
 * instead of polling a shared store. A holder that hangs is released after the lock's TTL.
 */
export class LocalLocks {
  readonly #tails = new Map<string, Promise<void>>();

  /** Waits for earlier holders of `key` in this process (at most `timings.wait`); returns the release. */
  async enter(key: string, timings: LockTimings): Promise<() => void> {
    const previous = this.#tails.get(key);
    let resolve!: () => void;
    const mine = new Promise<void>((done) => {
      resolve = done;
    });
    // The tail settles once every earlier holder and this one are done. A waiter that gives up
    // ends its own turn but stays in the queue, so later arrivals still wait for the holder.
    const tail = previous ? previous.then(() => mine) : mine;
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    let expiry: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(expiry);
      resolve();
    };
    if (previous) {
      let timer: NodeJS.Timeout | undefined;
      const turn = await Promise.race([
        previous.then(() => true),
        new Promise<false>((done) => {
          timer = setTimeout(() => done(false), timings.wait);
        }),
      ]);
      clearTimeout(timer);
      if (!turn) {
        release();
        throw lockTimeout(timings.wait);
      }
    }
    expiry = setTimeout(release, timings.ttl);
    expiry.unref();
    return release;
  }
}

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
    if (left <= 0) throw lockTimeout(wait);
    await sleep(Math.min(left, delay * (0.5 + Math.random())));
    delay = Math.min(100, delay * 2);
  }
};
