/**
 * Helpers shared by the client's integration tests: a logto-dev per file, clients over memory
 * storage, a signed-in session, and storage copies that behave like per-request session copies.
 */
import { completeSignIn, demoConfig, type LogtoDev, startLogtoDev } from 'logto-dev';
import { expect } from 'vitest';
import type { LogtoConfig } from '../../src/config/types.js';
import {
  LogtoClient,
  type LogtoClientOptions,
  LogtoError,
  MemoryStorage,
} from '../../src/index.js';
import type { Storage, StorageKey } from '../../src/storage.js';

/** The redirect URI registered in the demo config. */
export const redirectUri = 'http://127.0.0.1:3000/callback';
/** The post-logout redirect URI registered in the demo config. */
export const postLogoutRedirectUri = 'http://127.0.0.1:3000/';
/** The demo API resource. */
export const api = 'https://api.example.com';

export const demoApp = () => {
  const app = demoConfig().applications[0];
  if (!app?.secret) throw new Error('the demo config has no confidential application');
  return { id: app.id, secret: app.secret };
};

/** Starts logto-dev on a random port. */
export const startDev = (options: Parameters<typeof startLogtoDev>[0] = {}): Promise<LogtoDev> =>
  startLogtoDev({ port: 0, ...options });

/** The client config for the demo app on `dev`, with the organizations scope and the demo API. */
export const clientConfig = (dev: LogtoDev, extra: Partial<LogtoConfig> = {}): LogtoConfig => ({
  endpoint: dev.endpoint,
  appId: demoApp().id,
  appSecret: demoApp().secret,
  scopes: ['email', 'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles'],
  resources: [api],
  ...extra,
});

export const createClient = (
  dev: LogtoDev,
  storage: Storage = new MemoryStorage(),
  extra: Partial<LogtoConfig> = {},
  options: Partial<LogtoClientOptions> = {},
) => new LogtoClient(clientConfig(dev, extra), { storage, ...options });

/** Signs `username` in through the real sign-in pages and handles the callback. */
export const signInAs = async (
  client: LogtoClient,
  username = 'alice',
  password = `${username}-password`,
) => {
  const url = await client.signIn({ redirectUri });
  const callback = await completeSignIn(url, { username, password });
  await client.handleSignInCallback(callback);
};

/** Asserts that `promise` rejects with a LogtoError of `code`, and returns the error. */
export const expectLogtoError = async (promise: Promise<unknown>, code: string) => {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected LogtoError ${code}`).toBeInstanceOf(LogtoError);
  expect((caught as LogtoError).code).toBe(code);
  return caught as LogtoError;
};

/** The session data of a storage, to copy into other storages (like a cookie read per request). */
export const snapshot = async (storage: Storage) => {
  const keys: StorageKey[] = ['idToken', 'refreshToken', 'accessTokenMap', 'signInSession'];
  const entries: Array<[StorageKey, string]> = [];
  for (const key of keys) {
    const value = await storage.getItem(key);
    if (value !== null) entries.push([key, value]);
  }
  return entries;
};

/** A new MemoryStorage holding a copy of `entries`. */
export const copyOf = async (entries: Array<[StorageKey, string]>) => {
  const storage = new MemoryStorage();
  for (const [key, value] of entries) await storage.setItem(key, value);
  return storage;
};

/** Marks every cached access token in `storage` as expired. */
export const expireAccessTokens = async (storage: Storage) => {
  const text = await storage.getItem('accessTokenMap');
  const map = JSON.parse(text ?? '{}') as Record<string, { expiresAt: number }>;
  for (const entry of Object.values(map)) entry.expiresAt = Math.floor(Date.now() / 1000) - 1;
  await storage.setItem('accessTokenMap', JSON.stringify(map));
};

/** Refresh grants the provider served (optionally only those with a given status). */
export const refreshGrants = (dev: LogtoDev, status?: number) =>
  dev.requests.filter(
    (request) =>
      request.grantType === 'refresh_token' && (status === undefined || request.status === status),
  );
