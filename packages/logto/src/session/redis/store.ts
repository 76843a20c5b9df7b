/**
 * Redis sessions: one JSON string per session behind a random id in the cookie. Every command
 * and script uses one key alone (so on Redis Cluster each may live on any node):
 * - `<prefix><id>`: the record, with a TTL of its expiry;
 * - `<prefix><id>:lock:<name>`: a lock of the session (`withLock`), with a TTL of `lockTtl`;
 * - `<prefix>index:sub:<sub>` and `<prefix>index:sid:<sid>`: the sessions of a user or of a Logto
 *   session (sorted sets of ids scored by when each began), for back-channel logout;
 * - `<prefix>once:<key>`: a claim (`claimOnce`, e.g. a logout token's `jti`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { LogtoError } from '../../errors.js';
import type { Lifetime } from '../lifetime.js';
import {
  acquireWithin,
  LocalLocks,
  type LockOptions,
  type LockTimings,
  resolveLockTimings,
} from '../lock.js';
import { parseSessionRecord } from '../payload.js';
import { resolveSessionParts } from '../request-session.js';
import { type MergeOutcome, ServerSessionStore, type SessionBackend } from '../server-session.js';
import type { SessionLogger, SessionStore, SessionStoreOptions } from '../types.js';
import {
  isRedisClientLike,
  type RedisClientLike,
  type RedisCommands,
  redisCommands,
} from './client.js';
import { indexScript, mergeScript, unlockScript } from './scripts.js';

/** Options of {@link createRedisSessionStore}. */
export interface RedisSessionStoreOptions extends SessionStoreOptions, LockOptions {
  /** A connected Redis client: node-redis (client or cluster), ioredis, or see {@link RedisClientLike}. */
  client: RedisClientLike;
  /** Prefix of every key the store writes. Default `logto:session:`. */
  prefix?: string;
  /**
   * How long (ms) to wait for one Redis command before `session.store_unavailable` (a client that
   * queues while disconnected would hang the request); up to 10% more. Default 2,000.
   */
  commandTimeout?: number;
}

const outcomes: Record<number, MergeOutcome> = { 0: 'gone', 1: 'written', 2: 'emptied' };

/** Past this many sessions (a user seldom has more devices), a sign-in sweeps ended ones from an index. */
const sweepAbove = 8;

const redisBackend = (
  redis: RedisCommands,
  prefix: string,
  timings: LockTimings,
  logger: SessionLogger,
  local: LocalLocks,
): SessionBackend => {
  /** The ids of an index, of sessions begun up to `until` (a score bound; default every one). */
  const members = async (key: string, until = '+inf'): Promise<string[]> => {
    const ids = await redis.send(['ZRANGEBYSCORE', key, '-inf', until]);
    return Array.isArray(ids) ? ids.map(String) : [];
  };
  /** Removes ended sessions from an index (ids are never reused: one record at a time is safe). */
  const sweep = async (key: string) => {
    const ids = await members(key);
    const gone = await Promise.all(
      ids.map(async (id) => Number(await redis.send(['EXISTS', `${prefix}${id}`])) === 0),
    );
    const ended = ids.filter((_, index) => gone[index]);
    if (ended.length > 0) await redis.send(['ZREM', key, ...ended]);
  };
  return {
    async read(id) {
      const value = await redis.send(['GET', `${prefix}${id}`]);
      if (value === null || value === undefined) return undefined;
      return parseSessionRecord(String(value)) ?? 'malformed';
    },
    async create(id, record) {
      const ttl = Math.max(1, (record.exp - record.uat) * 1000);
      await redis.send(['SET', `${prefix}${id}`, JSON.stringify(record), 'PX', String(ttl), 'NX']);
    },
    async merge(id, patch, now, lifetime: Lifetime) {
      const times = [now, lifetime.rolling, lifetime.absolute].map(String);
      const result = await redis.script(mergeScript, `${prefix}${id}`, [
        JSON.stringify(patch),
        ...times,
      ]);
      return outcomes[Number(result)] ?? 'gone';
    },
    async remove(id) {
      await redis.send(['DEL', `${prefix}${id}`]);
    },
    async tag(id, tags, began, now, lifetime) {
      await Promise.all(
        tags.map(async (tag) => {
          const key = `${prefix}index:${tag}`;
          const times = [began, now, lifetime.absolute].map(String);
          const size = Number(await redis.script(indexScript, key, [id, ...times]));
          if (size > sweepAbove) await sweep(key);
        }),
      );
    },
    async destroyByTag(tag, before?: number) {
      const key = `${prefix}index:${tag}`;
      // An index scores each session by when it began: "begun before" is a range of scores.
      const ids = await members(key, before === undefined ? '+inf' : `(${before}`);
      // One DEL per record: on Redis Cluster the records live on different nodes.
      await Promise.all(ids.map((id) => redis.send(['DEL', `${prefix}${id}`])));
      // Remove only what was ended: a session indexed meanwhile (a sign-in just now) stays findable.
      if (ids.length > 0) await redis.send(['ZREM', key, ...ids]);
      return ids.length;
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
          await redis.script(unlockScript, key, [token]);
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
  };
};

/**
 * Creates a store that keeps sessions in Redis (through `redis` or `ioredis`, optional peers),
 * shared by every app instance: at most one read and one write per request. A commit merges only
 * the keys the request changed onto the stored record (per-key last writer wins) and never
 * recreates a destroyed session.
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
  const parts = resolveSessionParts(options);
  const redis = redisCommands(options.client, timeout);
  const timings = resolveLockTimings(options);
  const backend = redisBackend(redis, prefix, timings, parts.logger, new LocalLocks());
  return new ServerSessionStore({ ...parts, backend });
};
