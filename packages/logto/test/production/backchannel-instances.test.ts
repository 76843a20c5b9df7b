/**
 * Back-channel logout across instances: Logto posts the logout token to ONE app instance (behind a
 * load balancer), but the user's session lives in the Redis store shared by all of them, and the
 * token's `jti` must not be accepted twice by the fleet. (Single-instance token rules — bad
 * signature, audience, nonce, passed exp, … — are specified in test/adapters/backchannel-logout.)
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postLogoutToken, type RelayedLogto, startRelayedLogto } from './fixtures/logout-relay.js';
import { type AppProcess, type Jar, startTwoInstances } from './support.js';

/** Logto knows one back-channel URI: a relay to the first instance. */
let logto: RelayedLogto;
const apps: AppProcess[] = [];

beforeAll(async () => {
  logto = await startRelayedLogto();
  apps.push(...(await startTwoInstances(logto.dev.endpoint, { REDIS_URL: inject('redisUrl') })));
  logto.target = apps[0]?.url ?? '';
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await logto?.stop();
});

/** Signs in through the first instance, keeping the Logto session to sign out there later. */
const signIn = (username: string) => logto.signIn(apps[0]?.url ?? '', username);

const status = async (jar: Jar, url: string) => (await jar.fetch(url)).status;

describe('back-channel logout with two app instances on one Redis', () => {
  it('a sign-out at Logto, delivered to one instance, ends the session on every instance', async () => {
    const [first, second] = apps;
    if (!first || !second) throw new Error('two app processes expected');
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    expect(await status(alice.jar, `${second.url}/me`)).toBe(200);
    logto.received.length = 0;

    await logto.signOut(alice);

    expect(logto.received).toHaveLength(1);
    expect(await status(alice.jar, `${second.url}/me`)).toBe(401);
    expect(await status(alice.jar, `${first.url}/me`)).toBe(401);
    // Another user's session is untouched.
    expect(await status(bob.jar, `${second.url}/me`)).toBe(200);
  });

  it('a logout token accepted by one instance is refused as a replay by another (400)', async () => {
    const [, second] = apps;
    if (!second) throw new Error('two app processes expected');
    const alice = await signIn('alice');
    logto.received.length = 0;
    await logto.signOut(alice);
    expect(logto.received).toHaveLength(1);

    const replay = await postLogoutToken(second.url, logto.received[0] ?? '');
    expect(replay.status).toBe(400);
    expect(replay.headers.get('cache-control')).toBe('no-store');
  });
});
