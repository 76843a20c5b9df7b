import { randomUUID } from 'node:crypto';
import { Redis as IORedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SessionStore } from '../../src/session/index.js';
import { createRedisSessionStore } from '../../src/session/redis/index.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { CookieJar, manualClock, recordingLogger, signIn, signOut } from './helpers.js';
import { serverStoreSpec } from './server-store-spec.js';

type Client = ReturnType<typeof createClient>;
const https = { secure: true };
const url = inject('redisUrl');
let first: Client;
let second: Client;

beforeAll(async () => {
  first = await createClient({ url }).connect();
  second = await createClient({ url }).connect();
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});

const testPrefix = () => `test:${randomUUID()}:`;

/** A store under a new prefix on a clock moved by hand, with a 10 min idle lifetime. */
const clockedStore = (absoluteDuration: number) => {
  const prefix = testPrefix();
  const clock = manualClock();
  const store = createRedisSessionStore({
    client: first,
    prefix,
    now: clock.now,
    rollingDuration: 600,
    absoluteDuration,
  });
  return { prefix, clock, store };
};

describe('Redis session store', () => {
  const prefix = testPrefix();
  serverStoreSpec((options) =>
    createRedisSessionStore({
      client: options?.second ? second : first,
      prefix,
      ...(options?.lockWait === undefined ? {} : { lockWait: options.lockWait }),
    }),
  );

  /** A session holding only an ID token, and its id. */
  const signInWithId = async (prefix: string) => {
    const store = createRedisSessionStore({ client: first, prefix });
    const jar = await signIn(store, { items: { idToken: 'id-token-value' } });
    return { jar, id: jar.cookies.get('logto_session') ?? '' };
  };

  it('stores the session as JSON under the prefix with a TTL of the idle lifetime', async () => {
    const prefix = testPrefix();
    const { id } = await signInWithId(prefix);
    const stored = JSON.parse((await first.get(`${prefix}${id}`)) ?? '');
    expect(stored.data).toEqual({ idToken: 'id-token-value' });
    expect(stored.exp - stored.iat).toBe(86_400);
    const ttl = await first.pTTL(`${prefix}${id}`);
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
  });

  it('sends at most one read and one write per request', async () => {
    const prefix = testPrefix();
    const commands: string[] = [];
    const counting = {
      sendCommand: (args: string[]) => {
        commands.push(args[0] ?? '');
        return first.sendCommand(args);
      },
    };
    const store = createRedisSessionStore({ client: counting, prefix });
    const created = await store.load(undefined, https);
    await created.setItem('idToken', 'a');
    const jar = new CookieJar(await created.commit());
    expect(commands).toEqual(['SET']);

    // Load the merge script once so that the count below is the steady state.
    const warm = await store.load(jar.header(), https);
    await warm.setItem('refreshToken', 'warm');
    await warm.commit();

    for (const change of [undefined, 'b', 'c']) {
      commands.length = 0;
      const session = await store.load(jar.header(), https);
      await session.getItem('idToken');
      if (change) {
        await session.setItem('idToken', change);
        await session.setItem('accessTokenMap', change);
      }
      await session.commit();
      expect(commands).toEqual(change ? ['GET', 'EVALSHA'] : ['GET']);
    }
    commands.length = 0;
    await (await store.load(undefined, https)).commit();
    expect(commands).toEqual([]);
  });

  it('works with a client that only offers ioredis-style call(command, ...args)', async () => {
    const prefix = testPrefix();
    const callOnly = {
      call: (command: string, ...args: string[]) => first.sendCommand([command, ...args]),
    };
    const store = createRedisSessionStore({ client: callOnly, prefix });
    const session = await store.load(undefined, https);
    await session.setItem('idToken', 'via-call');
    const jar = new CookieJar(await session.commit());
    const loaded = await store.load(jar.header(), https);
    await loaded.setItem('refreshToken', 'merged');
    await loaded.commit();
    const again = await store.load(jar.header(), https);
    expect(await again.getItem('idToken')).toBe('via-call');
    expect(await again.getItem('refreshToken')).toBe('merged');
  });

  it('works with a real ioredis client (which also has a sendCommand, of another shape)', async () => {
    const prefix = testPrefix();
    const client = new IORedis(url);
    try {
      const store = createRedisSessionStore({ client, prefix });
      const session = await store.load(undefined, https);
      await session.setItem('idToken', 'via-ioredis');
      await session.addTags?.(['sub:ioredis-user']);
      const jar = new CookieJar(await session.commit());
      const loaded = await store.load(jar.header(), https);
      expect(await loaded.withLock?.('refresh', () => loaded.getItem('idToken'))).toBe(
        'via-ioredis',
      );
      await loaded.setItem('refreshToken', 'merged');
      await loaded.commit();
      expect(await (await store.load(jar.header(), https)).getItem('refreshToken')).toBe('merged');
      expect(await store.claimOnce?.('ioredis-jti', 60)).toBe(true);
      expect(await store.claimOnce?.('ioredis-jti', 60)).toBe(false);
      expect(await store.destroyByTag?.('sub:ioredis-user')).toBe(1);
      expect((await store.load(jar.header(), https)).isNew).toBe(true);
    } finally {
      client.disconnect();
    }
  });

  it('regenerate deletes the old key; destroy deletes the key', async () => {
    const prefix = testPrefix();
    const { jar, id } = await signInWithId(prefix);
    const store = createRedisSessionStore({ client: first, prefix });
    const session = await store.load(jar.header(), https);
    await session.regenerate();
    jar.apply(await session.commit());
    const renewed = jar.cookies.get('logto_session') ?? '';
    expect(renewed).not.toBe(id);
    expect(await first.exists(`${prefix}${id}`)).toBe(0);
    expect(await first.exists(`${prefix}${renewed}`)).toBe(1);
    await signOut(store, jar);
    expect(jar.cookies.size).toBe(0);
    expect(await first.exists(`${prefix}${renewed}`)).toBe(0);
  });

  it('rolls the idle expiry (and the key TTL) forward only after touchAfter, without a new cookie', async () => {
    const { prefix, clock, store } = clockedStore(6000);
    const jar = await signIn(store, { items: { idToken: 'x' } });
    const key = `${prefix}${jar.cookies.get('logto_session')}`;
    clock.advance(30);
    expect(await (await store.load(jar.header(), https)).commit()).toEqual([]);
    expect(
      JSON.parse((await first.get(key)) ?? '').uat - JSON.parse((await first.get(key)) ?? '').iat,
    ).toBe(0);
    clock.advance(60);
    expect(await (await store.load(jar.header(), https)).commit()).toEqual([]);
    const touched = JSON.parse((await first.get(key)) ?? '');
    expect(touched.exp - touched.iat).toBe(690);
    expect(await first.pTTL(key)).toBeGreaterThan(590_000);
  });

  describe('the sub: and sid: indexes stay as small as the sessions they name', () => {
    const signInAs = (store: SessionStore, sub: string) =>
      signIn(store, {
        items: { idToken: `id-token-of-${sub}` },
        tags: [`sub:${sub}`, `sid:${randomUUID()}`],
      });

    it('drops sessions begun more than the absolute lifetime ago, and lives as long as its newest session can', async () => {
      const { prefix, clock, store } = clockedStore(3600);
      const index = `${prefix}index:sub:user-a`;
      const old = await signInAs(store, 'user-a');
      clock.advance(3601);
      const recent = await signInAs(store, 'user-a');
      expect(await first.zRange(index, 0, -1)).toEqual([recent.cookies.get('logto_session')]);
      expect(old.cookies.get('logto_session')).not.toBe(recent.cookies.get('logto_session'));
      const ttl = await first.ttl(index);
      expect(ttl).toBeGreaterThan(3590);
      expect(ttl).toBeLessThanOrEqual(3600);
    });

    it('a user who signs in and out often keeps an index of about their live sessions, and logout by sub still ends them all', async () => {
      const prefix = testPrefix();
      const store = createRedisSessionStore({ client: first, prefix });
      const index = `${prefix}index:sub:frequent`;
      const live = [await signInAs(store, 'frequent'), await signInAs(store, 'frequent')];
      for (let round = 0; round < 30; round++) {
        await signOut(store, await signInAs(store, 'frequent'));
      }
      // Without pruning the index would hold 32 ids; it is swept once it holds more than 8.
      const indexed = await first.zRange(index, 0, -1);
      expect(indexed.length).toBeLessThanOrEqual(9);
      for (const jar of live) expect(indexed).toContain(jar.cookies.get('logto_session'));
      expect(await store.destroyByTag?.('sub:frequent')).toBe(indexed.length);
      for (const jar of live) expect((await store.load(jar.header(), https)).isNew).toBe(true);
      expect(await first.exists(index)).toBe(0);
    });

    it('ends only the sessions begun before a given time, by their scores in the index', async () => {
      const prefix = testPrefix();
      const clock = manualClock();
      const store = createRedisSessionStore({ client: first, prefix, now: clock.now });
      const earlier = await signInAs(store, 'signed-out-at-t');
      clock.advance(60);
      const cutoff = clock.now() / 1000;
      const later = await signInAs(store, 'signed-out-at-t');
      expect(await store.destroyByTag?.('sub:signed-out-at-t', { before: cutoff })).toBe(1);
      expect((await store.load(earlier.header(), https)).isNew).toBe(true);
      expect((await store.load(later.header(), https)).isNew).toBe(false);
      expect(await first.zRange(`${prefix}index:sub:signed-out-at-t`, 0, -1)).toEqual([
        later.cookies.get('logto_session'),
      ]);
    });

    it('logout by sid ends only that session and removes it from its index', async () => {
      const prefix = testPrefix();
      const store = createRedisSessionStore({ client: first, prefix });
      const device1 = await signIn(store, {
        items: { idToken: 'x' },
        tags: ['sub:two-devices', 'sid:device-1'],
      });
      const device2 = await signInAs(store, 'two-devices');
      expect(await store.destroyByTag?.('sid:device-1')).toBe(1);
      expect((await store.load(device1.header(), https)).isNew).toBe(true);
      expect((await store.load(device2.header(), https)).isNew).toBe(false);
      expect(await first.exists(`${prefix}index:sid:device-1`)).toBe(0);
    });
  });

  it('treats an unparsable record as signed out: session.malformed', async () => {
    const prefix = testPrefix();
    const { jar, id } = await signInWithId(prefix);
    await first.set(`${prefix}${id}`, '{"not":"a session"}');
    const { logger, codes } = recordingLogger();
    const session = await createRedisSessionStore({ client: first, prefix, logger }).load(
      jar.header(),
      https,
    );
    expect(session.isNew).toBe(true);
    expect(codes).toEqual(['session.malformed']);
  });

  it('a lock held by a crashed process expires after lockTtl', async () => {
    const prefix = testPrefix();
    const { jar } = await signInWithId(prefix);
    const doomed = await createClient({ url }).connect();
    const crashed = await createRedisSessionStore({ client: doomed, prefix, lockTtl: 300 }).load(
      jar.header(),
      https,
    );
    let crash!: () => void;
    const holding = crashed.withLock?.(
      'refresh',
      () =>
        new Promise<void>((resolve) => {
          crash = resolve;
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    doomed.destroy();
    const waiter = await createRedisSessionStore({ client: second, prefix, lockWait: 5000 }).load(
      jar.header(),
      https,
    );
    expect(await waiter.withLock?.('refresh', async () => 'acquired')).toBe('acquired');
    crash();
    await holding?.catch(() => undefined);
  });

  describe('Redis unavailable: session.store_unavailable, never a hang or a crash', () => {
    it('a closed client fails load and commit with session.store_unavailable', async () => {
      const prefix = testPrefix();
      const { jar } = await signInWithId(prefix);
      const closed = await createClient({ url }).connect();
      const store = createRedisSessionStore({ client: closed, prefix });
      const session = await store.load(jar.header(), https);
      await session.setItem('refreshToken', 'x');
      closed.destroy();
      await expect(session.commit()).rejects.toMatchObject({ code: 'session.store_unavailable' });
      await expect(store.load(jar.header(), https)).rejects.toMatchObject({
        code: 'session.store_unavailable',
      });
      const error = await store.load(jar.header(), https).catch((failure: unknown) => failure);
      expect((error as Error).cause).toBeInstanceOf(Error);
    });

    it('a slow or stopped Redis fails with session.store_unavailable, and requests recover when it returns', async () => {
      const prefix = testPrefix();
      const { jar } = await signInWithId(prefix);
      const proxy = await startTcpProxy(url);
      const client = await createClient({
        url: proxy.url,
        socket: { reconnectStrategy: 20 },
      }).connect();
      client.on('error', () => undefined);
      const store = createRedisSessionStore({ client, prefix, commandTimeout: 200 });
      const read = async () => (await store.load(jar.header(), https)).getItem('idToken');
      try {
        expect(await read()).toBe('id-token-value');
        proxy.stall();
        await expect(read()).rejects.toMatchObject({ code: 'session.store_unavailable' });
        proxy.resume();
        expect(await read()).toBe('id-token-value');
        await proxy.stop();
        await expect(read()).rejects.toMatchObject({ code: 'session.store_unavailable' });
        await proxy.restart();
        let recovered: string | null | undefined;
        for (let attempt = 0; attempt < 50 && recovered === undefined; attempt++) {
          recovered = await read().catch(() => undefined);
          if (recovered === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(recovered).toBe('id-token-value');
      } finally {
        client.destroy();
        await proxy.stop();
      }
    });

    it('rejects a missing client with config.invalid', () => {
      expect(() => createRedisSessionStore({ client: {} as never })).toThrow(
        expect.objectContaining({ code: 'config.invalid' }),
      );
    });
  });
});
