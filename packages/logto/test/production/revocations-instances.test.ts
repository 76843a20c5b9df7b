/**
 * Cookie sessions on two app instances (two real processes) that share a revocation list through
 * one real redis-server: a session ended on one instance (back-channel logout, sign-out) is
 * refused by the other within a second, with no Redis call per request. With Redis stopped, reads
 * go on and the app warns, and a logout that cannot be recorded is answered 5xx, never 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../../test/support/redis-server.js';
import { type RelayedLogto, startRelayedLogto } from './fixtures/logout-relay.js';
import { type AppProcess, demoApp, Jar, startTwoInstances } from './support.js';

let redis: RedisServer;
/** Logto knows one back-channel URI: a relay to the first instance. */
let logto: RelayedLogto;
const apps: AppProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer('logto-revocations-');
  logto = await startRelayedLogto();
  apps.push(
    ...(await startTwoInstances(logto.dev.endpoint, {
      REVOCATIONS_REDIS_URL: redis.url,
      SESSION_SECRET: 'revocations-test-secret-0123456789abcdef',
    })),
  );
  logto.target = apps[0]?.url ?? '';
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await logto?.stop();
  await redis?.dispose();
});

const instances = () => {
  const [a, b] = apps;
  if (!a || !b) throw new Error('two app processes expected');
  return { a, b };
};

/** Signs in through instance A, keeping the Logto session to sign out there later. */
const signIn = (username: string) => logto.signIn(instances().a.url, username);

/**
 * Waits for the next whole second. A logout token's `iat` counts seconds and ends the user's
 * sessions begun within its second too, so a test that signs the same user in again after another
 * test's logout starts in a later second.
 */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));

const status = async (jar: Jar, url: string) => (await jar.fetch(`${url}/me`)).status;

/** A copy of the jar's cookies, as an attacker who copied them would hold. */
const copyOf = (jar: Jar) => {
  const copy = new Jar();
  for (const [name, value] of jar.cookies) copy.cookies.set(name, value);
  return copy;
};

/** Polls `url/me` with `jar` until it answers 401; returns how long that took (ms). */
const endedWithin = async (jar: Jar, url: string, limit: number) => {
  const started = Date.now();
  for (;;) {
    // A copy, so that the cookie-clearing answer does not hide a later 200.
    if ((await status(copyOf(jar), url)) === 401) return Date.now() - started;
    if (Date.now() - started > limit)
      throw new Error(`the session was not ended within ${limit} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('cookie sessions with a revocation list shared through Redis, on two instances', () => {
  it("Logto's default logout token (only sub), delivered to A, ends the user's sessions on B within a second", async () => {
    const { a, b } = instances();
    logto.dev.updateApplication(demoApp.id, { backchannelLogoutSessionRequired: false });
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    expect(await status(alice.jar, b.url)).toBe(200);
    logto.answered.length = 0;

    await logto.signOut(alice);

    expect(logto.answered).toEqual([200]);
    expect(await endedWithin(alice.jar, b.url, 1000)).toBeLessThan(1000);
    expect(await status(copyOf(alice.jar), a.url)).toBe(401);
    expect(await status(bob.jar, b.url)).toBe(200);
  });

  it('a logout token with a sid, delivered to A, ends that Logto session’s session on B within a second, and only it', async () => {
    await nextSecond();
    const { b } = instances();
    logto.dev.updateApplication(demoApp.id, { backchannelLogoutSessionRequired: true });
    const laptop = await signIn('alice');
    const phone = await signIn('alice');
    logto.answered.length = 0;

    await logto.signOut(laptop);

    expect(logto.answered).toEqual([200]);
    expect(await endedWithin(laptop.jar, b.url, 1000)).toBeLessThan(1000);
    expect(await status(phone.jar, b.url)).toBe(200);
    logto.dev.updateApplication(demoApp.id, { backchannelLogoutSessionRequired: false });
  });

  it('sign-out on A ends a copied cookie on B within a second (and on A at once)', async () => {
    await nextSecond();
    const { a, b } = instances();
    const alice = await signIn('alice');
    const stolen = copyOf(alice.jar);
    expect(await status(copyOf(stolen), b.url)).toBe(200);

    const signOut = await alice.jar.fetch(`${a.url}/sign-out`);
    expect(signOut.status).toBe(302);

    expect(await status(copyOf(stolen), a.url)).toBe(401);
    expect(await endedWithin(stolen, b.url, 1000)).toBeLessThan(1000);
  });

  it('with Redis stopped: reads go on, the app warns, and a logout that cannot be recorded is answered 5xx; once Redis is back, ends reach every instance again', async () => {
    await nextSecond();
    const { a, b } = instances();
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    await redis.stop();
    try {
      expect(await status(copyOf(alice.jar), b.url)).toBe(200);
      expect(await status(copyOf(bob.jar), a.url)).toBe(200);
      logto.answered.length = 0;

      await logto.signOut(bob);

      expect(logto.answered).toHaveLength(1);
      expect(logto.answered[0]).toBeGreaterThanOrEqual(500);
      // A recorded the end in its own memory anyway.
      expect(await status(copyOf(bob.jar), a.url)).toBe(401);
      expect(a.stderr()).toMatch(/WARN session\.store_unavailable/);
      expect(b.stderr()).toMatch(/WARN session\.store_unavailable/);
    } finally {
      await redis.start();
    }
    logto.answered.length = 0;
    // The instances reconnect by themselves; Logto's next logout reaches B again.
    const deadline = Date.now() + 10_000;
    while (logto.answered.length === 0 || logto.answered.at(-1) !== 200) {
      if (Date.now() > deadline)
        throw new Error(`logouts still fail: ${logto.answered.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (logto.answered.length === 0 || logto.answered.at(-1) !== 200) {
        const probe = await signIn('alice');
        await logto.signOut(probe);
      }
    }
    expect(await endedWithin(alice.jar, b.url, 2000)).toBeLessThan(2000);
    expect((await a.stats()).unhandled).toEqual([]);
    expect((await b.stats()).unhandled).toEqual([]);
  });
});
