/**
 * The options our adapters get in the bench: logto-dev's demo app, the app's origin, and the
 * session store the kind names (cookie by default; Redis, memory, or cookie with the revocation
 * list shared through Redis for those rows).
 *
 * @module
 */
import { createCookieSessionStore, createMemorySessionStore, type SessionStore } from 'logto-ts';
import type { LogtoAdapterOptions } from 'logto-ts/express';
import { createRedisRevocations, createRedisSessionStore } from 'logto-ts/redis';
import { createClient } from 'redis';
import { type AppSetup, benchSecret, demoApp } from './spec.js';

/** Adapter options for `spec`, and a function that closes what they opened (the Redis client). */
export async function logtoOptions(
  spec: AppSetup,
): Promise<{ options: LogtoAdapterOptions; close(): Promise<void> }> {
  const base = {
    endpoint: spec.endpoint,
    appId: demoApp.appId,
    appSecret: demoApp.appSecret,
    baseUrl: `http://127.0.0.1:${spec.port}`,
  };
  if (spec.kind === 'logto-express-redis') {
    if (!spec.redisUrl) throw new Error('the Redis row needs a redis-server');
    const client = createClient({ url: spec.redisUrl });
    await client.connect();
    const session: SessionStore = createRedisSessionStore({ client, secure: false });
    return { options: { ...base, session }, close: () => client.quit().then(() => undefined) };
  }
  if (spec.kind === 'logto-express-cookie-revocations') {
    if (!spec.redisUrl) throw new Error('the revocation-list row needs a redis-server');
    const client = createClient({ url: spec.redisUrl });
    await client.connect();
    const revocations = createRedisRevocations({ client });
    await revocations.ready;
    // A list with ends in it, as in production: each request checks the session's tags against it.
    const until = Date.now() / 1000 + 3600;
    for (let i = 0; i < 1000; i += 1) {
      await revocations.add({ tag: `sub:bench-ended-${i}`, before: until, until });
    }
    const session = createCookieSessionStore({ secret: benchSecret, revocations });
    return {
      options: { ...base, session },
      close: async () => {
        await revocations.close();
        await client.quit();
      },
    };
  }
  if (spec.kind === 'logto-express-memory') {
    // The memory store warns once that it is for development; the bench knows.
    const session = createMemorySessionStore({ secure: false, logger: { warn: () => {} } });
    return { options: { ...base, session }, close: async () => {} };
  }
  return { options: { ...base, secret: benchSecret }, close: async () => {} };
}
