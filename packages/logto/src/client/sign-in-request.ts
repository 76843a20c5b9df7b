/**
 * Validates `signIn` options and builds the authorization URL. Pure: no I/O, no randomness
 * (the caller passes state, nonce and PKCE challenge in).
 *
 * @module
 */

import { parsePrompt, promptRule } from '../config/normalize.js';
import { FirstScreen } from '../config/scopes.js';
import type { NormalizedLogtoConfig } from '../config/types.js';
import { LogtoError } from '../errors.js';
import type { SignInOptions } from './types.js';

/** Parameters the client sets itself; `extraParams` may not contain them. */
export const coreAuthorizationParameters: ReadonlySet<string> = new Set(
  `client_id redirect_uri response_type response_mode scope resource prompt code_challenge
  code_challenge_method state nonce first_screen interaction_mode identifier direct_sign_in
  login_hint organization_id request request_uri client_secret`.split(/\s+/),
);

const firstScreens: ReadonlySet<string> = new Set(Object.values(FirstScreen));
const identifierTypes: ReadonlySet<string> = new Set(['email', 'phone', 'username']);

const invalidOption = (message: string): LogtoError =>
  new LogtoError('sign_in.invalid_options', message);

/**
 * Parses `redirectUri`: an absolute http(s) URL without a fragment.
 *
 * @throws {@link LogtoError} `sign_in.invalid_options`
 */
export const parseRedirectUri = (value: unknown): URL => {
  const text = value instanceof URL ? value.href : value;
  const url = typeof text === 'string' ? URL.parse(text) : null;
  if (url === null) throw invalidOption('signIn: redirectUri must be an absolute URL.');
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash) {
    throw invalidOption('signIn: redirectUri must be an http(s) URL without a fragment.');
  }
  return url;
};

/**
 * Checks `postRedirectUri` against `redirectUri` and returns the value to store: a path that
 * starts with exactly one `/`, or an absolute URL of the same origin. Protocol-relative URLs
 * (`//host`, `/\host`), other origins, other schemes and control characters are rejected.
 *
 * @throws {@link LogtoError} `sign_in.invalid_options`
 */
export const checkPostRedirectUri = (value: unknown, redirectUri: URL): string => {
  const text = value instanceof URL ? value.href : value;
  const reject = () =>
    invalidOption(
      'signIn: postRedirectUri must be a path starting with a single "/" or a URL with the same origin as redirectUri.',
    );
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (typeof text !== 'string' || text.length === 0 || /[\u0000-\u001f\u007f\\]/.test(text)) {
    throw reject();
  }
  if (text.startsWith('/')) {
    if (text.startsWith('//')) throw reject();
    if (new URL(text, redirectUri).origin !== redirectUri.origin) throw reject();
    return text;
  }
  const url = URL.parse(text);
  // `blob:` URLs have the origin of the URL inside them.
  if (url === null || url.protocol !== redirectUri.protocol || url.origin !== redirectUri.origin) {
    throw reject();
  }
  return url.href;
};

/** What {@link buildAuthorizationUrl} needs besides the options. */
export interface AuthorizationRequestValues {
  /** The provider's `authorization_endpoint`. */
  authorizationEndpoint: string;
  /** The redirect URI exactly as given (Logto compares it with the registered one as a string). */
  redirectUri: string;
  /** The `state` value. */
  state: string;
  /** The `nonce` value. */
  nonce: string;
  /** The PKCE S256 challenge. */
  codeChallenge: string;
}

/**
 * Builds the authorization URL: core parameters first, Logto's extensions next, `extraParams` last.
 *
 * @throws {@link LogtoError} `sign_in.invalid_options` for a bad option.
 */
export const buildAuthorizationUrl = (
  config: NormalizedLogtoConfig,
  options: SignInOptions,
  values: AuthorizationRequestValues,
): string => {
  const url = new URL(values.authorizationEndpoint);
  const parameters = url.searchParams;
  parameters.set('client_id', config.appId);
  parameters.set('redirect_uri', values.redirectUri);
  parameters.set('response_type', 'code');
  parameters.set('scope', config.scopes.join(' '));
  for (const resource of config.resources) parameters.append('resource', resource);
  const prompt = options.prompt === undefined ? config.prompt : parsePrompt(options.prompt);
  if (prompt === undefined) throw invalidOption(`signIn: prompt ${promptRule}`);
  parameters.set('prompt', prompt);
  parameters.set('code_challenge', values.codeChallenge);
  parameters.set('code_challenge_method', 'S256');
  parameters.set('state', values.state);
  parameters.set('nonce', values.nonce);

  if (options.firstScreen !== undefined) {
    if (!firstScreens.has(options.firstScreen)) {
      throw invalidOption(`signIn: firstScreen must be one of ${[...firstScreens].join(', ')}.`);
    }
    parameters.set('first_screen', options.firstScreen);
  } else if (options.interactionMode !== undefined) {
    if (options.interactionMode !== 'signIn' && options.interactionMode !== 'signUp') {
      throw invalidOption("signIn: interactionMode must be 'signIn' or 'signUp'.");
    }
    parameters.set('interaction_mode', options.interactionMode);
  }
  if (options.identifiers !== undefined) {
    if (
      !Array.isArray(options.identifiers) ||
      options.identifiers.length === 0 ||
      !options.identifiers.every((item) => identifierTypes.has(item))
    ) {
      throw invalidOption(
        'signIn: identifiers must be a non-empty list of email, phone, username.',
      );
    }
    parameters.set('identifier', [...new Set(options.identifiers)].join(' '));
  }
  if (options.directSignIn !== undefined) {
    const { method, target } = options.directSignIn;
    if ((method !== 'social' && method !== 'sso') || typeof target !== 'string' || !target) {
      throw invalidOption("signIn: directSignIn needs method 'social' or 'sso' and a target.");
    }
    parameters.set('direct_sign_in', `${method}:${target}`);
  }
  for (const [name, parameter] of [
    ['loginHint', 'login_hint'],
    ['organizationId', 'organization_id'],
  ] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !value) {
      throw invalidOption(`signIn: ${name} must be a non-empty string.`);
    }
    parameters.set(parameter, value);
  }
  for (const [key, value] of Object.entries(options.extraParams ?? {})) {
    if (coreAuthorizationParameters.has(key)) {
      throw invalidOption(
        `signIn: extraParams may not set "${key}", a parameter the client sets itself; use the matching option instead.`,
      );
    }
    if (typeof value !== 'string') {
      throw invalidOption(`signIn: extraParams.${key} must be a string.`);
    }
    parameters.set(key, value);
  }
  return url.href;
};
