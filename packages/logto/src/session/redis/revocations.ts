/**
 * A revocation list shared by every app instance through Redis, for cookie sessions: ends are
 * written to one sorted set and published on a channel; each instance loads the set at start,
 * keeps it in memory and learns new ends from the channel. A request asks Redis nothing.
 *
 * @module
 */
import { LogtoError } from '../../errors.js';
import { parseJsonObject } from '../../json.js';
import { defaultSessionLogger } from '../logger.js';
import { RevocationSet, type SessionRevocation, type SessionRevocations } from '../revocations.js';
import type { SessionLogger } from '../types.js';
import {
  isRedisClientLike,
  type RedisClientLike,
  type RedisCommands,
  redisCommands,
} from './client.js';
import { revocationAddScript } from './scripts.js';
import { canSubscribe, type Subscription, subscribe } from './subscriber.js';

/** Options of {@link createRedisRevocations}. */
export interface RedisRevocationsOptions {
  /** A connected node-redis or ioredis client; the subscription runs on its `duplicate()`. */
  client: RedisClientLike;
  /** The Redis key of the list, and its Pub/Sub channel. Default `logto:revocations`. */
  key?: string;
  /** The most ends kept in memory (the first to expire is dropped, with a warning). Default 100,000. */
  maxEntries?: number;
  /** How long (ms) to wait for one Redis command (a failed write answers the logout 503). Default 2,000. */
  commandTimeout?: number;
  /**
   * How often (ms) the whole list is read again besides after each reconnection: it bounds how
   * long a message lost on a silently dead connection goes unnoticed. `0` turns it off. Default 60,000.
   */
  resyncInterval?: number;
  /** Receives warnings (Redis unreachable, subscription lost). Default: `console.warn`, once per code. */
  logger?: SessionLogger;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** A shared revocation list; see {@link createRedisRevocations}. */
export interface RedisRevocations extends SessionRevocations {
  /** Resolves once the list is loaded and the subscription live; rejects when either failed at start. */
  readonly ready: Promise<void>;
  /** Stops the subscription and the periodic reads (on shutdown). The client is left open. */
  close(): Promise<void>;
}

/** What travels in the set and on the channel: `{ t: tag, b: before, u: until }`, in seconds. */
const encode = (revocation: SessionRevocation): string =>
  JSON.stringify({ t: revocation.tag, b: revocation.before, u: revocation.until });

const decode = (text: string): SessionRevocation | undefined => {
  const { t, b, u } = parseJsonObject(text) ?? {};
  if (typeof t !== 'string' || typeof b !== 'number' || typeof u !== 'number') return undefined;
  return { tag: t, before: b, until: u };
};

const invalid = (message: string) => new LogtoError('config.invalid', message);

class RedisRevocationList implements RedisRevocations {
  readonly ready: Promise<void>;
  readonly #set: RevocationSet;
  readonly #redis: RedisCommands;
  readonly #key: string;
  readonly #logger: SessionLogger;
  readonly #now: () => number;
  #loading: Promise<void> | undefined;
  #subscription: Subscription | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** True while the subscription is down: an end published meanwhile may be missed. */
  #gap = false;

  constructor(options: RedisRevocationsOptions) {
    const key = options.key ?? 'logto:revocations';
    const timeout = options.commandTimeout ?? 2000;
    const resync = options.resyncInterval ?? 60_000;
    if (typeof key !== 'string' || key.length === 0) {
      throw invalid('createRedisRevocations: key must be a non-empty string.');
    }
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw invalid('createRedisRevocations: commandTimeout must be a positive number of ms.');
    }
    if (!Number.isFinite(resync) || resync < 0) {
      throw invalid('createRedisRevocations: resyncInterval must be 0 or a positive number of ms.');
    }
    this.#logger = options.logger ?? defaultSessionLogger;
    this.#now = options.now ?? Date.now;
    this.#set = new RevocationSet({
      logger: this.#logger,
      now: this.#now,
      maxEntries: options.maxEntries,
    });
    this.#redis = redisCommands(options.client, timeout);
    this.#key = key;
    const loaded = this.#load();
    const settled = () => {
      this.#loading = undefined;
    };
    this.#loading = loaded.then(settled, settled);
    const subscribed = this.#subscribe(options.client);
    this.ready = Promise.all([loaded, subscribed]).then(() => undefined);
    // Nobody may await `ready`: its failure is reported through the logger.
    this.ready.catch(() => undefined);
    if (resync > 0) {
      this.#timer = setInterval(() => void this.#load().catch(() => undefined), resync);
      this.#timer.unref();
    }
  }

  loading(): Promise<void> | undefined {
    return this.#loading;
  }

  isEnded(tags: readonly string[], iat: number): boolean {
    return this.#set.isEnded(tags, iat);
  }

  async add(revocation: SessionRevocation): Promise<void> {
    // In effect here at once, whatever Redis says.
    this.#set.apply(revocation);
    const member = encode(revocation);
    await this.#redis.script(revocationAddScript, this.#key, [
      String(Math.ceil(revocation.until * 1000)),
      member,
      String(this.#now()),
      this.#key,
      String(this.#set.maxEntries),
    ]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#subscription?.close().catch(() => undefined);
  }

  /** Reads every live end from Redis into memory. */
  async #load(): Promise<void> {
    try {
      // ZRANGEBYSCORE rather than ZRANGE … BYSCORE: Redis before 6.2 has only the former.
      const range = [`(${this.#now()}`, '+inf', 'LIMIT', '0', String(this.#set.maxEntries)];
      const members = await this.#redis.send(['ZRANGEBYSCORE', this.#key, ...range]);
      for (const text of Array.isArray(members) ? members : []) {
        const revocation = decode(String(text));
        if (revocation !== undefined) this.#set.apply(revocation);
      }
    } catch (error) {
      this.#warn(
        'Could not read the shared session revocation list from Redis; sessions ended on other instances meanwhile are not known here until it can (this instance keeps the ends it has).',
        error,
      );
      throw error;
    }
  }

  async #subscribe(client: RedisClientLike): Promise<void> {
    try {
      this.#subscription = await subscribe(client, this.#key, {
        message: (text) => {
          const revocation = decode(text);
          if (revocation !== undefined) this.#set.apply(revocation);
        },
        down: (cause) => {
          if (this.#closed || this.#gap) return;
          this.#gap = true;
          this.#warn(
            'Lost the subscription to the shared session revocation list; this instance keeps the ends it has and reads the list again once Redis is back.',
            cause,
          );
        },
        live: () => {
          if (this.#closed) return;
          this.#gap = false;
          // What was published during the gap is in the set: read it again.
          void this.#load().catch(() => undefined);
        },
      });
    } catch (error) {
      this.#gap = true;
      this.#warn(
        'Could not subscribe to the shared session revocation list; this instance reads it again every resyncInterval until it can.',
        error,
      );
      throw error;
    }
  }

  #warn(message: string, cause: unknown): void {
    const error =
      cause instanceof LogtoError
        ? cause
        : new LogtoError('session.store_unavailable', message, { cause });
    this.#logger.warn(message, error);
  }
}

/**
 * Creates a revocation list shared by every app instance through Redis, for cookie sessions. Ends
 * are written and published; each instance keeps them in memory, so reading a cookie asks Redis
 * nothing. While the subscription is down an instance keeps the ends it knows.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createCookieSessionStore } from 'logto-ts';
 * import { createRedisRevocations } from 'logto-ts/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const session = createCookieSessionStore({
 *   secret: process.env.SESSION_SECRET!,
 *   revocations: createRedisRevocations({ client }),
 * });
 * ```
 *
 * @throws {@link logto!LogtoError} `config.invalid` when `client` is not a Redis client that can
 *   duplicate itself for Pub/Sub, or an option is out of range.
 */
export const createRedisRevocations = (options: RedisRevocationsOptions): RedisRevocations => {
  if (!isRedisClientLike(options?.client) || !canSubscribe(options.client)) {
    throw invalid(
      'createRedisRevocations needs `client`: a connected node-redis or ioredis client (it must offer duplicate() for the Pub/Sub connection).',
    );
  }
  return new RedisRevocationList(options);
};
