/**
 * `logto-ts/redis`: Redis session store, and the shared revocation list for cookie sessions. Needs `redis` (node-redis) or `ioredis`, installed by the app.
 *
 * @module
 */
export type { RedisCallClient, RedisClientLike, RedisSendCommandClient } from './client.js';
export {
  createRedisRevocations,
  type RedisRevocations,
  type RedisRevocationsOptions,
} from './revocations.js';
export { createRedisSessionStore, type RedisSessionStoreOptions } from './store.js';
