/**
 * Hostile requests through a real Express app with `logto-ts/express`: any Cookie header on the
 * request path (cookie and Redis sessions), and any `returnTo` through the sign-in route and the
 * callback. Never a 5xx, never a crash, and the redirect after sign-in never leaves the origin.
 */
import { request as httpRequest, type Server, validateHeaderValue } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authenticated, logto } from '../../src/adapters/express/index.js';
import { createRedisSessionStore } from '../../src/session/redis/index.js';
import type { SessionStore } from '../../src/session/types.js';
import { type HostileProvider, startHostileProvider } from '../support/hostile-provider.js';
import { cookieHeader, originOf, redirectTargets } from './arbitraries.js';
import { Jar } from './support.js';

const secret = 'production-test-secret-0123456789abcdef';
const clientId = 'hostile-app';

let provider: HostileProvider;
let redis: ReturnType<typeof createClient>;
const servers: Server[] = [];

/** An Express app on 127.0.0.1:0 whose baseUrl is its own address. */
const startApp = async (session?: SessionStore) => {
  let handler: express.Express | undefined;
  const server = await new Promise<Server>((resolve) => {
    const created = express()
      .use((req, res, next) => (handler ? handler(req, res, next) : next()))
      .listen(0, '127.0.0.1', () => resolve(created));
  });
  servers.push(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const warnings: string[] = [];
  const app = express();
  app.use(
    logto({
      config: { endpoint: provider.endpoint, appId: clientId, appSecret: 'secret' },
      baseUrl,
      ...(session ? { session } : { secret }),
      logger: { warn: (message) => warnings.push(message) },
    }),
  );
  app.get('/protected', authenticated(), (req, res) => {
    res.json({ sub: req.logto.user?.sub });
  });
  app.use(((error, _req, res, _next) => {
    res.status(500).json({ error: String(error) });
  }) as express.ErrorRequestHandler);
  handler = app;
  return { baseUrl, warnings };
};

/** A GET with a raw Cookie header (node:http, so that odd but legal bytes go through as they are). */
const getWithCookie = (url: string, cookie: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(url, { headers: { cookie } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });

/** Drops the characters an HTTP client cannot send in a header at all. */
const sendable = (header: string) => {
  const cleaned = [...header]
    .filter((character) => {
      try {
        validateHeaderValue('cookie', character);
        return true;
      } catch {
        return false;
      }
    })
    .join('');
  return cleaned.trim();
};

beforeAll(async () => {
  provider = await startHostileProvider({ clientId });
  redis = await createClient({ url: inject('redisUrl') }).connect();
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await redis?.close();
  await provider?.close();
});

describe('hostile cookies on the request path', () => {
  const stores = () => ({
    cookie: undefined,
    redis: createRedisSessionStore({
      client: redis,
      prefix: `hostile:${Math.random()}:`,
      logger: { warn: () => undefined },
    }),
  });

  it('Redis store: any Cookie header loads an empty session, or the real one intact', async () => {
    const store = stores().redis;
    const real = await store.load(undefined, { secure: false });
    await real.setItem('idToken', 'real');
    const [setCookie = ''] = await real.commit();
    const realId = setCookie.split(';')[0]?.split('=')[1] ?? '';
    await fc.assert(
      fc.asyncProperty(
        cookieHeader(['logto_session', 'logto_session.0'], [realId]),
        async (header) => {
          const session = await store.load(header, { secure: false });
          const value = await session.getItem('idToken');
          if (session.isNew) expect(value).toBeNull();
          else expect(value).toBe('real');
          await session.commit();
        },
      ),
      { numRuns: 300 },
    );
  });

  for (const kind of ['cookie', 'redis'] as const) {
    it(`${kind} sessions: a protected route answers 401 to any foreign, broken or random cookie, never 5xx`, async () => {
      const { baseUrl } = await startApp(stores()[kind]);
      await fc.assert(
        fc.asyncProperty(
          cookieHeader(
            ['logto_session', 'logto_session.0', 'logto_session.1', 'logto_session.2'],
            [],
          ),
          async (header) => {
            const response = await getWithCookie(`${baseUrl}/protected`, sendable(header));
            // 431: Node's own header size limit (16 KiB), before the app sees the request.
            expect([401, 431], response.body).toContain(response.status);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('cookie sessions: chunks of a real session that are missing, reordered or repeated never crash the request', async () => {
    const { baseUrl } = await startApp();
    const jar = await signIn(baseUrl, '/');
    expect((await jar.fetch(`${baseUrl}/protected`)).status).toBe(200);
    const pieces = [...jar.cookies];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...pieces), { maxLength: 5 }),
        fc.boolean(),
        async (chosen, truncate) => {
          const header = chosen
            .map(
              ([name, value]) => `${name}=${truncate ? value.slice(0, value.length - 7) : value}`,
            )
            .join('; ');
          const response = await getWithCookie(`${baseUrl}/protected`, header);
          expect([200, 401]).toContain(response.status);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Signs in through the app's routes and the hostile provider (which approves at once). */
const signIn = async (baseUrl: string, returnTo: string, jar = new Jar()) => {
  const start = await jar.fetch(`${baseUrl}/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status).toBe(302);
  const authorization = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  const callback = await jar.fetch(authorization.headers.get('location') ?? '');
  return Object.assign(jar, { callback });
};

describe('hostile returnTo through the sign-in route and the callback', () => {
  it('a same-origin path comes back as it was given', async () => {
    const { baseUrl } = await startApp();
    const { callback } = await signIn(baseUrl, '/protected?page=2');
    expect(callback.headers.get('location')).toBe('/protected?page=2');
  });

  it('the redirect after sign-in always stays on the app origin', async () => {
    const { baseUrl } = await startApp();
    await fc.assert(
      fc.asyncProperty(redirectTargets, async (returnTo) => {
        const { callback } = await signIn(baseUrl, returnTo);
        expect(callback.status).toBe(302);
        const location = callback.headers.get('location') ?? '';
        expect(originOf(location, `${baseUrl}/callback`)).toBe(baseUrl);
      }),
      { numRuns: 150 },
    );
  });
});
