/**
 * Back-channel logout across instances: Logto posts the logout token to ONE app instance (behind a
 * load balancer), but the user's session lives in the Redis store shared by all of them, and the
 * token's `jti` must not be accepted twice by the fleet. (Single-instance token rules — bad
 * signature, audience, nonce, passed exp, … — are specified in test/adapters/backchannel-logout.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoConfig, type LogtoDev, startLogtoDev } from 'logto-dev';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInWithJar } from '../../../logto-dev/src/complete-sign-in.js';
import { CookieJar } from '../../../logto-dev/src/cookie-jar.js';
import { signOutAtLogto } from '../support/sign-out-at-logto.js';
import { type AppProcess, demoApp, Jar, signInThroughApp, startTwoInstances } from './support.js';

let dev: LogtoDev;
let recorder: Server;
const apps: AppProcess[] = [];
/** Logout tokens logto-dev sent, on their way to the first instance. */
const received: string[] = [];

beforeAll(async () => {
  // Logto knows one back-channel URI: a recorder that forwards to whichever instance is first.
  recorder = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', async () => {
      received.push(new URLSearchParams(body).get('logout_token') ?? '');
      const forwarded = await fetch(`${apps[0]?.url}/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      response.writeHead(forwarded.status).end(await forwarded.text());
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const config = demoConfig();
  const [application] = config.applications;
  if (!application) throw new Error('the demo config has no application');
  application.backchannelLogoutUri = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/backchannel`;
  dev = await startLogtoDev({ port: 0, config });
  apps.push(...(await startTwoInstances(dev.endpoint, { REDIS_URL: inject('redisUrl') })));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await dev?.stop();
  recorder?.closeAllConnections();
  await new Promise((resolve) => recorder?.close(resolve));
});

/** Signs in through the first instance, keeping the provider-side cookies to sign out later. */
const signIn = async (username: string) => {
  const provider = new CookieJar();
  const jar = await signInThroughApp(apps[0]?.url ?? '', username, new Jar(), (url) =>
    signInWithJar(provider, url, { username, password: `${username}-password` }),
  );
  return { jar, provider };
};

/** Signs out at logto-dev's real end-session page, as the browser would. */
const signOut = (provider: CookieJar) =>
  signOutAtLogto(dev, provider, {
    clientId: demoApp.id,
    postLogoutRedirectUri: `${demoApp.baseUrl}/`,
  });

const status = async (jar: Jar, url: string) => (await jar.fetch(url)).status;

describe('back-channel logout with two app instances on one Redis', () => {
  it('a sign-out at Logto, delivered to one instance, ends the session on every instance', async () => {
    const [first, second] = apps;
    if (!first || !second) throw new Error('two app processes expected');
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    expect(await status(alice.jar, `${second.url}/me`)).toBe(200);
    received.length = 0;

    await signOut(alice.provider);

    expect(received).toHaveLength(1);
    expect(await status(alice.jar, `${second.url}/me`)).toBe(401);
    expect(await status(alice.jar, `${first.url}/me`)).toBe(401);
    // Another user's session is untouched.
    expect(await status(bob.jar, `${second.url}/me`)).toBe(200);
  });

  it('a logout token accepted by one instance is refused as a replay by another (400)', async () => {
    const [, second] = apps;
    if (!second) throw new Error('two app processes expected');
    const alice = await signIn('alice');
    received.length = 0;
    await signOut(alice.provider);
    expect(received).toHaveLength(1);

    const replay = await fetch(`${second.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: received[0] ?? '' }),
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('cache-control')).toBe('no-store');
  });
});
