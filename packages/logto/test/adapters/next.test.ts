/**
 * `logto-ts/next` against a real logto-dev that revokes a grant whose spent refresh token is used
 * again ('strict' rotation), so that a second grant with one refresh token cannot go unnoticed.
 * Requests are `Request` objects handed to the adapter in this process, as Next.js does; renders
 * are contexts over a `Cookie` header, as `getContext()` builds them from `cookies()`.
 */
import { completeSignIn, type LogtoDev, startLogtoDev } from 'logto-dev';
import { createLogto, returnToHeader } from 'logto-ts/next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogtoCore, type LogtoAdapterOptions } from '../../src/adapters/core/index.js';
import { serverRequest } from '../../src/adapters/next/server-request.js';
import { applySetCookies, parseSetCookie } from '../../src/adapters/next/set-cookie.js';
import { createCookieSessionStore } from '../../src/session/cookie-store.js';
import { refreshGrants } from '../client/support.js';

const api = 'https://api.example.com';

import { adapterOptions, secret } from './spec-support.js';

const origin = 'http://localhost:3000';
let dev: LogtoDev;
let options: LogtoAdapterOptions;

beforeAll(async () => {
  const { demoConfig } = await import('logto-dev');
  const config = demoConfig();
  const [app] = config.applications;
  if (!app) throw new Error('the demo config has no application');
  app.redirectUris = [`${origin}/callback`];
  app.postLogoutRedirectUris = [`${origin}/`];
  dev = await startLogtoDev({ port: 0, config, refreshTokenRotation: 'strict' });
  options = adapterOptions(dev, origin);
});
afterAll(() => dev?.stop());

/** A browser's cookies as a `Cookie` header, updated from each response. */
class Jar {
  header = '';
  take(response: Response): Response {
    this.header = applySetCookies(this.header, response.headers.getSetCookie());
    return response;
  }
  request(path: string, init: RequestInit = {}): Request {
    const headers = new Headers(init.headers);
    if (this.header !== '') headers.set('cookie', this.header);
    return new Request(new URL(path, origin), { ...init, headers });
  }
}

/** Signs alice in through the route handlers; returns her cookies. */
const signIn = async (logto = createLogto(options), path = '/sign-in'): Promise<Jar> => {
  const jar = new Jar();
  const start = jar.take(await logto.handlers.GET(jar.request(path)));
  expect(start.status).toBe(302);
  const callbackUrl = await completeSignIn(start.headers.get('location') ?? '', {
    username: 'alice',
    password: 'alice-password',
  });
  const callback = jar.take(await logto.handlers.GET(jar.request(callbackUrl)));
  expect(callback.status).toBe(302);
  return jar;
};

/** A render's context over `cookieHeader`, exactly as `getContext()` builds it. */
const render = (cookieHeader: string, path = '/') =>
  createLogtoCore(options).context(serverRequest(cookieHeader, path));

/** `cookieHeader` with every cached access token of its session marked expired. */
const withExpiredTokens = async (cookieHeader: string): Promise<string> => {
  const store = createCookieSessionStore({ secret, logger: { warn() {} } });
  const session = await store.load(cookieHeader, { secure: false });
  const map = JSON.parse((await session.getItem('accessTokenMap')) ?? '{}') as Record<
    string,
    { expiresAt: number }
  >;
  expect(Object.keys(map).length).toBeGreaterThan(0);
  for (const entry of Object.values(map)) entry.expiresAt = Math.floor(Date.now() / 1000) - 1;
  await session.setItem('accessTokenMap', JSON.stringify(map));
  return applySetCookies(cookieHeader, await session.commit());
};

/** Signs in and caches an API token and an organization token in the cookie, then expires them. */
const expiredSession = async (): Promise<string> => {
  const logto = createLogto(options);
  const jar = await signIn(logto);
  const response = await logto.withLogto(jar.request('/warm-up'), async (context) => {
    await context.client.getAccessToken(api);
    await context.client.getOrganizationToken('acme');
    return new Response('ok');
  });
  jar.take(response);
  return withExpiredTokens(jar.header);
};

describe('logto-ts/next', () => {
  it('serves sign-in and callback as route handlers, and answers 404 for other paths', async () => {
    const logto = createLogto(options);
    const jar = await signIn(logto, `/sign-in?returnTo=${encodeURIComponent('/protected?x=1')}`);
    const claims = await render(jar.header).getSignedInClaims();
    expect(claims?.sub).toBe('user-alice');
    expect((await logto.handlers.GET(jar.request('/elsewhere'))).status).toBe(404);
    expect((await logto.handlers.POST(jar.request('/sign-in', { method: 'POST' }))).status).toBe(
      404,
    );
  });

  it('concurrent renders with an expired token make exactly one refresh grant, and write nothing', async () => {
    const cookieHeader = await expiredSession();
    dev.resetRequests();
    const renders = Array.from({ length: 20 }, () => render(cookieHeader));
    const tokens = await Promise.all(renders.map((context) => context.client.getAccessToken(api)));
    expect(new Set(tokens).size).toBe(1);
    // With 'strict' rotation a second grant with the same refresh token would be refused (400).
    expect(refreshGrants(dev, 200)).toHaveLength(1);
    expect(refreshGrants(dev, 400)).toHaveLength(0);
    // Nothing is committed by a render: the session is still the one the cookies carry.
    for (const context of renders) expect(context.committed).toBe(false);
    // A later render still holds the spent refresh token: it adopts the rotated one from the
    // process's memory of the grant instead of spending it again (which would revoke the grant).
    dev.resetRequests();
    expect(await render(cookieHeader).client.getOrganizationToken('acme')).toEqual(
      expect.any(String),
    );
    expect(refreshGrants(dev, 200)).toHaveLength(1);
    expect(refreshGrants(dev, 400)).toHaveLength(0);
  });

  it('the proxy refreshes what is due, writes the cookies, and hands them to the render', async () => {
    const logto = createLogto(options);
    const cookieHeader = await expiredSession();
    dev.resetRequests();
    const response = await logto.proxy(
      new Request(`${origin}/protected/resource?_rsc=abc&tab=1`, {
        headers: { cookie: cookieHeader },
      }),
    );
    expect(response.headers.get('x-middleware-next')).toBe('1');
    // Every cached token was due: the userinfo token of the sign-in, the API and organization tokens.
    expect(refreshGrants(dev, 200)).toHaveLength(3);
    expect(refreshGrants(dev, 400)).toHaveLength(0);
    const setCookies = response.headers.getSetCookie();
    expect(setCookies.length).toBeGreaterThan(0);
    for (const cookie of setCookies) expect(parseSetCookie(cookie)?.httpOnly).toBe(true);
    // The render sees the refreshed session through the overridden Cookie header...
    const renderedCookies = response.headers.get('x-middleware-request-cookie') ?? '';
    expect(renderedCookies).toBe(applySetCookies(cookieHeader, setCookies));
    expect(response.headers.get(`x-middleware-request-${returnToHeader}`)).toBe(
      '/protected/resource?tab=1',
    );
    // ...and needs no provider call at all.
    dev.resetRequests();
    const context = render(renderedCookies);
    await context.client.getAccessToken(api);
    await context.client.getOrganizationToken('acme');
    expect(dev.requests).toEqual([]);
  });

  it('the proxy leaves anonymous requests, fresh sessions and the auth routes alone', async () => {
    const logto = createLogto(options);
    const anonymous = await logto.proxy(new Request(`${origin}/`));
    expect(anonymous.headers.getSetCookie()).toEqual([]);
    expect(anonymous.headers.get('x-middleware-request-cookie')).toBeNull();

    const jar = await signIn(logto);
    dev.resetRequests();
    const fresh = await logto.proxy(jar.request('/protected'));
    expect(fresh.headers.getSetCookie()).toEqual([]);
    expect(dev.requests).toEqual([]);

    const callback = await logto.proxy(jar.request('/callback?code=x&state=y'));
    expect(callback.headers.get('x-middleware-next')).toBe('1');
    expect(callback.headers.get(`x-middleware-request-${returnToHeader}`)).toBeNull();
  });

  it('the proxy passes a page through when the refresh token was revoked, and the render sees a signed-out session', async () => {
    const logto = createLogto(options);
    const cookieHeader = await expiredSession();
    // Spend the refresh token elsewhere, then reuse it: 'strict' rotation revokes the grant.
    const session = await createCookieSessionStore({ secret }).load(cookieHeader, {
      secure: false,
    });
    const refreshToken = (await session.getItem('refreshToken')) ?? '';
    const app = dev.config.applications[0];
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const basic = Buffer.from(`${app?.id}:${app?.secret}`).toString('base64');
    for (let i = 0; i < 2; i++) {
      await fetch(`${dev.endpoint}/oidc/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        body,
      });
    }
    const response = await logto.proxy(
      new Request(`${origin}/`, { headers: { cookie: cookieHeader } }),
    );
    expect(response.headers.get('x-middleware-next')).toBe('1');
    await expect(render(cookieHeader).client.getAccessToken(api)).rejects.toMatchObject({
      code: 'token.invalid_grant',
    });
  });
});

describe('createLogto options', () => {
  it('checks options given as an object at once, and options given as a function at first use', async () => {
    expect(() => createLogto({ ...options, secret: 'short' })).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    );
    let calls = 0;
    const lazy = createLogto(() => {
      calls += 1;
      return { ...options, secret: 'short' };
    });
    expect(calls).toBe(0);
    await expect(lazy.handlers.GET(new Request(`${origin}/sign-in`))).rejects.toMatchObject({
      code: 'config.invalid',
    });
  });
});

describe('set-cookie', () => {
  it('applies set and deleted cookies to a Cookie header, keeping the others in place', () => {
    expect(
      applySetCookies('a=1; logto_session.0=old0; logto_session.1=old1; b=2', [
        'logto_session=new; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax',
        'logto_session.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
        'logto_session.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      ]),
    ).toBe('a=1; b=2; logto_session=new');
  });

  it("parses the stores' Set-Cookie values into cookies().set() options", () => {
    expect(
      parseSetCookie(
        'logto_session=abc; Max-Age=60; Path=/app; Domain=example.com; HttpOnly; Secure; SameSite=Strict',
      ),
    ).toEqual({
      name: 'logto_session',
      value: 'abc',
      maxAge: 60,
      path: '/app',
      domain: 'example.com',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
    });
    expect(parseSetCookie('=nameless')).toBeUndefined();
  });
});
