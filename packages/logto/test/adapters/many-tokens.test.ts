/**
 * A session never locks its user out: one user with tokens for 20 API resources and 6
 * organizations, through a real Node HTTP server (Express), keeps a `Cookie` header within 8 KiB
 * (Node answers 431 past 16 KiB, common proxies past 8 KiB), every request answers 200, evicted
 * tokens are fetched again, and sign-out works.
 */
import express from 'express';
import { completeSignIn, demoConfig, type LogtoDev, startLogtoDev } from 'logto-dev';
import { authenticated, logto } from 'logto-ts/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from './apps.js';
import { Browser } from './browser.js';
import { secret } from './spec-support.js';

const resources = Array.from({ length: 20 }, (_, index) => `https://api-${index}.example.com`);
const organizations = Array.from({ length: 6 }, (_, index) => `org-${index}`);

let server: AppServer;
let dev: LogtoDev;

beforeAll(async () => {
  server = await startAppServer();
  const config = demoConfig();
  const [app] = config.applications;
  if (!app) throw new Error('the demo config has no application');
  app.redirectUris = [`${server.origin}/callback`];
  app.postLogoutRedirectUris = [`${server.origin}/`];
  config.resources.push(
    ...resources.map((indicator) => ({ indicator, scopes: ['read:data'], accessTokenTtl: 3600 })),
  );
  config.roles.push({
    name: 'reader-of-everything',
    scopes: resources.map((resource) => ({ resource, scope: 'read:data' })),
  });
  config.users.find((user) => user.id === 'user-alice')?.roles?.push('reader-of-everything');
  config.organizations.push(
    ...organizations.map((id) => ({
      id,
      name: `Organization ${id}`,
      members: [{ userId: 'user-alice', roles: ['member'] }],
    })),
  );
  dev = await startLogtoDev({ port: 0, config });

  const application = express();
  application.use(
    logto({
      endpoint: dev.endpoint,
      appId: app.id,
      appSecret: app.secret,
      baseUrl: server.origin,
      secret,
      resources,
      scopes: ['read:data', 'urn:logto:scope:organizations', 'read:members'],
      logger: { warn() {} },
    }),
  );
  application.get('/resource', authenticated(), (req, res, next) => {
    req.logto.client
      .getAccessTokenClaims(String(req.query.indicator))
      .then((claims) => res.json({ aud: claims.aud }), next);
  });
  application.get('/organization', authenticated(), (req, res, next) => {
    req.logto.client
      .getOrganizationTokenClaims(String(req.query.id))
      .then((claims) => res.json({ aud: claims.aud }), next);
  });
  application.get('/me', authenticated(), (req, res) => {
    res.json({ sub: req.logto.user?.sub });
  });
  server.use(application as unknown as Parameters<AppServer['use']>[0]);
});

afterAll(async () => {
  await server?.close();
  await dev?.stop();
});

/** Token grants logto-dev served since the last reset. */
const tokenGrants = () => dev.requests.filter((request) => request.path === '/oidc/token').length;

describe('a user with tokens for 20 resources and 6 organizations', () => {
  it('keeps the Cookie header within 8 KiB on every request, refetches evicted tokens, and signs out', async () => {
    const browser = new Browser(server.origin);
    const start = await browser.get('/sign-in');
    const callback = await browser.get(
      await completeSignIn(start.headers.get('location') ?? '', {
        username: 'alice',
        password: 'alice-password',
      }),
    );
    expect(callback.status).toBe(302);

    const paths = [
      ...resources.map((indicator) => `/resource?indicator=${encodeURIComponent(indicator)}`),
      ...organizations.map((id) => `/organization?id=${id}`),
    ];
    const expectedAudience = (path: string) =>
      path.startsWith('/resource')
        ? new URL(path, server.origin).searchParams.get('indicator')
        : `urn:logto:organization:${new URL(path, server.origin).searchParams.get('id')}`;
    let largest = 0;
    // Twice round: the second round needs tokens that the first had to evict.
    for (const path of [...paths, ...paths]) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(200);
      expect(((await response.json()) as { aud: string }).aud).toBe(expectedAudience(path));
      largest = Math.max(largest, Buffer.byteLength(browser.cookieHeader() ?? ''));
      expect(largest, path).toBeLessThanOrEqual(8192);
    }
    expect(largest).toBeGreaterThan(4096);

    // The token used last is still cached; the least recently used one was evicted.
    dev.resetRequests();
    expect((await browser.get(paths.at(-1) ?? '')).status).toBe(200);
    expect(tokenGrants()).toBe(0);
    expect((await browser.get(paths[0] ?? '')).status).toBe(200);
    expect(tokenGrants()).toBe(1);

    expect((await browser.get('/me')).status).toBe(200);
    const signOut = await browser.get('/sign-out');
    expect(signOut.status).toBe(302);
    expect(browser.cookies.size).toBe(0);
    expect((await browser.get('/me')).status).toBe(401);
  });
});
