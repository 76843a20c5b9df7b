/**
 * The Redis session store on a real 3-node Redis Cluster, through node-redis `createCluster()` and
 * ioredis `Cluster`: two app processes sign in, refresh under a race, sign out, and take
 * back-channel logouts by `sid` and by `sub`, while the session, its lock, the `sid:`/`sub:`
 * indexes and the `jti` claims land on different nodes. A master restarted mid-test makes the store
 * answer 503 until it is back, and the session written before it went down survives.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisCluster,
  redisCli,
  startRedisCluster,
} from '../../../../test/support/redis-cluster.js';
import { type HostileProvider, startHostileProvider } from '../support/hostile-provider.js';
import { postLogoutToken, type RelayedLogto, startRelayedLogto } from './fixtures/logout-relay.js';
import { type AppProcess, demoApp, Jar, signInThroughApp, startTwoInstances } from './support.js';

const api = 'https://api.example.com';
/** The API token lifetime in this test (seconds): short, so that the race test can wait it out. */
const accessTokenTtl = 3;
const clients = [{ client: 'node-redis' }, { client: 'ioredis' }] as const;

let cluster: RedisCluster | undefined;
/** logto-dev, its back-channel logouts relayed to the first instance under test. */
let logto: RelayedLogto | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  cluster = await startRedisCluster({ name: 'logto-cluster-test-' });
  logto = await startRelayedLogto({
    refreshTokenRotation: 'strict',
    configure: (config) => {
      for (const resource of config.resources) {
        if (resource.indicator === api) resource.accessTokenTtl = accessTokenTtl;
      }
    },
  });
}, 120_000);

afterAll(async () => {
  // Every part is stopped even when another fails to.
  await Promise.allSettled([cluster?.dispose(), logto?.stop()]);
});

const get = async (jar: Jar, url: string) => {
  const response = await jar.fetch(url);
  return { status: response.status, body: await response.text() };
};

const sessionKey = (jar: Jar) => `logto:session:${jar.cookies.get('logto_session') ?? ''}`;

/** Whether `key` exists, asked of the master that serves it. */
const exists = async (key: string) => {
  const node = await (cluster as RedisCluster).nodeOf(key);
  return (await redisCli(node.port, 'EXISTS', key)).trim() === '1';
};

describe.each(clients)(
  'two app instances on a 3-node Redis Cluster through $client',
  ({ client }) => {
    const apps: AppProcess[] = [];

    beforeAll(async () => {
      if (!cluster || !logto) throw new Error('the cluster and logto-dev did not start');
      apps.push(
        ...(await startTwoInstances(logto.dev.endpoint, {
          REDIS_CLUSTER_URLS: cluster.urls.join(','),
          REDIS_CLIENT: client,
        })),
      );
      logto.target = apps[0]?.url ?? '';
    }, 120_000);

    afterAll(async () => {
      await Promise.allSettled(apps.map((app) => app.stop()));
    });

    const instances = () => {
      const [first, second] = apps;
      if (!first || !second) throw new Error('two app processes expected');
      return { first, second };
    };

    it('a session signed in on one instance is read on the other; sign-out ends it on both', async () => {
      const { first, second } = instances();
      const jar = await signInThroughApp(first.url);
      const me = await get(jar, `${second.url}/me`);
      expect(me.status, me.body).toBe(200);
      expect(JSON.parse(me.body)).toMatchObject({ sub: expect.any(String) });
      expect(await exists(sessionKey(jar))).toBe(true);

      const key = sessionKey(jar);
      expect((await jar.fetch(`${second.url}/sign-out`)).status).toBe(302);
      expect(await exists(key)).toBe(false);
      expect((await get(jar, `${first.url}/me`)).status).toBe(401);
    });

    it('20 concurrent requests on each instance for an expired access token make one refresh grant', async () => {
      const { first, second } = instances();
      const jar = await signInThroughApp(first.url);
      expect((await get(jar, `${second.url}/token`)).status).toBe(200);
      await sleep(accessTokenTtl * 1000 + 300);
      logto?.dev.resetRequests();

      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          get(jar, `${(index % 2 === 0 ? first : second).url}/token`),
        ),
      );

      expect(results.filter((result) => result.status !== 200)).toEqual([]);
      const grants =
        logto?.dev.requests.filter((request) => request.grantType === 'refresh_token') ?? [];
      expect(grants.map((grant) => grant.status)).toEqual([200]);
      expect(new Set(results.map((result) => JSON.parse(result.body).token)).size).toBe(1);
      expect((await get(jar, `${second.url}/me`)).status).toBe(200);
    });

    it('back-channel logout by sid ends the session on every instance, leaves the others, and refuses a replay', async () => {
      const { first, second } = instances();
      const { received, signIn, signOut } = logto as RelayedLogto;
      const alice = await signIn(first.url, 'alice');
      const bob = await signIn(first.url, 'bob');
      received.length = 0;

      await signOut(alice);

      expect(received).toHaveLength(1);
      expect((await get(alice.jar, `${second.url}/me`)).status).toBe(401);
      expect((await get(bob.jar, `${second.url}/me`)).status).toBe(200);
      // The jti was claimed on the cluster: another instance refuses the same token.
      const replay = await postLogoutToken(second.url, received[0] ?? '');
      expect(replay.status).toBe(400);
    });

    it('a master restarted mid-run: 503 while it is down, then the session written before is back', async () => {
      const { first, second } = instances();
      const jar = await signInThroughApp(first.url);
      const node = await (cluster as RedisCluster).nodeOf(sessionKey(jar));

      await node.kill();
      let down: Awaited<ReturnType<typeof get>>;
      try {
        down = await get(jar, `${second.url}/me`);
      } finally {
        await node.start();
      }
      expect(down.status, down.body).toBe(503);
      await cluster?.waitUntilHealthy();
      const statuses = new Set<number>();
      let last = down;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        last = await get(jar, `${(statuses.size % 2 === 0 ? first : second).url}/me`);
        statuses.add(last.status);
        if (last.status === 200) break;
        await sleep(100);
      }
      expect(last.status, last.body).toBe(200);
      // While it recovered, the store answered 503 or the session, never anything else.
      expect([...statuses].filter((status) => status !== 200 && status !== 503)).toEqual([]);
      expect((await get(jar, `${first.url}/me`)).status).toBe(200);
      expect((await get(jar, `${second.url}/me`)).status).toBe(200);
      for (const app of apps) expect((await app.stats()).unhandled).toEqual([]);
    });
  },
);

describe('back-channel logout by sub on a 3-node Redis Cluster', () => {
  let provider: HostileProvider;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    provider = await startHostileProvider({ clientId: demoApp.id });
    apps.push(
      ...(await startTwoInstances(provider.endpoint, {
        REDIS_CLUSTER_URLS: (cluster as RedisCluster).urls.join(','),
      })),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([...apps.map((app) => app.stop()), provider?.close()]);
  });

  it('a logout token naming only the user ends every session of that user, on every instance', async () => {
    const [first, second] = apps;
    if (!first || !second) throw new Error('two app processes expected');
    const signIn = async (sub: string, appUrl: string) => {
      provider.idTokenOptions = { claims: { sub } };
      return signInThroughApp(appUrl, sub, new Jar(), async (url) => {
        const authorization = await fetch(url, { redirect: 'manual' });
        return authorization.headers.get('location') ?? '';
      });
    };
    const sub = `user-${randomUUID()}`;
    const laptop = await signIn(sub, first.url);
    const phone = await signIn(sub, second.url);
    const other = await signIn(`other-${randomUUID()}`, first.url);
    for (const jar of [laptop, phone, other]) {
      expect((await get(jar, `${second.url}/me`)).status).toBe(200);
    }

    const logoutToken = await provider.signIdToken({
      header: { typ: 'logout+jwt' },
      claims: {
        sub,
        jti: randomUUID(),
        events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
      },
      omit: ['exp', 'nonce', 'sid'],
    });
    const response = await postLogoutToken(first.url, logoutToken);
    expect(response.status).toBe(200);

    expect((await get(laptop, `${second.url}/me`)).status).toBe(401);
    expect((await get(phone, `${first.url}/me`)).status).toBe(401);
    expect((await get(other, `${second.url}/me`)).status).toBe(200);
    expect(await exists(`logto:session:index:sub:${sub}`)).toBe(false);
  });
});
