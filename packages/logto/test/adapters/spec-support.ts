/**
 * Shared set-up of the adapter specifications: a logto-dev whose demo app points at the test
 * app's origin, and sign-in through the real pages.
 */
import { completeSignIn, demoConfig, type LogtoDev, startLogtoDev } from 'logto-dev';
import { expect } from 'vitest';
import type { LogtoAdapterOptions } from '../../src/adapters/core/index.js';
import { api } from './apps.js';
import type { Browser } from './browser.js';

export const secret = 'adapter-tests-secret-0123456789abcdef-0123456789';
export const otherSecret = 'another-secret-for-rotation-0123456789abcdef-xyz';

/**
 * The public origin of an app behind a proxy that terminates TLS: the app itself is served over
 * plain http at the test server's origin. Registered in every {@link startDevFor} provider.
 */
export const proxiedOrigin = 'https://app.example.test';

/** Starts logto-dev with the demo app registered for `origin` and {@link proxiedOrigin} (and a back-channel logout URI at `backchannelPath`). */
export const startDevFor = (origin: string, backchannelPath?: string): Promise<LogtoDev> => {
  const config = demoConfig();
  const [app] = config.applications;
  if (!app) throw new Error('the demo config has no application');
  app.redirectUris = [`${origin}/callback`, `${proxiedOrigin}/callback`];
  app.postLogoutRedirectUris = [`${origin}/`, `${origin}/goodbye`, `${proxiedOrigin}/`];
  if (backchannelPath !== undefined) app.backchannelLogoutUri = `${origin}${backchannelPath}`;
  return startLogtoDev({ port: 0, config });
};

/** Adapter options for the demo app on `dev`. */
export const adapterOptions = (
  dev: LogtoDev,
  origin: string,
  extra: Partial<LogtoAdapterOptions> = {},
): LogtoAdapterOptions => {
  const app = dev.config.applications[0];
  return {
    endpoint: dev.endpoint,
    appId: app?.id ?? '',
    appSecret: app?.secret ?? '',
    scopes: [
      'email',
      'custom_data',
      'urn:logto:scope:organizations',
      'urn:logto:scope:organization_roles',
      'read:messages',
      'read:members',
    ],
    resources: [api],
    baseUrl: origin,
    secret,
    logger: { warn() {} },
    ...extra,
  };
};

/** Follows `/sign-in` (or `path`) through the real sign-in pages; returns the app's callback response. */
export const signIn = async (
  browser: Browser,
  path = '/sign-in',
  username = 'alice',
): Promise<Response> => {
  const start = await browser.get(path);
  expect(start.status).toBe(302);
  const authorizationUrl = start.headers.get('location') ?? '';
  const callbackUrl = await completeSignIn(authorizationUrl, {
    username,
    password: `${username}-password`,
  });
  return browser.get(callbackUrl);
};

/** The JSON body of a response. */
export const json = async (response: Response): Promise<Record<string, unknown>> =>
  (await response.json()) as Record<string, unknown>;

/** Revokes `refreshToken` at Logto, as an admin removing the grant would. */
export const revokeAtLogto = async (
  dev: LogtoDev,
  options: LogtoAdapterOptions,
  refreshToken: string,
): Promise<void> => {
  const credentials = Buffer.from(`${options.appId}:${options.appSecret}`).toString('base64');
  const revoked = await fetch(`${dev.issuer}/token/revocation`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${credentials}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token: refreshToken }).toString(),
  });
  expect(revoked.status).toBe(200);
};
