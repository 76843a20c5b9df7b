import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signInWithJar } from '../src/complete-sign-in.js';
import { CookieJar } from '../src/cookie-jar.js';
import {
  demoConfig,
  type LogtoDev,
  type StartLogtoDevOptions,
  startLogtoDev,
  validateConfig,
} from '../src/index.js';
import {
  alice,
  appId,
  appSecret,
  authorizationUrl,
  decode,
  redirectUri,
  refresh,
  signIn,
  tokenRequest,
  verify,
} from './helpers.js';

const running: LogtoDev[] = [];
async function start(options: StartLogtoDevOptions = {}): Promise<LogtoDev> {
  const dev = await startLogtoDev({ port: 0, ...options });
  running.push(dev);
  return dev;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((dev) => dev.stop()));
});

describe('refresh-token rotation', () => {
  it("'logto' keeps a confidential client's refresh token early in its life, with a new ID token each time", async () => {
    const dev = await start();
    const tokens = await signIn(dev);
    const first = await refresh(dev, tokens.refresh_token ?? '');
    const second = await refresh(dev, tokens.refresh_token ?? '');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.body.refresh_token).toBe(tokens.refresh_token);
    expect(second.body.refresh_token).toBe(tokens.refresh_token);
    expect(first.body.id_token).toBeTruthy();
    expect(decode(String(second.body.id_token)).sub).toBe('user-alice');
  });

  it("'always' issues a new refresh token on every use and still accepts the spent one", async () => {
    const dev = await start({ refreshTokenRotation: 'always' });
    const tokens = await signIn(dev);
    const first = await refresh(dev, tokens.refresh_token ?? '');
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    const reuse = await refresh(dev, tokens.refresh_token ?? '');
    expect(reuse.status).toBe(200);
    expect(reuse.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await refresh(dev, String(first.body.refresh_token))).status).toBe(200);
  });

  it("'strict' rejects the reuse of a spent refresh token with invalid_grant", async () => {
    const dev = await start({ refreshTokenRotation: 'strict' });
    const tokens = await signIn(dev);
    const first = await refresh(dev, tokens.refresh_token ?? '');
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    const reuse = await refresh(dev, tokens.refresh_token ?? '');
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
  });
});

describe('revocation', () => {
  it('revokes a refresh token; its next use gets invalid_grant', async () => {
    const dev = await start();
    const tokens = await signIn(dev);
    const response = await fetch(`${dev.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        token: tokens.refresh_token ?? '',
        token_type_hint: 'refresh_token',
      }),
    });
    expect(response.status).toBe(200);
    const after = await refresh(dev, tokens.refresh_token ?? '');
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });
});

async function signInInBrowser(dev: LogtoDev, jar: CookieJar) {
  const { url, verifier } = authorizationUrl(dev);
  const code = new URL(await signInWithJar(jar, url, alice)).searchParams.get('code') ?? '';
  const response = await tokenRequest(dev, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  return (await response.json()) as { id_token: string; refresh_token: string };
}

async function confirmLogout(
  dev: LogtoDev,
  jar: CookieJar,
  query: Record<string, string>,
): Promise<Response> {
  const page = await jar.fetch(`${dev.issuer}/session/end?${new URLSearchParams(query)}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  expect(new URL(action, dev.issuer).pathname).toBe('/oidc/session/end/confirm');
  return jar.fetch(new URL(action, dev.issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
}

describe('end session', () => {
  it('confirms and lands on the post_logout_redirect_uri with id_token_hint', async () => {
    const dev = await start();
    const jar = new CookieJar();
    const tokens = await signInInBrowser(dev, jar);
    const done = await confirmLogout(dev, jar, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'http://127.0.0.1:3000/',
      state: 's1',
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('http://127.0.0.1:3000/?state=s1');
    // The provider session is gone: a new authorization request asks for the password again.
    const again = await jar.fetch(authorizationUrl(dev).url);
    expect(again.headers.get('location')).toMatch(/^\/sign-in\//);
  });

  it('ends the session without a question for a valid id_token_hint and a registered post_logout_redirect_uri, as Logto', async () => {
    const dev = await start();
    const jar = new CookieJar();
    const tokens = await signInInBrowser(dev, jar);
    const query = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'http://127.0.0.1:3000/',
    });
    const html = await (await jar.fetch(`${dev.issuer}/session/end?${query}`)).text();
    expect(html).not.toContain('stay signed in');
    // The page submits its own form, with logout=yes.
    expect(html).toMatch(/<input type="hidden" form="op.logoutForm" name="logout" value="yes">/);
    expect(html).toContain("document.getElementById('op.logoutForm').submit()");
  });

  it('asks before ending the session when the request has no id_token_hint', async () => {
    const dev = await start();
    const jar = new CookieJar();
    await signInInBrowser(dev, jar);
    const query = new URLSearchParams({
      client_id: appId,
      post_logout_redirect_uri: 'http://127.0.0.1:3000/',
    });
    const html = await (await jar.fetch(`${dev.issuer}/session/end?${query}`)).text();
    expect(html).toContain('Sign out of Demo app?');
    expect(html).toContain('No, stay signed in');
    expect(html).not.toContain('.submit()');
  });

  it('asks before ending the session when the id_token_hint has no post_logout_redirect_uri', async () => {
    const dev = await start();
    const jar = new CookieJar();
    const tokens = await signInInBrowser(dev, jar);
    const query = new URLSearchParams({ id_token_hint: tokens.id_token });
    const html = await (await jar.fetch(`${dev.issuer}/session/end?${query}`)).text();
    expect(html).toContain('No, stay signed in');
  });

  it('accepts client_id + post_logout_redirect_uri without id_token_hint', async () => {
    const dev = await start();
    const jar = new CookieJar();
    await signInInBrowser(dev, jar);
    const done = await confirmLogout(dev, jar, {
      client_id: appId,
      post_logout_redirect_uri: 'http://localhost:3000/',
    });
    expect(done.headers.get('location')).toBe('http://localhost:3000/');
  });

  it('rejects an unregistered post_logout_redirect_uri', async () => {
    const dev = await start();
    const response = await fetch(
      `${dev.issuer}/session/end?client_id=${appId}&post_logout_redirect_uri=${encodeURIComponent('http://evil.example/')}`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('invalid_request');
  });

  /** Signs alice in and out in a browser; returns the logout tokens logto-dev sent and the ID token. */
  const signInAndOut = async (
    sessionRequired: boolean | undefined,
    between?: (dev: LogtoDev) => void,
  ) => {
    const received: string[] = [];
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        received.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const config = demoConfig();
      const [demoApp] = config.applications;
      if (!demoApp) throw new Error('the demo config has no application');
      demoApp.backchannelLogoutUri = `http://127.0.0.1:${(app.address() as AddressInfo).port}/backchannel`;
      if (sessionRequired !== undefined) demoApp.backchannelLogoutSessionRequired = sessionRequired;
      const dev = await start({ config });
      const jar = new CookieJar();
      const tokens = await signInInBrowser(dev, jar);
      between?.(dev);
      await confirmLogout(dev, jar, {
        id_token_hint: tokens.id_token,
        post_logout_redirect_uri: 'http://127.0.0.1:3000/',
      });
      expect(received).toHaveLength(1);
      const { payload, protectedHeader } = await verify(dev, received[0] ?? '');
      return { payload, protectedHeader, idToken: decode(tokens.id_token) };
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  };

  it('by default (session not required, as in Logto) sends a logout token and ID tokens without sid', async () => {
    const { payload, protectedHeader, idToken } = await signInAndOut(undefined);
    expect(protectedHeader.typ).toBe('logout+jwt');
    expect(payload).toMatchObject({
      aud: appId,
      sub: 'user-alice',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    expect(payload.jti).toBeTruthy();
    expect(payload).not.toHaveProperty('exp');
    expect(payload).not.toHaveProperty('sid');
    expect(idToken).not.toHaveProperty('sid');
  });

  it('with backchannelLogoutSessionRequired, puts the same sid in the logout token and the ID tokens', async () => {
    const { payload, idToken } = await signInAndOut(true);
    expect(payload).toMatchObject({ aud: appId, sub: 'user-alice' });
    expect(payload).not.toHaveProperty('exp');
    expect(payload.sid).toBeTruthy();
    expect(payload.sid).toBe(idToken.sid);
  });

  it('updateApplication switches "session required" on for sessions that began without it', async () => {
    const { payload, idToken } = await signInAndOut(false, (dev) =>
      dev.updateApplication(appId, { backchannelLogoutSessionRequired: true }),
    );
    expect(idToken).not.toHaveProperty('sid');
    expect(payload.sid).toBeTruthy();
    expect(payload.sub).toBe('user-alice');
  });

  it('refuses a non-boolean backchannelLogoutSessionRequired in the config', () => {
    const config = demoConfig() as unknown as { applications: Array<Record<string, unknown>> };
    const [app] = config.applications;
    if (app) app.backchannelLogoutSessionRequired = 'yes';
    expect(() => validateConfig(config)).toThrow(
      'applications[0].backchannelLogoutSessionRequired: must be true or false',
    );
  });
});

describe('signing keys', () => {
  it('rotateSigningKey signs with a new key and keeps the old one published until the next rotation', async () => {
    const dev = await start();
    const tokens = await signIn(dev);
    const oldKid = (await verify(dev, tokens.id_token ?? '')).protectedHeader.kid;
    await dev.rotateSigningKey();
    const jwks = async () =>
      (
        (await (await fetch(`${dev.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }
      ).keys.map((k) => k.kid);
    const refreshed = await refresh(dev, tokens.refresh_token ?? '');
    const newKid = (await verify(dev, String(refreshed.body.id_token))).protectedHeader.kid;
    expect(newKid).not.toBe(oldKid);
    expect(await jwks()).toEqual([newKid, oldKid]);
    await verify(dev, tokens.id_token ?? '');
    await dev.rotateSigningKey();
    expect(await jwks()).not.toContain(oldKid);
    expect(await jwks()).toContain(newKid);
  });

  it('signs with RS256 when asked', async () => {
    const dev = await start({ signingAlgorithm: 'RS256' });
    const tokens = await signIn(dev);
    expect((await verify(dev, tokens.id_token ?? '')).protectedHeader.alg).toBe('RS256');
    const metadata = (await (
      await fetch(`${dev.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(metadata.id_token_signing_alg_values_supported).toContain('RS256');
  });
});
