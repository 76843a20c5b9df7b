/**
 * Redis sessions: each session is one JSON string in Redis (`<prefix><id>`, TTL = its expiry)
 * behind a random 256-bit id in the cookie.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { LogtoError } from '../../errors.js';
import { resolveCookieSettings } from '../cookies.js';
import { type Lifetime, resolveLifetime } from '../lifetime.js';
import {
  acquireWithin,
  LocalLocks,
  type LockOptions,
  type LockTimings,
  resolveLockTimings,
} from '../lock.js';
import { defaultSessionLogger } from '../logger.js';
import { parseSessionRecord } from '../payload.js';
import { type MergeOutcome, ServerSessionStore, type SessionBackend } from '../server-session.js';
import type { SessionLogger, SessionStore, SessionStoreOptions } from '../types.js';
import {
  isRedisClientLike,
  type RedisClientLike,
  type RedisCommands,
  redisCommands,
} from './client.js';
import { mergeScript, tagScript, unlockScript } from './scripts.js';

/** Options of {@link createRedisSessionStore}. */
export interface RedisSessionStoreOptions extends SessionStoreOptions, LockOptions {
  /**
   * An established, connected Redis client: node-redis v4/v5 (`createClient()` after
   * `connect()`), ioredis, or any object with `sendCommand(args)` or `call(command, ...args)`.
   */
  client: RedisClientLike;
  /** Prefix of every key the store writes. Default `logto:session:`. */
  prefix?: string;
  /**
   * How long (milliseconds) to wait for any one Redis command before failing the request with
   * `session.store_unavailable` (a client that queues commands while disconnected would otherwise
   * hang the request). Commands sent close together share one deadline, so one may wait up to 10%
   * longer. Default 2,000.
   */
  commandTimeout?: number;
}

const outcomes: Record<number, MergeOutcome> = { 0: 'gone', 1: 'written', 2: 'emptied' };

/** The record under `key`: `undefined` when there is none, `'malformed'` when it cannot be parsed. */
const redisBackendRead = async (redis: RedisCommands, key: string) => {
  const value = await redis.send(['GET', key]);
  if (value === null || value === undefined) return undefined;
  return parseSessionRecord(String(value)) ?? 'malformed';
};

const redisBackend = (
  redis: RedisCommands,
  prefix: string,
  timings: LockTimings,
  logger: SessionLogger,
  local: LocalLocks,
): SessionBackend => ({
  read: (id) => redisBackendRead(redis, `${prefix}${id}`),
  async create(id, record) {
    const ttl = Math.max(1, (record.exp - record.uat) * 1000);
    await redis.send(['SET', `${prefix}${id}`, JSON.stringify(record), 'PX', String(ttl), 'NX']);
  },
  async merge(id, patch, now, lifetime: Lifetime) {
    const result = await redis.script(
      mergeScript,
      [`${prefix}${id}`],
      [JSON.stringify(patch), String(now), String(lifetime.rolling), String(lifetime.absolute)],
    );
    return outcomes[Number(result)] ?? 'gone';
  },
  async remove(id) {
    await redis.send(['DEL', `${prefix}${id}`]);
  },
  async tag(id, tags, lifetime) {
    await redis.script(
      tagScript,
      tags.map((tag) => `${prefix}tag:${tag}`),
      [id, String(lifetime.absolute * 1000)],
    );
  },
  async destroyByTag(tag, before) {
    const key = `${prefix}tag:${tag}`;
    const members = await redis.send(['SMEMBERS', key]);
    const ids = Array.isArray(members) ? members.map(String) : [];
    // A session that began at or after `before` (a sign-in after the logout) lives on. A record's
    // iat never changes under its id (a new session gets a new id), so reading it first is safe.
    const ended =
      before === undefined
        ? ids
        : (
            await Promise.all(
              ids.map(async (id) => {
                const record = await redisBackendRead(redis, `${prefix}${id}`);
                return typeof record === 'object' && record.iat >= before ? undefined : id;
              }),
            )
          ).filter((id) => id !== undefined);
    // One DEL per record (not one multi-key DEL) so that it also works on Redis Cluster.
    await Promise.all(ended.map((id) => redis.send(['DEL', `${prefix}${id}`])));
    if (ended.length === ids.length) await redis.send(['DEL', key]);
    else if (ended.length > 0) await redis.send(['SREM', key, ...ended]);
    return ended.length;
  },
  async claimOnce(key, ttl) {
    const ms = String(Math.max(1, Math.ceil(ttl * 1000)));
    return (await redis.send(['SET', `${prefix}once:${key}`, '1', 'NX', 'PX', ms])) !== null;
  },
  async lock(id, name) {
    const key = `${prefix}${id}:lock:${name}`;
    const started = Date.now();
    // Waiters of this process queue here; only the head of the queue polls Redis.
    const leave = await local.enter(key, timings);
    const token = randomBytes(16).toString('base64url');
    try {
      await acquireWithin(
        async () =>
          (await redis.send(['SET', key, token, 'NX', 'PX', String(timings.ttl)])) !== null,
        Math.max(0, timings.wait - (Date.now() - started)),
      );
    } catch (error) {
      leave();
      throw error;
    }
    return async () => {
      try {
        await redis.script(unlockScript, [key], [token]);
      } catch (error) {
        // The lock expires by itself after lockTtl; the request's own result stands.
        if (error instanceof LogtoError) {
          logger.warn('Could not release a session lock; it will expire by itself.', error);
        }
      } finally {
        leave();
      }
    };
  },
});

/**
 * Creates a store that keeps sessions in Redis through an established client (an optional peer
 * dependency: `redis` or `ioredis`). The cookie holds only a random 256-bit id; each request does
 * at most one read (`GET`) and one write (a `SET`, or one merge script). Sessions are revocable
 * (delete the key) and shared by every app instance. `withLock` and `reload` coordinate token
 * refresh across instances.
 *
 * Merge rule for concurrent requests on one session: a commit writes only the keys the request
 * changed, onto the record as it is in Redis at that moment (one atomic Lua script), so the last
 * writer of each key wins and writes to different keys are all kept; a commit never recreates a
 * session that was destroyed meanwhile.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisSessionStore } from 'logto-ts/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = createRedisSessionStore({ client });
 * ```
 *
 * With ioredis: `createRedisSessionStore({ client: new Redis(process.env.REDIS_URL) })`.
 */
export const createRedisSessionStore = (options: RedisSessionStoreOptions): SessionStore => {
  if (!isRedisClientLike(options?.client)) {
    throw new LogtoError(
      'config.invalid',
      'createRedisSessionStore needs `client`: a connected node-redis or ioredis client (or an object with sendCommand(args) or call(command, ...args)).',
    );
  }
  const prefix = options.prefix ?? 'logto:session:';
  const timeout = options.commandTimeout ?? 2000;
  if (typeof prefix !== 'string' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new LogtoError(
      'config.invalid',
      'Redis session store: prefix must be a string and commandTimeout a positive number of milliseconds.',
    );
  }
  const logger = options.logger ?? defaultSessionLogger;
  return new ServerSessionStore({
    backend: redisBackend(
      redisCommands(options.client, timeout),
      prefix,
      resolveLockTimings(options),
      logger,
      new LocalLocks(),
    ),
    settings: resolveCookieSettings(options),
    lifetime: resolveLifetime(options),
    logger,
    now: options.now ?? Date.now,
  });
};
