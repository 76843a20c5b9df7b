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

type Wanted = [resource?: string, organizationId?: string];
const wanted: Wanted[] = [[api], [undefined, 'acme'], [api, 'globex'], []];

/** One request of the session `cookie` on `store`: asks for a token, then commits. */
const tokenRequest = async (
  store: SessionStore,
  cookie: string,
  [resource, organizationId]: Wanted,
  refreshRegistry?: RefreshRegistry,
) => {
  const session = await store.load(cookie, http);
  const client = createClient(dev, session, {}, refreshRegistry ? { refreshRegistry } : {});
  const token = await client.getAccessToken(resource, organizationId);
  await session.commit();
  return token;
};

/** Two processes on one Redis: a store and a refresh registry each. */
const twoProcesses = () => {
  const prefix = `test:${randomUUID()}:`;
  return [redisA, redisB].map((client) => ({
    store: createRedisSessionStore({ client, prefix }),
    registry: new RefreshRegistry(),
  }));
};

describe('LogtoClient over real session stores (strict rotation)', () => {
  it('memory store: concurrent requests of one session wanting different tokens never reuse a refresh token', async () => {
    const store = createMemorySessionStore();
    const cookie = await signedInCookie(store);
    dev.resetRequests();
    const results = await Promise.allSettled(
      wanted.map((tokens) => tokenRequest(store, cookie, tokens)),
    );
    expect(results.map((result) => result.status)).toEqual(wanted.map(() => 'fulfilled'));
    expect(refreshGrants(dev, 400)).toHaveLength(0);
  });

  it('Redis store, two processes: 20 concurrent requests for one token send one refresh grant', async () => {
    const processes = twoProcesses();
    const cookie = await signedInCookie(processes[0]!.store);
    dev.resetRequests();
    const tokens = await Promise.all(
      Array.from({ length: 20 }, (_, index) => {
        const { store, registry } = processes[index % 2]!;
        return tokenRequest(store, cookie, [api], registry);
      }),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(refreshGrants(dev)).toHaveLength(1);
  });

  it('Redis store, two processes: concurrent requests for different tokens all succeed without reuse', async () => {
    const processes = twoProcesses();
    const cookie = await signedInCookie(processes[0]!.store);
    dev.resetRequests();
    const requests = [...wanted, ...wanted];
    const results = await Promise.allSettled(
      requests.map((tokens, index) => {
        const { store, registry } = processes[index % 2]!;
        return tokenRequest(store, cookie, tokens, registry);
      }),
    );
    expect(results.map((result) => result.status)).toEqual(requests.map(() => 'fulfilled'));
    expect(refreshGrants(dev, 400)).toHaveLength(0);
    // The session in Redis ends with a live refresh token.
    const after = await processes[1]!.store.load(cookie, http);
    await expireAccessTokens(after);
    expect(await createClient(dev, after).getAccessToken(api)).toEqual(expect.any(String));
  });
});
