import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../src/cookie-jar.js';
import { completeSignIn, type LogtoDev, startLogtoDev } from '../src/index.js';
import {
  type AuthorizationRequest,
  alice,
  appId,
  authorizationUrl,
  redirectUri,
  signIn,
  tokenRequest,
  verify,
} from './helpers.js';

let dev: LogtoDev;
beforeAll(async () => {
  dev = await startLogtoDev({ port: 0 });
});
afterAll(async () => {
  await dev.stop();
});

describe('discovery', () => {
  it('serves Logto-shaped metadata under /oidc', async () => {
    const response = await fetch(`${dev.endpoint}/oidc/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: `${dev.endpoint}/oidc`,
      authorization_endpoint: `${dev.endpoint}/oidc/auth`,
      token_endpoint: `${dev.endpoint}/oidc/token`,
      jwks_uri: `${dev.endpoint}/oidc/jwks`,
      userinfo_endpoint: `${dev.endpoint}/oidc/me`,
      end_session_endpoint: `${dev.endpoint}/oidc/session/end`,
      revocation_endpoint: `${dev.endpoint}/oidc/token/revocation`,
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
    });
    expect(metadata.id_token_signing_alg_values_supported).toContain('ES384');
    expect(dev.issuer).toBe(`${dev.endpoint}/oidc`);
  });

  it('publishes one P-384 signing key', async () => {
    const jwks = (await (await fetch(`${dev.issuer}/jwks`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});

describe('sign-in page', () => {
  /** Starts an authorization request in a new cookie jar: the jar and the sign-in page's URL. */
  const openSignIn = async (request?: AuthorizationRequest) => {
    const { url } = authorizationUrl(dev, request);
    const jar = new CookieJar();
    const redirect = await jar.fetch(url);
    expect(redirect.status).toBe(303);
    return { jar, pageUrl: new URL(redirect.headers.get('location') ?? '', url).href };
  };
  const postForm = (
    send: (url: string, init: RequestInit) => Promise<Response>,
    pageUrl: string,
    body: string,
  ) =>
    send(pageUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('shows an accessible form with login_hint pre-filled and the Logto sign-in parameters', async () => {
    const { jar, pageUrl } = await openSignIn({
      extra: {
        login_hint: 'alice',
        first_screen: 'identifier:register',
        direct_sign_in: 'social:github',
        identifier: 'username email',
        interaction_mode: 'signUp',
      },
    });
    const page = await jar.fetch(pageUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('value="alice"');
    expect(html).toContain('<dd data-param="first_screen">identifier:register</dd>');
    expect(html).toContain('<dd data-param="direct_sign_in">social:github</dd>');
    expect(html).toContain('<dd data-param="identifier">username email</dd>');
    expect(html).toContain('<dd data-param="interaction_mode">signUp</dd>');
  });

  it('answers a wrong password with 401 and a clear message', async () => {
    const { jar, pageUrl } = await openSignIn();
    await jar.fetch(pageUrl);
    const response = await postForm(jar.fetch.bind(jar), pageUrl, 'username=alice&password=nope');
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('Wrong username or password.');
    expect(html).toContain('value="alice"');
  });

  it('rejects a form posted without the interaction cookie', async () => {
    const { pageUrl } = await openSignIn();
    const response = await postForm(fetch, pageUrl, 'username=alice&password=alice-password');
    expect(response.status).toBe(400);
  });

  it('completeSignIn throws on a wrong password', async () => {
    const { url } = authorizationUrl(dev);
    await expect(completeSignIn(url, { username: 'alice', password: 'nope' })).rejects.toThrow(
      'wrong username or password',
    );
  });

  it('completeSignIn returns the callback URL with code, state and iss', async () => {
    const { url, state } = authorizationUrl(dev);
    const callback = new URL(await completeSignIn(url, alice));
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(dev.issuer);
  });
});

describe('code exchange', () => {
  it('returns an ES384 ID token, an opaque access token for userinfo and a refresh token', async () => {
    const tokens = await signIn(dev);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const { payload, protectedHeader } = await verify(dev, tokens.id_token ?? '');
    expect(protectedHeader.alg).toBe('ES384');
    expect(payload.aud).toBe(appId);
    expect(payload.sub).toBe('user-alice');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    const userinfo = await fetch(`${dev.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: 'user-alice', username: 'alice' });
  });

  it('rejects an authorization request without PKCE', async () => {
    const { url } = authorizationUrl(dev, { challenge: null });
    const callback = new URL(await completeSignIn(url, alice));
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('iss')).toBe(dev.issuer);
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it.each([
    ['a wrong PKCE verifier', { code_verifier: 'x'.repeat(43) }],
    ['no PKCE verifier', {}],
  ])('rejects a code exchange with %s', async (_, verifier) => {
    const { url } = authorizationUrl(dev);
    const code = new URL(await completeSignIn(url, alice)).searchParams.get('code') ?? '';
    const response = await tokenRequest(dev, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      ...verifier,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts client_secret_post and rejects a wrong secret with invalid_client', async () => {
    const { url, verifier } = authorizationUrl(dev);
    const code = new URL(await completeSignIn(url, alice)).searchParams.get('code') ?? '';
    const wrong = await tokenRequest(dev, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: appId,
      client_secret: 'wrong',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });

    const second = authorizationUrl(dev);
    const code2 = new URL(await completeSignIn(second.url, alice)).searchParams.get('code') ?? '';
    const ok = await tokenRequest(dev, {
      grant_type: 'authorization_code',
      code: code2,
      redirect_uri: redirectUri,
      code_verifier: second.verifier,
      client_id: appId,
      client_secret: 'demo-app-secret-0123456789abcdef0123456789abcdef',
    });
    expect(ok.status).toBe(200);
  });

  it('logs the requests it served', async () => {
    dev.resetRequests();
    await signIn(dev);
    expect(dev.requests.map((r) => r.path)).toContain('/oidc/auth');
    expect(dev.requests).toContainEqual({
      method: 'POST',
      path: '/oidc/token',
      grantType: 'authorization_code',
      status: 200,
    });
  });
});
