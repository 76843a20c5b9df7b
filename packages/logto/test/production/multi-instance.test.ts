/**
 * Refresh across instances: two app processes share one Redis and one signed-in session whose
 * API access token has expired; logto-dev rotates refresh tokens strictly (a reused refresh token
 * revokes the whole grant). Concurrent requests on both instances must spend the refresh token
 * exactly once, and the session must survive.
 */
import { demoConfig, type LogtoDev, startLogtoDev } from 'logto-dev';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type HandlerContext, respond, startHostileProvider } from '../support/hostile-provider.js';
import { type AppProcess, demoApp, Jar, signInThroughApp, startTwoInstances } from './support.js';

const api = 'https://api.example.com';
/** The API token lifetime in this test (seconds): short, so that the test can wait it out. */
const accessTokenTtl = 6;

let dev: LogtoDev;
const apps: AppProcess[] = [];

beforeAll(async () => {
  const config = demoConfig();
  for (const resource of config.resources) {
    if (resource.indicator === api) resource.accessTokenTtl = accessTokenTtl;
  }
  dev = await startLogtoDev({ port: 0, config, refreshTokenRotation: 'strict' });
  apps.push(...(await startTwoInstances(dev.endpoint, { REDIS_URL: inject('redisUrl') })));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await dev?.stop();
});

const refreshGrants = () => dev.requests.filter((request) => request.grantType === 'refresh_token');

const get = async (jar: Jar, url: string) => {
  const response = await jar.fetch(url);
  return { status: response.status, body: await response.text() };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two app processes sharing one Redis (strict refresh-token rotation)', () => {
  it('25 concurrent requests on each instance for an expired access token: one refresh grant, no failure, the session survives', async () => {
    const [first, second] = apps;
    if (!first || !second) throw new Error('two app processes expected');
    const jar = await signInThroughApp(first.url);
    // The first API token (one refresh grant), then let it expire for real.
    expect((await get(jar, `${second.url}/token`)).status).toBe(200);
    await sleep(accessTokenTtl * 1000 + 500);
    dev.resetRequests();

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        get(jar, `${(index % 2 === 0 ? first : second).url}/token`),
      ),
    );

    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    expect(refreshGrants()).toHaveLength(1);
    expect(refreshGrants()[0]?.status).toBe(200);
    // Everyone got the one new token.
    expect(new Set(results.map((result) => JSON.parse(result.body).token)).size).toBe(1);

    // Still signed in on both instances.
    expect((await get(jar, `${first.url}/me`)).status).toBe(200);
    expect((await get(jar, `${second.url}/me`)).status).toBe(200);

    // The refresh token now in Redis is the live one: logto-dev accepts it (a spent one would
    // be rejected, and would revoke the grant).
    const redis = await createClient({ url: inject('redisUrl') }).connect();
    try {
      const id = jar.cookies.get('logto_session') ?? '';
      const record = JSON.parse((await redis.get(`logto:session:${id}`)) ?? '{}') as {
        data?: { refreshToken?: string };
      };
      const refreshToken = record.data?.refreshToken ?? '';
      expect(refreshToken).not.toBe('');
      const response = await fetch(`${dev.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${demoApp.id}:${demoApp.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          resource: api,
        }),
      });
      expect(response.status).toBe(200);
    } finally {
      await redis.close();
    }

    for (const app of apps) expect((await app.stats()).unhandled).toEqual([]);
  });

  it('concurrent requests for three different tokens on both instances: one grant each, none lost', async () => {
    const [first, second] = apps;
    if (!first || !second) throw new Error('two app processes expected');
    const jar = await signInThroughApp(first.url);
    dev.resetRequests();
    const paths = ['/token', '/org-token?org=acme', '/org-token?org=globex'];

    const results = await Promise.all(
      Array.from({ length: 48 }, (_, index) =>
        get(jar, `${(index % 2 === 0 ? first : second).url}${paths[index % 3]}`),
      ),
    );

    expect(results.filter((result) => result.status !== 200)).toEqual([]);
    expect(refreshGrants()).toHaveLength(3);
    expect(refreshGrants().every((grant) => grant.status === 200)).toBe(true);
    // Every token the requests stored is still in the session: no request overwrote another's.
    dev.resetRequests();
    for (const path of paths) expect((await get(jar, `${second.url}${path}`)).status).toBe(200);
    expect(refreshGrants()).toHaveLength(0);
  });
});

/** A plain successful refresh response of the hostile provider. */
const refreshed = async (context: HandlerContext) =>
  respond.json({
    access_token: `at-${Math.random().toString(36).slice(2)}`,
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: `rt-${Math.random().toString(36).slice(2)}`,
    id_token: await context.provider.signIdToken(context.provider.idTokenOptions),
  })(context);

describe('an instance that crashes while it holds the refresh lock', () => {
  it('does not block the session: another instance refreshes once the lock expires', async () => {
    const provider = await startHostileProvider({ clientId: demoApp.id });
    let refreshes = 0;
    const [doomed, survivor] = await startTwoInstances(provider.endpoint, {
      REDIS_URL: inject('redisUrl'),
      LOCK_TTL: '2000',
    });
    try {
      const jar = await signInThroughApp(doomed.url, 'alice', new Jar(), async (url) => {
        const authorization = await fetch(url, { redirect: 'manual' });
        return authorization.headers.get('location') ?? '';
      });
      // The first refresh hangs (its instance dies meanwhile); later ones are answered.
      provider.handle('token', (context) => {
        if (context.recorded.form.get('grant_type') === 'refresh_token' && ++refreshes === 1)
          return;
        return refreshed(context);
      });
      const hanging = jar.fetch(`${doomed.url}/token`).catch(() => undefined);
      while (refreshes === 0) await sleep(20);
      await doomed.kill();
      await hanging;

      const response = await get(jar, `${survivor.url}/token`);
      expect(response.status, response.body).toBe(200);
      // The dead instance's grant never completed; the survivor made the only other one.
      expect(refreshes).toBe(2);
    } finally {
      await Promise.all([doomed.stop(), survivor.stop()]);
      await provider.close();
    }
  });
});
