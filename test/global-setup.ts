import type { TestProject } from 'vitest/node';
import { startRedisServer } from './support/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the real `redis-server` started for this test run. */
    redisUrl: string;
  }
}

/** Starts one real `redis-server` on a free loopback port for the whole run. */
export default async function setup(project: TestProject) {
  const redis = await startRedisServer('logto-redis-');
  project.provide('redisUrl', redis.url);
  return () => redis.dispose();
}
