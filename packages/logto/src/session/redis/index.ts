/**
 * `logto-ts/redis`: Redis session store. Needs `redis` (node-redis) or `ioredis`, installed by the app.
 *
 * @module
 */
export type {
  RedisCallClient,
  RedisClientLike,
  RedisClusterSendCommandClient,
  RedisSendCommandClient,
} from './client.js';
export { createRedisSessionStore, type RedisSessionStoreOptions } from './store.js';
