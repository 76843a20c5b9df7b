/**
 * Helpers of the logto-ts/api tests: real access tokens from a real logto-dev, obtained by signing a
 * demo user in through the sign-in pages with the SDK's own LogtoClient.
 */
import { completeSignIn, demoConfig, type LogtoDev } from 'logto-dev';
import { LogtoClient, MemoryStorage } from '../../src/index.js';

/** The demo API resource. */
export const api = 'https://api.example.com';
/** The redirect URI registered in the demo config. */
export const redirectUri = 'http://127.0.0.1:3000/callback';

/** The scopes asked at sign-in by default: organizations, and the demo API and organization scopes. */
export const defaultScopes = ['urn:logto:scope:organizations', 'read:messages', 'read:members'];

/** A client for the demo app, asking for the demo API and `scopes`. */
export function demoClient(dev: LogtoDev, scopes: string[] = defaultScopes): LogtoClient {
  const app = demoConfig().applications[0];
  if (!app?.secret) throw new Error('the demo config has no confidential application');
  return new LogtoClient(
    {
      endpoint: dev.endpoint,
      appId: app.id,
      appSecret: app.secret,
      scopes,
      resources: [api],
    },
    { storage: new MemoryStorage() },
  );
}

/** Signs `username` in (password `<username>-password`) and returns the signed-in client. */
export async function signedIn(
  dev: LogtoDev,
  username = 'alice',
  scopes: string[] = defaultScopes,
): Promise<LogtoClient> {
  const client = demoClient(dev, scopes);
  const url = await client.signIn({ redirectUri });
  await client.handleSignInCallback(
    await completeSignIn(url, { username, password: `${username}-password` }),
  );
  return client;
}

/** The three kinds of access token alice can get from `dev`. */
export async function aliceTokens(dev: LogtoDev) {
  const client = await signedIn(dev);
  return {
    resource: await client.getAccessToken(api),
    organization: await client.getOrganizationToken('acme'),
    organizationApi: await client.getAccessToken(api, 'acme'),
  };
}

/** Decodes a JWT part (header 0 or payload 1) without verifying it. */
export function decodePart(token: string, part: 0 | 1): Record<string, unknown> {
  const segment = token.split('.')[part] ?? '';
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** `token` with its payload replaced (signature kept): a tampered token. */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}
