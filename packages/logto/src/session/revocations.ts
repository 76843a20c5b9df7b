/**
 * Ended sessions that a store cannot delete, because they live in browsers (cookie sessions):
 * "every session tagged T that began before B is over", remembered for as long as such a session
 * can live, and checked in memory when a cookie is read.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import { warnWithCode } from './logger.js';
import type { SessionLogger } from './types.js';

/** One entry of a revocation list. Times are in seconds since the epoch. */
export interface SessionRevocation {
  /**
   * The sessions it ends: those carrying this tag. Tags are `session:<id>` (one session, at
   * sign-out), `sid:<sid>` (the sessions of one Logto session), `sub:<sub>` (every session of a
   * user) and `nosid:<sub>` (the user's sessions that carry no `sid`).
   */
  readonly tag: string;
  /** Sessions that began before this time are ended; later ones are not. */
  readonly before: number;
  /** When the entry may be forgotten: no session that began before `before` lives past it. */
  readonly until: number;
}

/**
 * A list of ended sessions, checked on every cookie session read. The cookie store keeps one in
 * the process by default ({@link createMemoryRevocations}); `createRedisRevocations` from
 * `logto-ts/redis` shares one between app instances.
 */
export interface SessionRevocations {
  /**
   * Records `revocation`. It applies in this process at once, before the promise settles; the
   * promise resolves once it is recorded where every instance learns it, and rejects with
   * `LogtoError` `session.store_unavailable` when that failed.
   */
  add(revocation: SessionRevocation): Promise<void>;
  /** Whether a session carrying `tags` that began at `iat` (seconds) is ended. No I/O. */
  isEnded(tags: readonly string[], iat: number): boolean;
  /**
   * While the list is still being loaded at start: a promise that settles once it is (never
   * rejects); afterwards `undefined`. A cookie store waits for it before its first checks.
   */
  loading?(): Promise<void> | undefined;
}

/** Options of {@link createMemoryRevocations}. */
export interface MemoryRevocationsOptions {
  /**
   * The most entries kept. When full, the entry that expires first is dropped (the session it
   * ended could be used again) and the logger is warned. Default 100,000 (about 20 MB).
   */
  maxEntries?: number;
  /** Receives the warning when the list is full. Default: `console.warn`, once per error code. */
  logger?: SessionLogger;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  before: number;
  until: number;
}

/**
 * The in-memory list: a `Map` from tag to the latest entry, in order of insertion. Entries expire
 * about one absolute lifetime after they are added, so the oldest ones are near the front: adding
 * sweeps expired entries from there, and drops the oldest when over the bound. An expired entry
 * further in is dropped when it is next looked up.
 *
 * @internal
 */
export class RevocationSet {
  readonly #entries = new Map<string, Entry>();
  /** The most entries kept. */
  readonly maxEntries: number;
  readonly #logger: SessionLogger | undefined;
  readonly #now: () => number;

  constructor(options: MemoryRevocationsOptions = {}) {
    const max = options.maxEntries ?? 100_000;
    if (!Number.isInteger(max) || max < 1) {
      throw new LogtoError(
        'config.invalid',
        'Session revocations: maxEntries must be a whole number, 1 or more.',
      );
    }
    this.maxEntries = max;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Records `revocation` (merged with an entry of the same tag: the later `before` and `until` win). */
  apply(revocation: SessionRevocation): void {
    const { tag, before, until } = revocation;
    const now = this.#now() / 1000;
    if (!(until > now)) return;
    const held = this.#entries.get(tag);
    this.#entries.delete(tag);
    this.#entries.set(tag, {
      before: Math.max(before, held?.before ?? before),
      until: Math.max(until, held?.until ?? until),
    });
    for (const [oldest, entry] of this.#entries) {
      if (entry.until > now && this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
      if (entry.until > now && this.#logger) {
        warnWithCode(
          this.#logger,
          'session.revocations_full',
          `The session revocation list is full (${this.maxEntries} entries): the oldest ended session may be used again until it expires. Raise maxEntries.`,
        );
      }
    }
  }

  /** @inheritDoc SessionRevocations.isEnded */
  isEnded(tags: readonly string[], iat: number): boolean {
    if (this.#entries.size === 0) return false;
    for (const tag of tags) {
      const entry = this.#entries.get(tag);
      if (entry === undefined) continue;
      if (entry.until <= this.#now() / 1000) {
        this.#entries.delete(tag);
        continue;
      }
      if (iat < entry.before) return true;
    }
    return false;
  }
}

/**
 * A revocation list in this process's memory, bounded: what the cookie store uses by default. A
 * session ended here (sign-out, back-channel logout) is refused by this process at once; other
 * instances do not know of it (use `createRedisRevocations` from `logto-ts/redis` for that).
 *
 * @example
 * ```ts
 * const store = createCookieSessionStore({
 *   secret: process.env.SESSION_SECRET!,
 *   revocations: createMemoryRevocations({ maxEntries: 500_000 }),
 * });
 * ```
 */
export const createMemoryRevocations = (
  options: MemoryRevocationsOptions = {},
): SessionRevocations => {
  const set = new RevocationSet(options);
  return {
    async add(revocation) {
      set.apply(revocation);
    },
    isEnded: (tags, iat) => set.isEnded(tags, iat),
  };
};
