import { createHash } from 'node:crypto';
import { completeSignIn } from 'logto-dev';
import { describe, expect, it } from 'vitest';
import { LogtoClient, MemoryStorage } from '../../src/index.js';
import type { Storage } from '../../src/storage.js';
import { logtoDevPerFile } from '../support/logto-dev-per-file.js';
import {
  clientConfig,
  copyOf,
  createClient,
  demoApp,
  expectLogtoError,
  expireAccessTokens,
  redirectUri,
  signInAs,
  snapshot,
} from './support.js';

const dev = logtoDevPerFile();

/** Starts a sign-in and returns the real callback URL (not yet handled). */
const callbackFor = async (client: LogtoClient, options: Parameters<LogtoClient['signIn']>[0]) =>
  completeSignIn(await client.signIn(options), { username: 'alice', password: 'alice-password' });

const withQuery = (url: string, change: (parameters: URLSearchParams) => void) => {
  const parsed = new URL(url);
  change(parsed.searchParams);
  return parsed.href;
};

describe('building a client', () => {
  it('does no I/O and rejects a bad config with config.invalid', () => {
    dev.resetRequests();
    createClient(dev);
    expect(dev.requests).toHaveLength(0);
    expect(() => createClient(dev, new MemoryStorage(), { appId: '' })).toThrowError(
      expect.objectContaining({ code: 'config.invalid' }),
    );
    expect(
      () => new LogtoClient(clientConfig(dev), { storage: {} as unknown as Storage }),
    ).toThrowError(expect.objectContaining({ code: 'config.invalid' }));
  });
});

describe('signIn', () => {
  it('returns the authorization URL with PKCE S256, state and nonce, and stores a sign-in session', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    const url = new URL(await client.signIn({ redirectUri, postRedirectUri: '/home' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${dev.issuer}/auth`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    const session = JSON.parse((await storage.getItem('signInSession')) ?? '{}');
    expect(session).toMatchObject({
      redirectUri,
      state: url.searchParams.get('state'),
      nonce: url.searchParams.get('nonce'),
      postRedirectUri: '/home',
    });
    // 32 random bytes each (43 base64url characters); the challenge is S256 of the verifier.
    expect(session.codeVerifier).toMatch(/^[\w-]{43}$/);
    expect(new Set([session.codeVerifier, session.state, session.nonce]).size).toBe(3);
    expect(url.searchParams.get('code_challenge')).toBe(
      createHash('sha256').update(session.codeVerifier).digest('base64url'),
    );
    expect(typeof session.createdAt).toBe('number');
  });

  it('takes the redirect URI alone as a string', async () => {
    const url = new URL(await createClient(dev).signIn(redirectUri));
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri);
  });

  it('sends the redirect URI exactly as given (no added trailing slash)', async () => {
    const url = new URL(await createClient(dev).signIn('http://127.0.0.1:3000'));
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3000');
  });

  it('keeps the tokens of a current sign-in until the new callback succeeds, then replaces them and revokes the old refresh token', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    await signInAs(client);
    const before = await snapshot(storage);
    const oldRefreshToken = await client.getRefreshToken();
    const url = await client.signIn({ redirectUri });
    // A sign-in that is started and never finished signs nobody out.
    expect(await client.isAuthenticated()).toBe(true);
    expect(await client.getRefreshToken()).toBe(oldRefreshToken);
    expect((await client.getIdTokenClaims()).sub).toBe('user-alice');
    const callback = await completeSignIn(url, { username: 'bob', password: 'bob-password' });
    await client.handleSignInCallback(callback);
    expect((await client.getIdTokenClaims()).sub).toBe('user-bob');
    expect(await client.getRefreshToken()).not.toBe(oldRefreshToken);
    expect(Object.keys(JSON.parse((await storage.getItem('accessTokenMap')) ?? '{}'))).toEqual([
      '',
    ]);
    // The replaced session's refresh token was revoked: a copy of the old session is signed out.
    const oldCopy = await copyOf(before);
    await expireAccessTokens(oldCopy);
    await expectLogtoError(createClient(dev, oldCopy).getAccessToken(), 'token.invalid_grant');
    expect(await oldCopy.getItem('idToken')).toBeNull();
    expect(await oldCopy.getItem('refreshToken')).toBeNull();
  });

  it('rejects an open redirect in postRedirectUri', async () => {
    const client = createClient(dev);
    for (const postRedirectUri of ['//evil.example', '/\\evil.example', 'https://evil.example/']) {
      await expectLogtoError(
        client.signIn({ redirectUri, postRedirectUri }),
        'sign_in.invalid_options',
      );
    }
  });

  it('rejects extraParams that override a core parameter', async () => {
    await expectLogtoError(
      createClient(dev).signIn({ redirectUri, extraParams: { prompt: 'none' } }),
      'sign_in.invalid_options',
    );
  });

  it('reports a storage that fails as storage.failed with the cause', async () => {
    const cause = new Error('disk on fire');
    const broken: Storage = {
      getItem: async () => {
        throw cause;
      },
      setItem: async () => {
        throw cause;
      },
      removeItem: async () => {
        throw cause;
      },
    };
    const error = await expectLogtoError(
      createClient(dev, broken).signIn({ redirectUri }),
      'storage.failed',
    );
    expect(error.cause).toBe(cause);
    await expectLogtoError(createClient(dev, broken).isAuthenticated(), 'storage.failed');
  });
});

describe('handleSignInCallback', () => {
  it('signs the user in, returns postRedirectUri, and costs one provider request once discovery and JWKS are cached', async () => {
    const warm = createClient(dev);
    await signInAs(warm);
    const client = createClient(dev);
    dev.resetRequests();
    const url = await client.signIn({ redirectUri, postRedirectUri: '/dashboard' });
    expect(dev.requests).toHaveLength(0);
    const callback = await completeSignIn(url, { username: 'alice', password: 'alice-password' });
    dev.resetRequests();
    expect(await client.handleSignInCallback(callback)).toEqual({ postRedirectUri: '/dashboard' });
    expect(dev.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /oidc/token',
    ]);
    expect(await client.isAuthenticated()).toBe(true);
    expect(await client.getRefreshToken()).toEqual(expect.any(String));
    const claims = await client.getIdTokenClaims();
    expect(claims).toMatchObject({ sub: 'user-alice', aud: demoApp().id, iss: dev.issuer });
    expect(claims.organizations).toEqual(['acme', 'globex']);
  });

  it('accepts a URL object', async () => {
    const client = createClient(dev);
    const callback = await callbackFor(client, { redirectUri });
    expect(await client.handleSignInCallback(new URL(callback))).toEqual({});
  });

  it('rejects a replayed callback with sign_in_session.not_found', async () => {
    const client = createClient(dev);
    const callback = await callbackFor(client, { redirectUri });
    await client.handleSignInCallback(callback);
    await expectLogtoError(client.handleSignInCallback(callback), 'sign_in_session.not_found');
  });

  it('lets only one of two simultaneous callbacks spend the sign-in session', async () => {
    const client = createClient(dev);
    const callback = await callbackFor(client, { redirectUri });
    const outcomes = await Promise.allSettled([
      client.handleSignInCallback(callback),
      client.handleSignInCallback(callback),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('spends a callback once even across copies of the session (cookie sessions, double submit)', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    const callback = await callbackFor(client, { redirectUri });
    const session = await snapshot(storage);
    const copies = await Promise.all([copyOf(session), copyOf(session), copyOf(session)]);
    dev.resetRequests();
    const outcomes = await Promise.allSettled(
      copies.map((copy) => createClient(dev, copy).handleSignInCallback(callback)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason.code).toBe('sign_in_session.not_found');
      }
    }
    expect(
      dev.requests.filter((request) => request.grantType === 'authorization_code'),
    ).toHaveLength(1);
  });

  it('rejects a callback at another path or origin than the redirect URI', async () => {
    const client = createClient(dev);
    const callback = await callbackFor(client, { redirectUri });
    for (const other of [
      callback.replace('/callback', '/callback2'),
      callback.replace('127.0.0.1:3000', 'localhost:3000'),
      callback.replace('http://127.0.0.1:3000', 'http://127.0.0.1:3001'),
    ]) {
      await expectLogtoError(client.handleSignInCallback(other), 'callback.redirect_uri_mismatch');
    }
    // The pending sign-in survives a callback that was not for it.
    expect(await client.handleSignInCallback(callback)).toEqual({});
  });

  it.each<[string, (query: URLSearchParams) => void, string]>([
    ['a forged state', (query) => query.set('state', 'forged'), 'callback.state_mismatch'],
    ['no state', (query) => query.delete('state'), 'callback.missing_state'],
    [
      'an iss that is not the issuer',
      (query) => query.set('iss', 'https://evil.example/oidc'),
      'callback.issuer_mismatch',
    ],
    [
      'no iss, when the provider promises one',
      (query) => query.delete('iss'),
      'callback.issuer_mismatch',
    ],
    ['no code', (query) => query.delete('code'), 'callback.missing_code'],
  ])('rejects a callback with %s', async (_, change, code) => {
    const client = createClient(dev);
    const callback = await callbackFor(client, { redirectUri });
    await expectLogtoError(client.handleSignInCallback(withQuery(callback, change)), code);
  });

  it('surfaces an error response with its description', async () => {
    const client = createClient(dev);
    const state = new URL(await client.signIn({ redirectUri })).searchParams.get('state');
    const error = await expectLogtoError(
      client.handleSignInCallback(
        `${redirectUri}?error=access_denied&error_description=${encodeURIComponent('The user said no.')}&state=${state}`,
      ),
      'callback.error_response',
    );
    expect(error.error).toBe('access_denied');
    expect(error.errorDescription).toBe('The user said no.');
  });

  it('names the requested API resources when Logto refuses the sign-in with invalid_target', async () => {
    const client = createClient(dev, new MemoryStorage(), {
      resources: ['https://missing.example.com'],
      scopes: ['urn:logto:scope:organizations'],
    });
    // logto-dev, like Logto, sends the browser back with the error before any sign-in page.
    const answer = await fetch(await client.signIn({ redirectUri }), { redirect: 'manual' });
    const callback = answer.headers.get('location') ?? '';
    expect(new URL(callback).searchParams.get('error')).toBe('invalid_target');
    const error = await expectLogtoError(
      client.handleSignInCallback(callback),
      'callback.error_response',
    );
    expect(error.error).toBe('invalid_target');
    expect(error.message).toContain('requested the API resource https://missing.example.com:');
    expect(error.message).not.toContain('urn:logto:resource:organizations');
  });

  it('ignores a forged error link without the sign-in state: the pending sign-in survives', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    const callback = await callbackFor(client, { redirectUri });
    const forged = `${redirectUri}?error=access_denied&error_description=${encodeURIComponent('Call +1 555 0100 to unlock your account.')}`;
    await expectLogtoError(client.handleSignInCallback(forged), 'callback.missing_state');
    await expectLogtoError(
      client.handleSignInCallback(`${forged}&state=forged`),
      'callback.state_mismatch',
    );
    expect(await storage.getItem('signInSession')).not.toBeNull();
    expect(await client.handleSignInCallback(callback)).toEqual({});
  });

  it('cuts a long error description to 300 characters in the message', async () => {
    const client = createClient(dev);
    const state = new URL(await client.signIn({ redirectUri })).searchParams.get('state');
    const error = await expectLogtoError(
      client.handleSignInCallback(
        `${redirectUri}?error=access_denied&error_description=${'x'.repeat(5000)}&state=${state}`,
      ),
      'callback.error_response',
    );
    expect(error.message.length).toBeLessThan(400);
    expect(error.message).toContain(`${'x'.repeat(300)}…`);
  });

  it('rejects a sign-in session older than 10 minutes', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    const callback = await callbackFor(client, { redirectUri });
    const session = JSON.parse((await storage.getItem('signInSession')) ?? '{}');
    session.createdAt = Date.now() - 11 * 60 * 1000;
    await storage.setItem('signInSession', JSON.stringify(session));
    await expectLogtoError(client.handleSignInCallback(callback), 'sign_in_session.expired');
  });

  it('treats a corrupt sign-in session as absent', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    const callback = await callbackFor(client, { redirectUri });
    for (const corrupt of [
      '{not json',
      'null',
      JSON.stringify({
        redirectUri: 'not a url',
        codeVerifier: 'v',
        state: 's',
        nonce: 'n',
        createdAt: 1,
      }),
    ]) {
      await storage.setItem('signInSession', corrupt);
      await expectLogtoError(client.handleSignInCallback(callback), 'sign_in_session.not_found');
    }
  });

  it('rejects a URL that is not absolute', async () => {
    await expectLogtoError(
      createClient(dev).handleSignInCallback('/callback?code=x'),
      'callback.invalid_url',
    );
  });

  it('binds the ID token to the nonce of this sign-in', async () => {
    // A callback of an earlier sign-in, replayed into a later sign-in session that has been made
    // to agree with it on everything (state, PKCE verifier) except the nonce.
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    const first = await callbackFor(client, { redirectUri });
    const firstSession = JSON.parse((await storage.getItem('signInSession')) ?? '{}');
    await client.signIn({ redirectUri });
    const session = JSON.parse((await storage.getItem('signInSession')) ?? '{}');
    expect(session.nonce).not.toBe(firstSession.nonce);
    session.state = firstSession.state;
    session.codeVerifier = firstSession.codeVerifier;
    await storage.setItem('signInSession', JSON.stringify(session));
    await expectLogtoError(client.handleSignInCallback(first), 'id_token.nonce_mismatch');
  });
});

describe('reading the signed-in state', () => {
  it('is not authenticated before sign-in, and getIdTokenClaims says token.not_authenticated', async () => {
    const client = createClient(dev);
    expect(await client.isAuthenticated()).toBe(false);
    expect(await client.getIdToken()).toBeNull();
    expect(await client.getRefreshToken()).toBeNull();
    await expectLogtoError(client.getIdTokenClaims(), 'token.not_authenticated');
  });

  it('decodes the stored ID token without asking the provider', async () => {
    const client = createClient(dev);
    await signInAs(client);
    dev.resetRequests();
    expect((await client.getIdTokenClaims()).sub).toBe('user-alice');
    expect(await client.isAuthenticated()).toBe(true);
    expect(dev.requests).toHaveLength(0);
  });

  it('counts an expired ID token without a refresh token as signed out', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    await signInAs(client);
    await storage.removeItem('refreshToken');
    expect(await client.isAuthenticated()).toBe(true);
    const [header, , signature] = ((await storage.getItem('idToken')) ?? '').split('.');
    const expired = Buffer.from(
      JSON.stringify({ sub: 'user-alice', exp: Math.floor(Date.now() / 1000) - 3600 }),
    ).toString('base64url');
    await storage.setItem('idToken', `${header}.${expired}.${signature}`);
    expect(await client.isAuthenticated()).toBe(false);
  });

  it('treats a corrupt stored ID token as absent', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    await signInAs(client);
    await storage.setItem('idToken', 'garbage');
    expect(await client.isAuthenticated()).toBe(false);
    await expectLogtoError(client.getIdTokenClaims(), 'token.not_authenticated');
  });
});
