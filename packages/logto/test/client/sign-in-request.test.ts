import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationUrl,
  checkPostRedirectUri,
  parseRedirectUri,
} from '../../src/client/sign-in-request.js';
import type { SignInOptions } from '../../src/client/types.js';
import { normalizeLogtoConfig } from '../../src/config/normalize.js';
import { LogtoError } from '../../src/errors.js';

const config = normalizeLogtoConfig({
  endpoint: 'https://tenant.logto.app',
  appId: 'app',
  scopes: ['email', 'urn:logto:scope:organizations'],
  resources: ['https://api.example.com'],
});
const redirectUri = new URL('https://app.example.com/callback');
const values = {
  authorizationEndpoint: 'https://tenant.logto.app/oidc/auth',
  redirectUri: 'https://app.example.com/callback',
  state: 'the-state',
  nonce: 'the-nonce',
  codeChallenge: 'the-challenge',
};
const build = (options: Partial<SignInOptions> = {}) =>
  new URL(buildAuthorizationUrl(config, { redirectUri, ...options }, values)).searchParams;

const expectCode = (action: () => unknown, code: string) => {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(LogtoError);
  expect((caught as LogtoError).code).toBe(code);
};

describe('authorization URL', () => {
  it('carries client, redirect URI, code flow, scopes, resources, prompt, PKCE S256, state and nonce', () => {
    const parameters = build();
    expect(parameters.get('client_id')).toBe('app');
    expect(parameters.get('redirect_uri')).toBe('https://app.example.com/callback');
    expect(parameters.get('response_type')).toBe('code');
    expect(parameters.get('scope')).toBe(
      'openid offline_access profile email urn:logto:scope:organizations',
    );
    expect(parameters.getAll('resource')).toEqual([
      'https://api.example.com',
      'urn:logto:resource:organizations',
    ]);
    expect(parameters.get('prompt')).toBe('consent');
    expect(parameters.get('code_challenge')).toBe('the-challenge');
    expect(parameters.get('code_challenge_method')).toBe('S256');
    expect(parameters.get('state')).toBe('the-state');
    expect(parameters.get('nonce')).toBe('the-nonce');
  });

  it('sends Logto extensions: first_screen, identifier, direct_sign_in, login_hint, organization_id', () => {
    const parameters = build({
      firstScreen: 'identifier:register',
      identifiers: ['email', 'phone'],
      directSignIn: { method: 'social', target: 'google' },
      loginHint: 'alice@example.com',
      organizationId: 'acme',
      interactionMode: 'signUp',
      prompt: ['login'],
    });
    expect(parameters.get('first_screen')).toBe('identifier:register');
    expect(parameters.get('identifier')).toBe('email phone');
    expect(parameters.get('direct_sign_in')).toBe('social:google');
    expect(parameters.get('login_hint')).toBe('alice@example.com');
    expect(parameters.get('organization_id')).toBe('acme');
    expect(parameters.get('prompt')).toBe('login');
    expect(parameters.has('interaction_mode')).toBe(false);
  });

  it('sends interaction_mode only without firstScreen', () => {
    expect(build({ interactionMode: 'signUp' }).get('interaction_mode')).toBe('signUp');
  });

  it('appends extraParams', () => {
    expect(build({ extraParams: { ui_locales: 'fr' } }).get('ui_locales')).toBe('fr');
  });

  it('rejects extraParams that would override a core parameter', () => {
    for (const key of [
      'state',
      'prompt',
      'client_id',
      'redirect_uri',
      'nonce',
      'scope',
      'resource',
      'organization_id',
    ]) {
      expectCode(() => build({ extraParams: { [key]: 'x' } }), 'sign_in.invalid_options');
    }
  });

  it('rejects unknown firstScreen, identifiers, directSignIn and prompt values', () => {
    expectCode(() => build({ firstScreen: 'home' as never }), 'sign_in.invalid_options');
    expectCode(() => build({ identifiers: ['passport' as never] }), 'sign_in.invalid_options');
    expectCode(
      () => build({ directSignIn: { method: 'magic' as never, target: 'x' } }),
      'sign_in.invalid_options',
    );
    expectCode(
      () => build({ directSignIn: { method: 'sso', target: '' } }),
      'sign_in.invalid_options',
    );
    expectCode(() => build({ prompt: 'always' as never }), 'sign_in.invalid_options');
    expectCode(() => build({ organizationId: '' }), 'sign_in.invalid_options');
    expectCode(() => build({ prompt: ['none', 'login'] }), 'sign_in.invalid_options');
  });

  it('keeps query parameters already in the authorization endpoint', () => {
    const url = buildAuthorizationUrl(
      config,
      { redirectUri },
      { ...values, authorizationEndpoint: 'https://tenant.logto.app/oidc/auth?tenant=t1' },
    );
    expect(new URL(url).searchParams.get('tenant')).toBe('t1');
  });
});

describe('redirect URI', () => {
  it('must be an absolute http(s) URL without a fragment', () => {
    expect(parseRedirectUri('http://127.0.0.1:3000/callback').href).toBe(
      'http://127.0.0.1:3000/callback',
    );
    expectCode(() => parseRedirectUri('/callback'), 'sign_in.invalid_options');
    expectCode(() => parseRedirectUri('javascript:alert(1)'), 'sign_in.invalid_options');
    expectCode(() => parseRedirectUri('https://app.example.com/cb#x'), 'sign_in.invalid_options');
  });
});

describe('postRedirectUri (no open redirects)', () => {
  it('accepts a path starting with a single slash and a same-origin URL', () => {
    expect(checkPostRedirectUri('/dashboard?tab=1', redirectUri)).toBe('/dashboard?tab=1');
    expect(checkPostRedirectUri('https://app.example.com/home', redirectUri)).toBe(
      'https://app.example.com/home',
    );
  });

  it('rejects protocol-relative, backslash, other-origin, non-http and control-character values', () => {
    for (const value of [
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      'https://evil.example/home',
      'http://app.example.com/home',
      'https://app.example.com.evil.example/',
      'javascript:alert(1)',
      'data:text/html,hi',
      'dashboard',
      '',
    ]) {
      expectCode(() => checkPostRedirectUri(value, redirectUri), 'sign_in.invalid_options');
    }
  });
});
