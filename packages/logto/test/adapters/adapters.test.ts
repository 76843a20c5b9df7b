/**
 * One specification of the adapters, run against each of them (Express 5 and 4, Hono, Fastify,
 * Web) end to end: a real logto-dev, the real sign-in pages, a cookie jar, and for the Redis
 * variants a real redis-server.
 */

import { completeSignIn, type LogtoDev } from 'logto-dev';
import { createRedisSessionStore } from 'logto-ts/redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { LogtoAdapterOptions } from '../../src/adapters/core/index.js';
import { createCookieSessionStore } from '../../src/session/cookie-store.js';
import { unusedEndpoint } from '../support/hostile-provider.js';
import { type AppServer, adapters, api, startAppServer } from './apps.js';
import { Browser } from './browser.js';
import {
  adapterOptions,
  json,
  otherSecret,
  proxiedOrigin,
  revokeAtLogto,
  secret,
  signIn,
  startDevFor,
} from './spec-support.js';

type StoreKind = 'cookie' | 'redis';

const variants: Array<{ adapter: (typeof adapters)[number]; store: StoreKind }> = [
  ...adapters.map((adapter) => ({ adapter, store: 'cookie' as const })),
  ...adapters
    .filter((adapter) => adapter.name === 'express 5' || adapter.name === 'fastify')
    .map((adapter) => ({ adapter, store: 'redis' as const })),
];

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe.each(variants)('$adapter.name with $store sessions', ({ adapter, store }) => {
  let server: AppServer;
  let dev: LogtoDev;
  let redis: ReturnType<typeof createClient> | undefined;
  let options: LogtoAdapterOptions;

  const use = async (extra: Partial<LogtoAdapterOptions> = {}) =>
    server.use(await adapter.build({ ...options, ...extra }));

  beforeAll(async () => {
    server = await startAppServer();
    dev = await startDevFor(server.origin);
    options = adapterOptions(dev, server.origin);
    if (store === 'redis') {
      redis = createClient({ url: inject('redisUrl') });
      await redis.connect();
      options = {
        ...options,
        session: createRedisSessionStore({
          client: redis,
          prefix: `adapters:${adapter.name}:`,
          logger: { warn() {} },
        }),
      };
    }
  });
  afterAll(async () => {
    await server?.close();
    await dev?.stop();
    await redis?.quit();
  });
  beforeEach(() => use());

  /** Revokes the browser's refresh token at Logto, as an admin removing the grant would. */
  const revokeBrowserAtLogto = async (browser: Browser) => {
    const store = options.session ?? createCookieSessionStore({ secret, logger: { warn() {} } });
    const session = await store.load(browser.cookieHeader(), { secure: false });
    const refreshToken = await session.getItem('refreshToken');
    expect(refreshToken).toBeTruthy();
    await revokeAtLogto(dev, options, refreshToken ?? '');
  };

  it('an anonymous request creates no session and sets no cookie', async () => {
    const browser = new Browser(server.origin);
    const home = await browser.get('/');
    expect(home.status).toBe(200);
    expect(browser.setCookies).toEqual([]);
    const me = await browser.get('/api/me');
    expect(me.status).toBe(401);
    expect(await json(me)).toEqual({ error: 'not_authenticated' });
    expect(browser.setCookies).toEqual([]);
  });

  it('the redirect guard sends a visitor to sign-in with returnTo, and the callback brings them back', async () => {
    const browser = new Browser(server.origin);
    const guarded = await browser.get('/protected?page=2&sort=name');
    expect(guarded.status).toBe(302);
    const signInPath = guarded.headers.get('location') ?? '';
    expect(signInPath).toBe(
      `/sign-in?returnTo=${encodeURIComponent('/protected?page=2&sort=name')}`,
    );
    const callback = await signIn(browser, signInPath);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/protected?page=2&sort=name');
    const page = await browser.get('/protected?page=2&sort=name');
    expect(page.status).toBe(200);
    expect(await json(page)).toMatchObject({ sub: 'user-alice', name: 'Alice Liddell' });
  });

  it('a signed-in protected request does no provider I/O and sets no cookie', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    dev.resetRequests();
    for (let i = 0; i < 3; i++) {
      const response = await browser.get('/api/me');
      expect(response.status).toBe(200);
      expect(browser.setCookies).toEqual([]);
    }
    expect(dev.requests).toEqual([]);
  });

  it('regenerates the session at sign-in (the pre-sign-in cookie is not the signed-in one)', async () => {
    const browser = new Browser(server.origin);
    await browser.get('/sign-in');
    const before = new Map(browser.cookies);
    expect(before.size).toBeGreaterThan(0);
    const authorizationUrl = (await browser.get('/sign-in')).headers.get('location') ?? '';
    const pending = new Map(browser.cookies);
    const { completeSignIn } = await import('logto-dev');
    await browser.get(
      await completeSignIn(authorizationUrl, { username: 'alice', password: 'alice-password' }),
    );
    for (const [name, value] of pending) expect(browser.cookies.get(name)).not.toBe(value);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ and not Secure over http', async () => {
    const browser = new Browser(server.origin);
    const callback = await signIn(browser);
    const cookies = callback.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^logto_session(\.\d+)?=[^;]+;/);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).toMatch(/; Path=\//i);
      expect(cookie).not.toMatch(/; Secure/i);
    }
  });

  if (store === 'cookie') {
    it('behind a proxy that terminates TLS, an https baseUrl makes the cookies Secure and a __Host- name signs in', async () => {
      await use({ baseUrl: proxiedOrigin });
      const plain = await new Browser(server.origin).get('/sign-in');
      expect(plain.headers.getSetCookie()).toEqual([expect.stringMatching(/; Secure/i)]);
      await use({
        baseUrl: proxiedOrigin,
        session: createCookieSessionStore({ secret, name: '__Host-logto', logger: { warn() {} } }),
      });
      // The browser talks to the proxy; the proxy forwards plain http to the app.
      const browser = new Browser(server.origin);
      const start = await browser.get('/sign-in');
      expect(start.status).toBe(302);
      const callbackUrl = new URL(
        await completeSignIn(start.headers.get('location') ?? '', {
          username: 'alice',
          password: 'alice-password',
        }),
      );
      expect(callbackUrl.origin).toBe(proxiedOrigin);
      const callback = await browser.get(`${callbackUrl.pathname}${callbackUrl.search}`);
      expect(callback.status).toBe(302);
      const cookies = callback.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) {
        expect(cookie).toMatch(/^__Host-logto(\.\d+)?=/);
        expect(cookie).toMatch(/; Secure/i);
        expect(cookie).toMatch(/; Path=\//i);
        expect(cookie).not.toMatch(/; Domain=/i);
      }
      expect((await browser.get('/api/me')).status).toBe(200);
      const signOut = await browser.get('/sign-out');
      expect(signOut.headers.getSetCookie().every((cookie) => /; Secure/i.test(cookie))).toBe(true);
      expect(browser.cookies.size).toBe(0);
    });
  }

  it('puts the userinfo on the request with fetchUserInfo', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    const response = await browser.get('/protected/userinfo');
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      sub: 'user-alice',
      custom_data: { plan: 'pro' },
    });
  });

  it('gets resource and organization tokens through req.logto.client, and keeps them in the session', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    const resource = await browser.get('/resource');
    expect(resource.status).toBe(200);
    const claims = await json(resource);
    expect(claims.aud).toBe(api);
    expect(String(claims.scope).split(' ')).toContain('read:messages');
    const organization = await browser.get('/organization?id=acme');
    expect(await json(organization)).toMatchObject({ aud: 'urn:logto:organization:acme' });
    dev.resetRequests();
    expect((await browser.get('/resource')).status).toBe(200);
    expect((await browser.get('/organization?id=acme')).status).toBe(200);
    expect(dev.requests.filter((request) => request.path === '/oidc/token')).toEqual([]);
  });

  it('the guard gets the access token it is asked for: a resource, or an organization read from the request', async () => {
    const browser = new Browser(server.origin);
    expect((await browser.get('/guard/resource')).status).toBe(401);
    await signIn(browser);
    const resource = await browser.get('/guard/resource');
    expect(resource.status).toBe(200);
    expect(await json(resource)).toEqual({ aud: api, sub: 'user-alice' });
    const organization = await browser.get('/guard/organization?id=globex');
    expect(organization.status).toBe(200);
    expect(await json(organization)).toEqual({
      aud: 'urn:logto:organization:globex',
      sub: 'user-alice',
    });
    // Cached in the session like any token: the next request asks Logto nothing.
    dev.resetRequests();
    expect((await browser.get('/guard/organization?id=globex')).status).toBe(200);
    expect(dev.requests.filter((request) => request.path === '/oidc/token')).toEqual([]);
  });

  it('the guard answers 403 access_denied when Logto refuses the organization token (not a member)', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser, '/sign-in', 'bob');
    const response = await browser.get('/guard/organization?id=acme');
    expect(response.status).toBe(403);
    const body = await json(response);
    expect(body.error).toBe('access_denied');
    expect(String(body.message)).toMatch(/acme|member|organization/i);
    // Still signed in: a refused token is not a refused session.
    expect((await browser.get('/api/me')).status).toBe(200);
    // A page (redirect: true) gets the error page, naming the code and what to do.
    const page = await browser.get('/guard/organization-page?id=acme');
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const text = await page.text();
    expect(text).toContain('<h1>Access denied</h1>');
    expect(text).toContain('token.access_denied');
    expect(text).toContain('Ask an administrator');
  });

  // Redis sessions keep the id cookie as it is: only cookie sessions re-send it.
  if (store === 'cookie') {
    it('marks a response that carries the session cookie Cache-Control: private, no-store, unless the app set its own', async () => {
      const browser = new Browser(server.origin);
      await signIn(browser);
      const read = await browser.get('/api/me');
      expect(browser.setCookies).toEqual([]);
      expect(read.headers.get('cache-control')).toBeNull();
      const fresh = await browser.get('/resource/fresh');
      expect(fresh.status).toBe(200);
      expect(browser.setCookies.length).toBeGreaterThan(0);
      expect(fresh.headers.get('cache-control')).toBe('private, no-store');
      const own = await browser.get('/resource/fresh/cached');
      expect(own.status).toBe(200);
      expect(browser.setCookies.length).toBeGreaterThan(0);
      expect(own.headers.get('cache-control')).toBe('private, max-age=60');
    });
  }

  it('signs out: the session cookie is cleared and the browser goes to the end-session URL', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    const old = browser.cookieHeader() ?? '';
    const response = await browser.get('/sign-out');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(`${dev.issuer}/session/end`);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${server.origin}/`);
    expect(location.searchParams.get('client_id')).toBe(options.appId ?? '');
    expect(response.headers.getSetCookie().every((cookie) => /Max-Age=0/i.test(cookie))).toBe(true);
    expect(browser.cookies.size).toBe(0);
    expect((await browser.get('/api/me')).status).toBe(401);
    // A copy of the old cookie is refused at once: the Redis record is gone; a cookie session's
    // end is recorded in the process's revocation list.
    const replay = await fetch(`${server.origin}/api/me`, { headers: { cookie: old } });
    expect(replay.status).toBe(401);
    const state = await fetch(`${server.origin}/session-state`, { headers: { cookie: old } });
    expect(await json(state)).toMatchObject({
      isAuthenticated: false,
      clientIsAuthenticated: false,
    });
  });

  it('the sign-in route takes the query parameters the app allows as options, and protects the rest', async () => {
    await use({
      signInQueryParams: [
        'login_hint',
        'first_screen',
        'identifier',
        'direct_sign_in',
        'organization_id',
      ],
    });
    const browser = new Browser(server.origin);
    const hostile = new URLSearchParams({
      login_hint: 'alice',
      first_screen: 'register',
      identifier: 'email,username',
      direct_sign_in: 'social:github',
      organization_id: 'acme',
      client_id: 'evil-app',
      redirect_uri: 'https://evil.example/callback',
      scope: 'openid',
      resource: 'https://evil.example',
      state: 'chosen-state',
      nonce: 'chosen-nonce',
      code_challenge: 'chosen-challenge',
      prompt: 'none',
      ui_locales: 'fr',
    });
    const start = await browser.get(`/sign-in?${hostile}`);
    expect(start.status).toBe(302);
    const parameters = new URL(start.headers.get('location') ?? '').searchParams;
    expect(parameters.get('login_hint')).toBe('alice');
    expect(parameters.get('first_screen')).toBe('register');
    expect(parameters.get('identifier')).toBe('email username');
    expect(parameters.get('direct_sign_in')).toBe('social:github');
    expect(parameters.get('organization_id')).toBe('acme');
    expect(parameters.get('client_id')).toBe(options.appId);
    expect(parameters.get('redirect_uri')).toBe(`${server.origin}/callback`);
    expect(parameters.get('scope')?.split(' ')).toContain('offline_access');
    expect(parameters.getAll('resource')).toContain(api);
    expect(parameters.getAll('resource')).not.toContain('https://evil.example');
    for (const [name, chosen] of [
      ['state', 'chosen-state'],
      ['nonce', 'chosen-nonce'],
      ['code_challenge', 'chosen-challenge'],
      ['prompt', 'none'],
    ]) {
      expect(parameters.getAll(name ?? '')).toHaveLength(1);
      expect(parameters.get(name ?? '')).not.toBe(chosen);
    }
    expect(parameters.has('ui_locales')).toBe(false);
    // Logto accepts the request, and the sign-in completes.
    const { completeSignIn } = await import('logto-dev');
    const callbackUrl = await completeSignIn(start.headers.get('location') ?? '', {
      username: 'alice',
      password: 'alice-password',
    });
    expect((await browser.get(callbackUrl)).status).toBe(302);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('the sign-in route ignores sign-in query parameters the app did not allow, and values Logto would refuse', async () => {
    const browser = new Browser(server.origin);
    const plain = await browser.get('/sign-in?login_hint=alice&first_screen=register');
    const ignored = new URL(plain.headers.get('location') ?? '').searchParams;
    expect(ignored.has('login_hint')).toBe(false);
    expect(ignored.has('first_screen')).toBe(false);
    await use({ signInQueryParams: ['first_screen', 'identifier', 'direct_sign_in'] });
    const bad = await browser.get(
      '/sign-in?first_screen=home&identifier=passport&direct_sign_in=magic:x&login_hint=alice',
    );
    expect(bad.status).toBe(302);
    const parameters = new URL(bad.headers.get('location') ?? '').searchParams;
    for (const name of ['first_screen', 'identifier', 'direct_sign_in', 'login_hint']) {
      expect(parameters.has(name)).toBe(false);
    }
  });

  it('the signIn helper starts a sign-in with per-request options and brings the user back to returnTo', async () => {
    const browser = new Browser(server.origin);
    const start = await browser.get('/join?organization=globex');
    expect(start.status).toBe(302);
    const authorizationUrl = start.headers.get('location') ?? '';
    const parameters = new URL(authorizationUrl).searchParams;
    expect(parameters.get('organization_id')).toBe('globex');
    expect(parameters.get('first_screen')).toBe('register');
    const { completeSignIn } = await import('logto-dev');
    const callback = await browser.get(
      await completeSignIn(authorizationUrl, { username: 'alice', password: 'alice-password' }),
    );
    expect(callback.headers.get('location')).toBe('/protected');
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('signs out to a same-origin returnTo, and to the default for anything else', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    const response = await browser.get('/sign-out?returnTo=/goodbye');
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(new URL(location).searchParams.get('post_logout_redirect_uri')).toBe(
      `${server.origin}/goodbye`,
    );
    // Logto knows the URI: its end-session page answers with the confirmation form.
    expect((await fetch(location)).status).toBe(200);
    expect((await browser.get('/api/me')).status).toBe(401);
    for (const returnTo of ['https://evil.example/', '//evil.example/x']) {
      await signIn(browser);
      const away = await browser.get(`/sign-out?returnTo=${encodeURIComponent(returnTo)}`);
      expect(
        new URL(away.headers.get('location') ?? '').searchParams.get('post_logout_redirect_uri'),
      ).toBe(`${server.origin}/`);
    }
  });

  it('the signOut helper and postSignOutRedirectUri choose where Logto sends the browser', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    const helper = await browser.get('/leave?to=/goodbye');
    expect(
      new URL(helper.headers.get('location') ?? '').searchParams.get('post_logout_redirect_uri'),
    ).toBe(`${server.origin}/goodbye`);
    expect((await browser.get('/api/me')).status).toBe(401);
    await use({ postSignOutRedirectUri: '/goodbye' });
    await signIn(browser);
    const configured = await browser.get('/sign-out');
    expect(
      new URL(configured.headers.get('location') ?? '').searchParams.get(
        'post_logout_redirect_uri',
      ),
    ).toBe(`${server.origin}/goodbye`);
  });

  it('HEAD /sign-in, /sign-out and /callback (a prefetch) run nothing: the session stays signed in', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    dev.resetRequests();
    for (const path of ['/sign-in', '/sign-out', '/callback?code=x&state=y']) {
      const response = await browser.fetch(path, { method: 'HEAD' });
      expect(response.status, path).toBe(404);
      expect(browser.setCookies, path).toEqual([]);
    }
    expect(dev.requests).toEqual([]);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('keeps a signed-in session while a new sign-in is pending, and replaces it at the callback', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    // A cross-site link to /sign-in, never finished.
    const started = await browser.get('/sign-in');
    expect(started.status).toBe(302);
    expect(await json(await browser.get('/api/me'))).toMatchObject({ sub: 'user-alice' });
    expect((await browser.get('/resource')).status).toBe(200);
    // Finished as another user: that sign-in replaces the session.
    const callback = await signIn(browser, '/sign-in', 'bob');
    expect(callback.status).toBe(302);
    expect(await json(await browser.get('/api/me'))).toMatchObject({ sub: 'user-bob' });
  });

  it('keeps the whole query of returnTo, even unencoded', async () => {
    const browser = new Browser(server.origin);
    const callback = await signIn(browser, '/sign-in?returnTo=/protected?page=2');
    expect(callback.headers.get('location')).toBe('/protected?page=2');
  });

  it('a replayed or concurrent callback changes no cookie, so the sign-in that succeeded stays', async () => {
    const browser = new Browser(server.origin);
    const start = await browser.get('/sign-in');
    const pending = browser.cookieHeader() ?? '';
    const callbackUrl = await completeSignIn(start.headers.get('location') ?? '', {
      username: 'alice',
      password: 'alice-password',
    });
    expect((await browser.get(callbackUrl)).status).toBe(302);
    // The same callback with the pre-sign-in cookie, answered after the one that succeeded.
    const late = await fetch(callbackUrl, {
      headers: { cookie: pending, accept: 'application/json' },
      redirect: 'manual',
    });
    expect(late.status).toBe(400);
    expect(await json(late)).toMatchObject({ error: 'sign_in_session.not_found' });
    expect(late.headers.getSetCookie()).toEqual([]);
    // And replayed with the signed-in cookie (the back button).
    const replay = await browser.get(callbackUrl, 'application/json');
    expect(replay.status).toBe(400);
    expect(browser.setCookies).toEqual([]);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('treats a session whose refresh token Logto revoked as signed out: the guards redirect or 401, never 5xx', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    await revokeBrowserAtLogto(browser);
    const userInfo = await browser.get('/protected/userinfo');
    expect(userInfo.status).toBe(302);
    expect(userInfo.headers.get('location')).toBe(
      `/sign-in?returnTo=${encodeURIComponent('/protected/userinfo')}`,
    );
    expect((await browser.get('/api/me')).status).toBe(401);
    expect((await browser.get('/protected')).status).toBe(302);
  });

  it('a route that needs a token of a revoked session fails once with token.invalid_grant, then the session is signed out', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    await revokeBrowserAtLogto(browser);
    const resource = await browser.get('/resource');
    // Behind a middleware guard (Express, Fastify) the app's error handler gets the error; the Web
    // guard wraps the handler and Hono's runs around it, so they answer as for anyone signed out.
    expect(await json(resource)).toEqual({
      error:
        adapter.name === 'web' || adapter.name === 'hono'
          ? 'not_authenticated'
          : 'token.invalid_grant',
    });
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  it('a guarded handler whose refresh Logto refuses answers as signed out, with the session cleared', async () => {
    const browser = new Browser(server.origin);
    await signIn(browser);
    await revokeBrowserAtLogto(browser);
    const response = await browser.get('/guard/fresh');
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: 'not_authenticated' });
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  it('refuses returnTo values that would leave the app (no open redirect)', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const browser = new Browser(server.origin);
      const callback = await signIn(browser, `/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      expect(callback.headers.get('location')).toBe('/');
    }
  });

  it('answers a callback without a pending sign-in with 400 and the error code, no stack trace', async () => {
    const browser = new Browser(server.origin);
    const html = await browser.get('/callback?code=abc&state=xyz');
    expect(html.status).toBe(400);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const text = await html.text();
    expect(text).toContain('sign_in_session.not_found');
    noStackTrace(text);
    const asJson = await browser.get('/callback?code=abc&state=xyz', 'application/json');
    expect(asJson.status).toBe(400);
    expect(await json(asJson)).toMatchObject({ error: 'sign_in_session.not_found' });
  });

  it('answers a forged state with 400 callback.state_mismatch, and a provider error with callback.error_response', async () => {
    const browser = new Browser(server.origin);
    await browser.get('/sign-in');
    const forged = await browser.get('/callback?code=abc&state=forged', 'application/json');
    expect(forged.status).toBe(400);
    expect(await json(forged)).toMatchObject({ error: 'callback.state_mismatch' });
    const start = await browser.get('/sign-in');
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const refused = await browser.get(
      `/callback?error=access_denied&error_description=no&state=${state}&iss=${encodeURIComponent(dev.issuer)}`,
      'application/json',
    );
    expect(refused.status).toBe(400);
    expect(await json(refused)).toMatchObject({ error: 'callback.error_response' });
  });

  it("renders a failed callback with the app's onError page, keeping the session's Set-Cookie", async () => {
    const seen: string[] = [];
    await use({
      onError: (error, request) => {
        seen.push(`${request.route} ${request.status} ${new URL(request.url).pathname}`);
        return new Response(`<p>My page: ${error.code}</p>`, {
          status: request.status,
          headers: { 'content-type': 'text/html; charset=utf-8', 'x-app': 'mine' },
        });
      },
    });
    const browser = new Browser(server.origin);
    const start = await browser.get('/sign-in');
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const refused = await browser.get(
      `/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(dev.issuer)}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-app')).toBe('mine');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await refused.text()).toBe('<p>My page: callback.error_response</p>');
    // The consumed sign-in session was written away with the app's page.
    expect(browser.setCookies.length).toBeGreaterThan(0);
    expect(seen).toEqual(['callback 400 /callback']);
    // The sign-in it ended cannot be replayed.
    const again = await browser.get(`/callback?code=x&state=${state}`);
    expect(await again.text()).toBe('<p>My page: sign_in_session.not_found</p>');
  });

  it('sends the default page, styled and linking home, when onError returns undefined or throws', async () => {
    for (const onError of [() => undefined, () => Promise.reject(new Error('template broke'))]) {
      await use({ onError });
      const page = await new Browser(server.origin).get('/callback?code=abc&state=xyz');
      expect(page.status).toBe(400);
      const text = await page.text();
      expect(text).toContain('sign_in_session.not_found');
      expect(text).toContain('<style>');
      expect(text).toContain('<a href="/">');
    }
  });

  it('names the requested resource when Logto refuses the sign-in with invalid_target', async () => {
    await use({ resources: ['https://missing.example.com'] });
    const browser = new Browser(server.origin);
    const start = await browser.get('/sign-in');
    const back = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    const page = await browser.get(back.headers.get('location') ?? '', 'application/json');
    expect(page.status).toBe(400);
    const body = await json(page);
    expect(body).toMatchObject({ error: 'callback.error_response' });
    expect(body.message).toContain('https://missing.example.com');
    expect(body.hint).toContain('Register each API resource');
  });

  it('answers the sign-in route with 502 naming provider.unreachable when Logto is down', async () => {
    await use({ endpoint: await unusedEndpoint() });
    const browser = new Browser(server.origin);
    const page = await browser.get('/sign-in');
    expect(page.status).toBe(502);
    const text = await page.text();
    expect(text).toContain('provider.unreachable');
    noStackTrace(text);
    const asJson = await browser.get('/sign-in', 'application/json');
    expect(await json(asJson)).toMatchObject({ error: 'provider.unreachable' });
  });

  if (store === 'cookie') {
    it('treats tampered, truncated and foreign cookies as signed out, without crashing', async () => {
      const browser = new Browser(server.origin);
      await signIn(browser);
      const value = browser.cookies.get('logto_session') ?? '';
      expect(value).not.toBe('');
      const foreignSession = await createCookieSessionStore({
        secret: otherSecret,
        logger: { warn() {} },
      }).load(undefined, { secure: false });
      await foreignSession.setItem('idToken', 'x.y.z');
      const foreign = (await foreignSession.commit())[0]?.split(';')[0]?.split('=')[1] ?? '';
      const flipped = `${value.slice(0, -5)}${value.at(-5) === 'A' ? 'B' : 'A'}${value.slice(-4)}`;
      for (const bad of [flipped, value.slice(0, value.length / 2), foreign, 'garbage']) {
        const response = await fetch(`${server.origin}/api/me`, {
          headers: { cookie: `logto_session=${bad}` },
        });
        expect(response.status).toBe(401);
      }
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('takes cookie options next to the secret: name, SameSite and lifetimes', async () => {
      await use({
        cookie: {
          name: 'app_session',
          sameSite: 'strict',
          rollingDuration: 1800,
          absoluteDuration: 3600,
        },
      });
      const browser = new Browser(server.origin);
      const callback = await signIn(browser);
      const cookies = callback.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) {
        expect(cookie).toMatch(/^app_session(\.\d+)?=/);
        expect(cookie).toMatch(/; SameSite=Strict/i);
        const maxAge = Number(/; Max-Age=(\d+)/i.exec(cookie)?.[1]);
        expect(maxAge).toBeGreaterThan(1700);
        expect(maxAge).toBeLessThanOrEqual(1800);
      }
      expect((await browser.get('/api/me')).status).toBe(200);
    });

    it('keeps sessions across a secret rotation (new secret first), and drops them when the old secret goes', async () => {
      const browser = new Browser(server.origin);
      await signIn(browser);
      await use({ secret: [otherSecret, secret] });
      expect((await browser.get('/api/me')).status).toBe(200);
      await use({ secret: otherSecret });
      expect((await browser.get('/api/me')).status).toBe(401);
    });

    it('chunks a session with 6 cached tokens into cookies of at most 4096 bytes, and it still works', async () => {
      const browser = new Browser(server.origin);
      await signIn(browser);
      const response = await browser.get('/tokens');
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({ tokens: 6 });
      expect(browser.setCookies.length).toBeGreaterThan(1);
      for (const cookie of browser.setCookies) {
        expect(Buffer.byteLength(cookie)).toBeLessThanOrEqual(4096);
      }
      dev.resetRequests();
      expect((await browser.get('/tokens')).status).toBe(200);
      expect((await browser.get('/api/me')).status).toBe(200);
      expect(dev.requests.filter((request) => request.path === '/oidc/token')).toEqual([]);
    });
  }

  if (store === 'redis') {
    it('answers 503 from the guard when the session store is down, and recovers', async () => {
      const browser = new Browser(server.origin);
      await signIn(browser);
      const broken = createClient({ url: inject('redisUrl') });
      await broken.connect();
      await use({
        session: createRedisSessionStore({
          client: broken,
          prefix: `adapters:${adapter.name}:`,
          logger: { warn() {} },
        }),
      });
      await broken.quit();
      const down = await browser.get('/api/me');
      expect(down.status).toBe(503);
      expect(await json(down)).toMatchObject({ error: 'session_unavailable' });
      await use();
      expect((await browser.get('/api/me')).status).toBe(200);
    });
  }
});
