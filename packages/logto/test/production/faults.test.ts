/**
 * Faults in production: the session store (Redis) and the provider stop, stall or answer garbage
 * while an app instance (a real child process: Express, `logto-ts/express`) serves requests. The
 * app must answer every request with a clear status (503 from the guard, the framework's error
 * path, an error page), never crash or leak an unhandled rejection, and recover when the
 * dependency returns.
 */
import { completeSignIn, type LogtoDev, startLogtoDev } from 'logto-dev';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRedisServer } from '../../../../test/support/redis-server.js';
import {
  type HostileProvider,
  respond,
  startHostileProvider,
} from '../support/hostile-provider.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import {
  type AppProcess,
  demoAppEnv as appEnv,
  demoApp,
  Jar,
  signInThroughApp,
  startAppProcess,
} from './support.js';

const running: AppProcess[] = [];
const started = async (env: Record<string, string>) => {
  const app = await startAppProcess(env);
  running.push(app);
  return app;
};

afterEach(async () => {
  for (const app of running.splice(0)) {
    // No fault may have killed the app or leaked an unhandled rejection.
    expect(app.alive(), app.stderr()).toBe(true);
    expect((await app.stats()).unhandled).toEqual([]);
    await app.stop();
  }
});

const statusOf = async (jar: Jar, url: string) => {
  const response = await jar.fetch(url, { headers: { accept: 'application/json' } });
  return { status: response.status, body: await response.text() };
};

let dev: LogtoDev;

beforeAll(async () => {
  dev = await startLogtoDev({ port: 0 });
});

afterAll(async () => {
  await dev?.stop();
});

describe('Redis stopped, stalled and back during a run of requests', () => {
  it('through a proxy: 503 while Redis is unreachable or silent, the same session works again when it returns', async () => {
    const proxy = await startTcpProxy(inject('redisUrl'));
    try {
      const app = await started(appEnv(dev.endpoint, { REDIS_URL: proxy.url }));
      const jar = await signInThroughApp(app.url);
      expect((await statusOf(jar, `${app.url}/me`)).status).toBe(200);

      await proxy.stop();
      const down = await Promise.all(
        Array.from({ length: 10 }, () => statusOf(jar, `${app.url}/me`)),
      );
      // The guard answers 503; a route needing the store goes through the framework's error path.
      for (const response of down) {
        expect(response.status).toBe(503);
        expect(JSON.parse(response.body)).toMatchObject({ error: 'session_unavailable' });
      }
      const token = await statusOf(jar, `${app.url}/token`);
      expect(token.status).toBe(503);
      // Starting a sign-in needs the store too: a clear 503 page, not a hang or a crash.
      const signIn = await new Jar().fetch(`${app.url}/sign-in`, {
        headers: { accept: 'text/html' },
      });
      expect(signIn.status).toBe(503);
      expect(await signIn.text()).toContain('session.store_unavailable');
      // Requests that never touch the session do not care.
      expect((await statusOf(jar, `${app.url}/anonymous`)).status).toBe(200);

      await proxy.restart();
      await waitFor(async () => (await statusOf(jar, `${app.url}/me`)).status === 200);

      proxy.stall();
      expect((await statusOf(jar, `${app.url}/me`)).status).toBe(503);
      proxy.resume();
      await waitFor(async () => (await statusOf(jar, `${app.url}/me`)).status === 200);
      expect((await statusOf(jar, `${app.url}/token`)).status).toBe(200);
    } finally {
      await proxy.stop();
    }
  });

  it('a redis-server killed and restarted (data lost): 503 meanwhile, then signed out, and a new sign-in works', async () => {
    const redis = await startRedisServer('logto-prod-redis-');
    try {
      const app = await started(appEnv(dev.endpoint, { REDIS_URL: redis.url }));
      const jar = await signInThroughApp(app.url);
      const requests = Array.from({ length: 20 }, async (_, index) => {
        await sleep(index * 25);
        return statusOf(jar, `${app.url}/me`);
      });
      await sleep(100);
      await redis.kill();
      const during = await Promise.all(requests);
      for (const { status } of during) expect([200, 503]).toContain(status);
      expect(during.some(({ status }) => status === 503)).toBe(true);

      await redis.start();
      // The record died with the server: the old cookie is simply signed out, not an error.
      await waitFor(async () => (await statusOf(jar, `${app.url}/me`)).status === 401);
      const again = await signInThroughApp(app.url, 'bob', new Jar());
      expect((await statusOf(again, `${app.url}/me`)).status).toBe(200);
    } finally {
      await redis.dispose();
    }
  }, 60_000);
});

describe('the provider down or slow', () => {
  it('logto-dev stopped during a run: session reads keep working, sign-in and token refresh fail with a clear error', async () => {
    const own = await startLogtoDev({ port: 0 });
    let stopped = false;
    try {
      const app = await started(appEnv(own.endpoint, { REDIS_URL: inject('redisUrl') }));
      const jar = await signInThroughApp(app.url);
      // A second browser is half-way through a sign-in when the provider goes down.
      const pending = new Jar();
      const begun = await pending.fetch(`${app.url}/sign-in`);
      const callbackUrl = new URL(
        await completeSignIn(begun.headers.get('location') ?? '', {
          username: 'bob',
          password: 'bob-password',
        }),
      );
      await own.stop();
      stopped = true;

      for (let index = 0; index < 10; index++) {
        expect((await statusOf(jar, `${app.url}/me`)).status).toBe(200);
      }
      // A refresh needs the provider: the framework's error path gets provider.unreachable.
      const token = await statusOf(jar, `${app.url}/token`);
      expect(token.status).toBe(500);
      expect(JSON.parse(token.body)).toMatchObject({ error: 'provider.unreachable' });
      // The session survives the outage.
      expect((await statusOf(jar, `${app.url}/me`)).status).toBe(200);

      // Its callback cannot exchange the code: a clear error page, not a hang.
      const callback = await pending.fetch(
        `${app.url}${callbackUrl.pathname}${callbackUrl.search}`,
        { headers: { accept: 'text/html' } },
      );
      expect(callback.status).toBeGreaterThanOrEqual(400);
      expect(callback.headers.get('content-type')).toMatch(/text\/html/);
      expect(await callback.text()).toContain('provider.unreachable');
    } finally {
      if (!stopped) await own.stop();
    }
  });

  it('a fresh instance whose provider is down answers the sign-in route with an error page naming provider.unreachable', async () => {
    const own = await startLogtoDev({ port: 0 });
    const endpoint = own.endpoint;
    await own.stop();
    const app = await started(appEnv(endpoint, { SESSION_SECRET: 'x'.repeat(40) }));
    const response = await new Jar().fetch(`${app.url}/sign-in`, {
      headers: { accept: 'text/html' },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    const page = await response.text();
    expect(page).toContain('provider.unreachable');
    expect(page).not.toMatch(/at .*\.ts:\d+/);
  });

  describe('a provider that hangs, or answers garbage', () => {
    let provider: HostileProvider;

    beforeAll(async () => {
      provider = await startHostileProvider({ clientId: demoApp.id });
    });

    afterEach(() => {
      provider.handle('discovery', undefined);
      provider.handle('token', undefined);
    });

    afterAll(async () => {
      await provider.close();
    });

    /** An app on the hostile provider; `timeout` (ms) bounds each provider request. */
    const hostileApp = (timeout = 10_000) =>
      started(
        appEnv(provider.endpoint, {
          SESSION_SECRET: 'y'.repeat(40),
          LOGTO_TIMEOUT: String(timeout),
        }),
      );

    it('discovery hanging: the sign-in route answers an error page with provider.timeout', async () => {
      provider.handle('discovery', respond.hang());
      const app = await hostileApp(1000);
      const response = await new Jar().fetch(`${app.url}/sign-in`, {
        headers: { accept: 'text/html' },
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).toContain('provider.timeout');
    });

    for (const [name, handler] of [
      ['malformed JSON', respond.malformedJson()],
      ['an HTML page', respond.html()],
      ['a 64 MiB body', respond.huge({ bytes: 64 * 1024 * 1024 })],
    ] as const) {
      it(`the token endpoint answering ${name}: the callback answers provider.invalid_response, memory stays bounded`, async () => {
        provider.handle('token', handler);
        const app = await hostileApp();
        const before = (await app.stats()).memory.rss;
        const jar = new Jar();
        const start = await jar.fetch(`${app.url}/sign-in`);
        const authorization = await fetch(start.headers.get('location') ?? '', {
          redirect: 'manual',
        });
        const callback = new URL(authorization.headers.get('location') ?? '');
        const response = await jar.fetch(`${app.url}${callback.pathname}${callback.search}`, {
          headers: { accept: 'application/json' },
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(JSON.parse(await response.text())).toMatchObject({
          error: 'provider.invalid_response',
        });
        const after = (await app.stats()).memory.rss;
        expect(after - before).toBeLessThan(32 * 1024 * 1024);
      });
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it holds, for 15 s at most (whatever each check takes). */
const waitFor = async (check: () => Promise<boolean>) => {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error('the app did not recover within 15 s');
};
