/**
 * The adapters' options and the sign-in route's `returnTo`: pure rules, checked without a server.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogtoCore, type LogtoAdapterOptions } from '../../src/adapters/core/index.js';
import { safeReturnTo } from '../../src/adapters/core/return-to.js';
import { signInOptionsFromQuery } from '../../src/adapters/core/sign-in-query.js';
import { createMemorySessionStore } from '../../src/session/memory-store.js';
import { expectLogtoError } from '../support/expect-logto-error.js';

const base = 'https://app.example.com';
const valid: LogtoAdapterOptions = {
  endpoint: 'https://tenant.logto.app',
  appId: 'app',
  appSecret: 'app-secret',
  baseUrl: base,
  secret: 'a-secret-of-at-least-32-characters-long!',
};

const invalidConfig = (options: unknown) =>
  expectLogtoError(
    (async () => createLogtoCore(options as LogtoAdapterOptions))(),
    'config.invalid',
  );

describe('returnTo', () => {
  it.each([
    ['/protected', '/protected'],
    ['/protected?page=2&sort=name', '/protected?page=2&sort=name'],
    ['/a/b#section', '/a/b#section'],
    ['/', '/'],
  ])('keeps the same-origin path %s', (value, expected) => {
    expect(safeReturnTo(value, base)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    'http://app.example.com/',
    '//evil.example/',
    '///evil.example/',
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/%5Cevil.example',
    '/%2F%2Fevil.example',
    'javascript:alert(1)',
    'data:text/html,hi',
    'protected',
    ' /protected',
    '/pro\ntected',
    '/pro\ttected',
    '/x%0d%0aSet-Cookie:a=b',
    '',
    `/${'a'.repeat(3000)}`,
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value, base)).toBeUndefined();
  });

  it('never yields a location that leaves the origin, whatever the input', () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.webUrl(),
      fc.webPath(),
      fc
        .array(
          fc.constantFrom('/', '\\', '.', '%2f', '%5c', '@', ':', 'evil.example', '\t', '?', '#'),
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(hostile, (value) => {
        const result = safeReturnTo(value, base);
        if (result === undefined) return;
        expect(result.startsWith('/')).toBe(true);
        expect(result.startsWith('//')).toBe(false);
        expect(result).not.toContain('\\');
        // As a browser resolves a Location header against the app:
        expect(new URL(result, base).origin).toBe(base);
        expect(new URL(result, 'https://other.example').origin).toBe('https://other.example');
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not a string', () => {
    expect(safeReturnTo(null, base)).toBeUndefined();
    expect(safeReturnTo(undefined, base)).toBeUndefined();
  });
});

describe('adapter options', () => {
  it('accepts the Logto config at the top level or as `config`, and derives the redirect URIs from baseUrl', () => {
    const flat = createLogtoCore(valid);
    const nested = createLogtoCore({
      config: { endpoint: 'https://tenant.logto.app', appId: 'app', appSecret: 'app-secret' },
      baseUrl: `${base}/`,
      secret: valid.secret ?? '',
      routes: { callback: '/auth/callback' },
    });
    expect(flat.options.redirectUri).toBe(`${base}/callback`);
    expect(flat.options.postLogoutRedirectUri).toBe(`${base}/`);
    expect(nested.options.redirectUri).toBe(`${base}/auth/callback`);
    expect(nested.options.normalized.appId).toBe('app');
  });

  it('needs a secret or a session store', async () => {
    const { secret: _secret, ...withoutSecret } = valid;
    const error = await invalidConfig(withoutSecret);
    expect(error.message).toMatch(/secret/);
    expect(createLogtoCore({ ...withoutSecret, session: createMemorySessionStore() })).toBeTruthy();
  });

  it('rejects a secret shorter than 32 characters', async () => {
    await invalidConfig({ ...valid, secret: 'short' });
  });

  it.each([
    'app.example.com',
    'ftp://app.example.com',
    'https://app.example.com/app',
    'https://app.example.com/?x=1',
    'https://user:pass@app.example.com',
    '',
  ])('rejects the baseUrl %j (an origin is required)', async (baseUrl) => {
    await invalidConfig({ ...valid, baseUrl });
  });

  it('rejects a missing Logto endpoint or app id', async () => {
    await invalidConfig({ ...valid, endpoint: undefined });
    await invalidConfig({ ...valid, appId: undefined });
  });

  it.each([
    { signIn: 'sign-in' },
    { callback: '//evil.example/callback' },
    { signOut: '/sign-out?x=1' },
    { signIn: '/same', signOut: '/same' },
  ])('rejects the routes %j', async (routes) => {
    await invalidConfig({ ...valid, routes });
  });

  it('serves only the enabled routes, each on its methods', () => {
    const core = createLogtoCore({ ...valid, routes: { signOut: false, signIn: '/login' } });
    expect(core.route('GET', '/login?returnTo=/x')).toBe('signIn');
    expect(core.route('GET', '/sign-in')).toBeUndefined();
    expect(core.route('GET', '/sign-out')).toBeUndefined();
    expect(core.route('GET', '/callback?code=1')).toBe('callback');
    expect(core.route('POST', '/callback')).toBeUndefined();
    expect(core.route('POST', '/backchannel-logout')).toBe('backchannelLogout');
    expect(core.route('GET', '/backchannel-logout')).toBeUndefined();
  });

  it('rejects a non-function logger, fetch or onError, and an out-of-range logoutTokenMaxAge', async () => {
    await invalidConfig({ ...valid, logger: {} });
    await invalidConfig({ ...valid, fetch: 'fetch' });
    await invalidConfig({ ...valid, onError: '<p>error</p>' });
    await invalidConfig({ ...valid, logoutTokenMaxAge: 0 });
    await invalidConfig({ ...valid, logoutTokenMaxAge: Number.NaN });
  });

  it('takes postSignOutRedirectUri as a path on baseUrl or an absolute URL', async () => {
    expect(
      createLogtoCore({ ...valid, postSignOutRedirectUri: '/goodbye?from=app' }).options
        .postLogoutRedirectUri,
    ).toBe(`${base}/goodbye?from=app`);
    expect(
      createLogtoCore({ ...valid, postSignOutRedirectUri: 'https://www.example.com/' }).options
        .postLogoutRedirectUri,
    ).toBe('https://www.example.com/');
    for (const value of [
      'goodbye',
      '//evil.example/',
      '/\\evil.example',
      'javascript:x',
      '/a#b',
      7,
    ]) {
      await invalidConfig({ ...valid, postSignOutRedirectUri: value });
    }
  });

  it('rejects cookie options next to a session store (the store takes its own)', async () => {
    const error = await invalidConfig({
      ...valid,
      session: createMemorySessionStore(),
      cookie: { name: 'x' },
    });
    expect(error.message).toMatch(/cookie/);
    await invalidConfig({ ...valid, cookie: { rollingDuration: -1 } });
  });

  it('accepts only the sign-in query parameters it knows', async () => {
    await invalidConfig({ ...valid, signInQueryParams: ['state'] });
    await invalidConfig({ ...valid, signInQueryParams: 'login_hint' });
    expect(createLogtoCore({ ...valid, signInQueryParams: ['login_hint'] })).toBeTruthy();
  });
});

describe('sign-in query parameters', () => {
  const all = new Set([
    'login_hint',
    'first_screen',
    'identifier',
    'direct_sign_in',
    'organization_id',
  ] as const);
  const read = (query: string, allowed: ReadonlySet<never> | typeof all = all) =>
    signInOptionsFromQuery(new URLSearchParams(query), allowed);

  it('reads each allowed parameter into its sign-in option', () => {
    expect(
      read(
        'login_hint=alice@example.com&first_screen=identifier:register&identifier=email%20phone&direct_sign_in=sso:abc&organization_id=acme',
      ),
    ).toEqual({
      loginHint: 'alice@example.com',
      firstScreen: 'identifier:register',
      identifiers: ['email', 'phone'],
      directSignIn: { method: 'sso', target: 'abc' },
      organizationId: 'acme',
    });
  });

  it('reads nothing that is not allowed', () => {
    expect(read('login_hint=alice&first_screen=register', new Set())).toEqual({});
  });

  it.each([
    'first_screen=home',
    'identifier=passport',
    'identifier=',
    'direct_sign_in=magic:x',
    'direct_sign_in=social:',
    'direct_sign_in=social',
    `login_hint=${'a'.repeat(257)}`,
    'login_hint=a%0db',
    'organization_id=',
  ])('ignores the value %s', (query) => {
    expect(read(query)).toEqual({});
  });
});
