import { randomUUID } from 'node:crypto';
import type { LogtoDev } from 'logto-dev';
import { completeSignIn } from 'logto-dev';
import { createClient as createRedisClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMemorySessionStore, RefreshRegistry, type SessionStore } from '../../src/index.js';
import { createRedisSessionStore } from '../../src/session/redis/index.js';
import {
  api,
  createClient,
  expireAccessTokens,
  redirectUri,
  refreshGrants,
  startDev,
} from './support.js';

type Redis = ReturnType<typeof createRedisClient>;
const http = { secure: false };
let dev: LogtoDev;
let redisA: Redis;
let redisB: Redis;

beforeAll(async () => {
  dev = await startDev({ refreshTokenRotation: 'strict' });
  const url = inject('redisUrl');
  redisA = await createRedisClient({ url }).connect();
  redisB = await createRedisClient({ url }).connect();
});
afterAll(async () => {
  await Promise.all([redisA.close(), redisB.close(), dev.stop()]);
});

const cookieHeader = (setCookies: string[]) =>
  setCookies.map((value) => value.split(';')[0]).join('; ');

/** Signs alice in through one request of `store`, then expires her cached tokens; returns the cookie. */
const signedInCookie = async (store: SessionStore) => {
  const signInRequest = await store.load(undefined, http);
  const client = createClient(dev, signInRequest);
  const callback = await completeSignIn(await client.signIn({ redirectUri }), {
    username: 'alice',
    password: 'alice-password',
  });
  await client.handleSignInCallback(callback);
  await client.getAccessToken(api);
  await expireAccessTokens(signInRequest);
  const cookie = cookieHeader(await signInRequest.commit());
  expect(cookie).not.toBe('');
  return cookie;
};

const wanted: Array<[string | undefined, string | undefined]> = [
  [api, undefined],
  [undefined, 'acme'],
  [api, 'globex'],
  [undefined, undefined],
];

describe('LogtoClient over real session stores (strict rotation)', () => {
  it('memory store: concurrent requests of one session wanting different tokens never reuse a refresh token', async () => {
    const store = createMemorySessionStore();
    const cookie = await signedInCookie(store);
    dev.resetRequests();
    const results = await Promise.allSettled(
      wanted.map(async ([resource, organization]) => {
        const session = await store.load(cookie, http);
        const token = await createClient(dev, session).getAccessToken(resource, organization);
        await session.commit();
        return token;
      }),
    );
    expect(results.map((result) => result.status)).toEqual(wanted.map(() => 'fulfilled'));
    expect(refreshGrants(dev, 400)).toHaveLength(0);
  });

  it('Redis store, two processes: 20 concurrent requests for one token send one refresh grant', async () => {
    const prefix = `test:${randomUUID()}:`;
    const stores = [
      createRedisSessionStore({ client: redisA, prefix }),
      createRedisSessionStore({ client: redisB, prefix }),
    ];
    const registries = [new RefreshRegistry(), new RefreshRegistry()];
    const cookie = await signedInCookie(stores[0]!);
    dev.resetRequests();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const process = index % 2;
        const session = await stores[process]!.load(cookie, http);
        const client = createClient(dev, session, {}, { refreshRegistry: registries[process] });
        const token = await client.getAccessToken(api);
        await session.commit();
        return token;
      }),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(refreshGrants(dev)).toHaveLength(1);
  });

  it('Redis store, two processes: concurrent requests for different tokens all succeed without reuse', async () => {
    const prefix = `test:${randomUUID()}:`;
    const stores = [
      createRedisSessionStore({ client: redisA, prefix }),
      createRedisSessionStore({ client: redisB, prefix }),
    ];
    const registries = [new RefreshRegistry(), new RefreshRegistry()];
    const cookie = await signedInCookie(stores[0]!);
    dev.resetRequests();
    const results = await Promise.allSettled(
      [...wanted, ...wanted].map(async ([resource, organization], index) => {
        const process = index % 2;
        const session = await stores[process]!.load(cookie, http);
        const client = createClient(dev, session, {}, { refreshRegistry: registries[process] });
        const token = await client.getAccessToken(resource, organization);
        await session.commit();
        return token;
      }),
    );
    expect(results.map((result) => result.status)).toEqual(
      [...wanted, ...wanted].map(() => 'fulfilled'),
    );
    expect(refreshGrants(dev, 400)).toHaveLength(0);
    // The session in Redis ends with a live refresh token.
    const after = await stores[1]!.load(cookie, http);
    await expireAccessTokens(after);
    expect(await createClient(dev, after).getAccessToken(api)).toEqual(expect.any(String));
  });
});
