/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0) in every adapter: a real sign-out
 * at logto-dev ends the app's session; hostile logout tokens (signed by the test provider) get 400.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LogtoDev } from 'logto-dev';
import { createMemorySessionStore } from 'logto-ts';
import { createRedisSessionStore } from 'logto-ts/redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInWithJar } from '../../../logto-dev/src/complete-sign-in.js';
import { CookieJar } from '../../../logto-dev/src/cookie-jar.js';
import type { LogtoAdapterOptions } from '../../src/adapters/core/index.js';
import {
  generateTestKey,
  type HostileProvider,
  type SignIdTokenOptions,
  startHostileProvider,
} from '../support/hostile-provider.js';
import { signOutAtLogto } from '../support/sign-out-at-logto.js';
import { type AppServer, adapters, startAppServer } from './apps.js';
import { Browser } from './browser.js';
import { adapterOptions, json, secret, startDevFor } from './spec-support.js';

const event = { 'http://schemas.openid.net/event/backchannel-logout': {} };

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => resolve(body));
  });

/** Signs in through the app with a provider-side jar kept; returns the sign-out at the provider only. */
const signInKeepingLogtoSession = async (
  dev: LogtoDev,
  browser: Browser,
  origin: string,
  username = 'alice',
) => {
  const provider = new CookieJar();
  const start = await browser.get('/sign-in');
  const callback = await signInWithJar(provider, start.headers.get('location') ?? '', {
    username,
    password: `${username}-password`,
  });
  await browser.get(callback);
  expect((await browser.get('/api/me')).status).toBe(200);
  return () =>
    signOutAtLogto(dev, provider, {
      clientId: 'demo-app',
      postLogoutRedirectUri: `${origin}/`,
    });
};

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

/** Every API agrees that `browser`'s session is over: guard, context, client. */
const expectSignedOut = async (browser: Browser) => {
  expect((await browser.get('/api/me')).status).toBe(401);
  expect(await json(await browser.get('/session-state'))).toEqual({
    isAuthenticated: false,
    sub: null,
    clientIsAuthenticated: false,
    clientIdToken: false,
  });
};

const expectSignedIn = async (browser: Browser, sub = 'user-alice') => {
  expect((await browser.get('/api/me')).status).toBe(200);
  expect(await json(await browser.get('/session-state'))).toEqual({
    isAuthenticated: true,
    sub,
    clientIsAuthenticated: true,
    clientIdToken: true,
  });
};

/** The stores a session can live in; each back-channel rule holds for every one. */
const stores: ReadonlyArray<{
  name: string;
  /** Whether the ended session's cookies are cleared (a server-side store leaves a dead id cookie alone). */
  clearsCookies: boolean;
  options: (
    adapter: string,
    redis: ReturnType<typeof createClient>,
  ) => Partial<LogtoAdapterOptions>;
}> = [
  { name: 'cookie', clearsCookies: true, options: () => ({ secret }) },
  {
    name: 'memory',
    clearsCookies: false,
    options: () => ({ session: createMemorySessionStore({ logger: { warn() {} } }) }),
  },
  {
    name: 'redis',
    clearsCookies: false,
    options: (adapter, redis) => ({
      session: createRedisSessionStore({
        client: redis,
        prefix: `bcl:${adapter}:${randomUUID()}:`,
        logger: { warn() {} },
      }),
    }),
  },
];

describe.each(adapters)('back-channel logout from logto-dev ($name)', (adapter) => {
  let server: AppServer;
  let dev: LogtoDev;
  let redis: ReturnType<typeof createClient>;
  let options: LogtoAdapterOptions;
  /** Logout tokens logto-dev sent, recorded on their way to the app's route. */
  const received: string[] = [];

  beforeAll(async () => {
    server = await startAppServer();
    dev = await startDevFor(server.origin, '/recorded-backchannel-logout');
    redis = createClient({ url: inject('redisUrl') });
    await redis.connect();
    options = adapterOptions(dev, server.origin);
  });
  afterAll(async () => {
    await server?.close();
    await dev?.stop();
    await redis?.quit();
  });

  /** Serves the app; logout tokens arrive through a recorder that forwards them to the real route. */
  const serve = async (extra: Partial<LogtoAdapterOptions>) => {
    const app = await adapter.build({ ...options, ...extra });
    server.use((request, response) => {
      if (request.url !== '/recorded-backchannel-logout') return app(request, response);
      void readBody(request).then(async (body) => {
        received.push(new URLSearchParams(body).get('logout_token') ?? '');
        const forwarded = await fetch(`${server.origin}/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        response.writeHead(forwarded.status).end(await forwarded.text());
      });
    });
  };

  /** Logto's "session required" switch of the demo app. */
  const sessionRequired = (on: boolean) =>
    dev.updateApplication('demo-app', { backchannelLogoutSessionRequired: on });

  describe.each(stores)('$name sessions', (store) => {
    it("Logto's default token (only sub) ends every session of the user begun before it, for every API; the replay gets 400", async () => {
      sessionRequired(false);
      await serve(store.options(adapter.name, redis));
      const browser = new Browser(server.origin);
      const otherDevice = new Browser(server.origin);
      const bob = new Browser(server.origin);
      const signOut = await signInKeepingLogtoSession(dev, browser, server.origin);
      await signInKeepingLogtoSession(dev, otherDevice, server.origin);
      await signInKeepingLogtoSession(dev, bob, server.origin, 'bob');
      received.length = 0;

      await signOut();

      expect(received).toHaveLength(1);
      expect(claimsOf(received[0] ?? '')).not.toHaveProperty('sid');
      await expectSignedOut(browser);
      await expectSignedOut(otherDevice);
      await expectSignedIn(bob, 'user-bob');
      expect(browser.cookies.size).toBe(store.clearsCookies ? 0 : 1);
      // A sign-in after the logout (in a later second: iat counts seconds) is not ended by it,
      // even by a replay of the token.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
      const again = new Browser(server.origin);
      await signInKeepingLogtoSession(dev, again, server.origin);
      const replay = await fetch(`${server.origin}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: received[0] ?? '' }),
      });
      expect(replay.status).toBe(400);
      expect(replay.headers.get('cache-control')).toBe('no-store');
      expect(await json(replay)).toMatchObject({ error: 'invalid_request' });
      await expectSignedIn(again);
    });

    it('with "session required" on, the token carries sid and ends only that Logto session', async () => {
      sessionRequired(true);
      await serve(store.options(adapter.name, redis));
      const browser = new Browser(server.origin);
      const otherDevice = new Browser(server.origin);
      const signOut = await signInKeepingLogtoSession(dev, browser, server.origin);
      await signInKeepingLogtoSession(dev, otherDevice, server.origin);
      received.length = 0;

      await signOut();

      expect(received).toHaveLength(1);
      expect(claimsOf(received[0] ?? '').sid).toEqual(expect.any(String));
      await expectSignedOut(browser);
      await expectSignedIn(otherDevice);
    });

    it('a token with a sid also ends the sessions begun while the switch was off (they carry no sid)', async () => {
      sessionRequired(false);
      await serve(store.options(adapter.name, redis));
      const browser = new Browser(server.origin);
      const signOut = await signInKeepingLogtoSession(dev, browser, server.origin);
      sessionRequired(true);
      received.length = 0;

      await signOut();

      expect(claimsOf(received[0] ?? '').sid).toEqual(expect.any(String));
      await expectSignedOut(browser);
    });
  });
});

describe.each(adapters)('back-channel logout token rules ($name)', (adapter) => {
  let server: AppServer;
  let provider: HostileProvider;

  beforeAll(async () => {
    provider = await startHostileProvider({ clientId: 'bcl-app' });
    server = await startAppServer();
    server.use(
      await adapter.build({
        endpoint: provider.endpoint,
        appId: provider.clientId,
        appSecret: 'bcl-app-secret',
        baseUrl: server.origin,
        secret,
        logger: { warn() {} },
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  const logoutToken = (options: SignIdTokenOptions = {}) =>
    provider.signIdToken({
      ...options,
      header: { typ: 'logout+jwt', ...options.header },
      claims: { jti: randomUUID(), sid: `sid-${randomUUID()}`, events: event, ...options.claims },
      // The default ID-token claims that a logout token does not have (unless a test adds them).
      omit: [
        ...['exp', 'nonce'].filter((claim) => options.claims?.[claim] === undefined),
        ...(options.omit ?? []),
      ],
    });

  const post = (body: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${server.origin}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new URLSearchParams(body),
    });

  const expectRejected = async (response: Response, label = 'token') => {
    expect(response.status, label).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await json(response)).toMatchObject({ error: 'invalid_request' });
  };

  it('accepts a Logto-shaped token (no exp) with 200 and Cache-Control: no-store', async () => {
    const response = await post({ logout_token: await logoutToken() });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts a token with only sub, without typ, or with an unexpired exp', async () => {
    for (const token of [
      await logoutToken({ claims: { sid: undefined }, omit: ['sid'] }),
      await logoutToken({ header: { typ: undefined } }),
      await logoutToken({ claims: { exp: Math.floor(Date.now() / 1000) + 120 } }),
    ]) {
      expect((await post({ logout_token: token })).status).toBe(200);
    }
  });

  it('rejects a replayed token (same jti)', async () => {
    const token = await logoutToken();
    expect((await post({ logout_token: token })).status).toBe(200);
    await expectRejected(await post({ logout_token: token }));
  });

  it('rejects a token signed by a key that is not the provider’s', async () => {
    const forger = await generateTestKey('ES384', {
      kid: provider.signingKey.publicJwk.kid ?? null,
    });
    await expectRejected(await post({ logout_token: await logoutToken({ key: forger }) }));
  });

  it('rejects wrong aud, wrong iss, a nonce, no event, neither sid nor sub, typ JWT, a passed exp, an old or future iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hostile: Array<[string, SignIdTokenOptions]> = [
      ['wrong aud', { claims: { aud: 'another-app' } }],
      ['wrong iss', { claims: { iss: 'https://evil.example/oidc' } }],
      ['nonce', { claims: { nonce: 'n-0S6_WzA2Mj' } }],
      ['no event', { claims: { events: undefined }, omit: ['events'] }],
      ['another event', { claims: { events: { 'https://example.com/other': {} } } }],
      ['neither sid nor sub', { claims: { sid: undefined, sub: undefined }, omit: ['sid', 'sub'] }],
      ['typ JWT', { header: { typ: 'JWT' } }],
      ['exp passed', { claims: { exp: now - 600 } }],
      ['iat too old', { claims: { iat: now - 3600 } }],
      ['iat in the future', { claims: { iat: now + 3600 } }],
      ['no jti', { claims: { jti: undefined }, omit: ['jti'] }],
    ];
    for (const [label, options] of hostile) {
      await expectRejected(await post({ logout_token: await logoutToken(options) }), label);
    }
  });

  it('refuses a body that is not a form, and a form over 64 KB, saying which', async () => {
    const notForm = await fetch(`${server.origin}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logout_token: await logoutToken() }),
    });
    await expectRejected(notForm, 'JSON body');
    const huge = `logout_token=${'a'.repeat(100 * 1024)}`;
    const declared = await fetch(`${server.origin}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: huge,
    });
    // Fastify's own body limit answers 413; the other adapters answer our 400.
    expect([400, 413], 'declared length').toContain(declared.status);
    if (declared.status === 400) {
      expect(await json(declared)).toMatchObject({
        error_description: 'The form is larger than 65536 bytes.',
      });
    }
  });

  it('rejects a request without a logout_token, and an unsigned token', async () => {
    await expectRejected(await post({}));
    const unsigned = await logoutToken();
    const [header = '', payload = ''] = unsigned.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'logout+jwt' })).toString('base64url')}.${payload}.`;
    expect(header).not.toBe('');
    await expectRejected(await post({ logout_token: none }));
  });
});
