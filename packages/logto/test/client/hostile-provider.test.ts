import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogtoConfig } from '../../src/config/types.js';
import { LogtoClient, MemoryStorage } from '../../src/index.js';
import {
  type HostileProvider,
  respond,
  startHostileProvider,
} from '../support/hostile-provider.js';
import { expectLogtoError } from './support.js';

const redirectUri = 'http://127.0.0.1:3000/callback';
// A new provider per test, all closed at the end: closing one early could let a later provider
// get its port, and discovery and JWKS are cached process-wide by URL.
let provider: HostileProvider;
const providers: HostileProvider[] = [];
beforeEach(async () => {
  provider = await startHostileProvider();
  providers.push(provider);
});
afterAll(async () => {
  await Promise.all(providers.map((each) => each.close().catch(() => undefined)));
});

const configFor = (extra: Partial<LogtoConfig> = {}): LogtoConfig => ({
  endpoint: provider.endpoint,
  appId: provider.clientId,
  appSecret: 'test-secret',
  timeout: 500,
  ...extra,
});

/** Follows the provider's authorization redirect and returns the callback URL. */
const authorize = async (client: LogtoClient) => {
  const response = await fetch(await client.signIn({ redirectUri }), { redirect: 'manual' });
  const location = response.headers.get('location');
  if (!location)
    throw new Error(`no redirect from the authorization endpoint (${response.status})`);
  return location;
};

const signedIn = async (extra: Partial<LogtoConfig> = {}, warnings: string[] = []) => {
  const storage = new MemoryStorage();
  const client = new LogtoClient(configFor(extra), {
    storage,
    logger: { warn: (message) => warnings.push(message) },
  });
  await client.handleSignInCallback(await authorize(client));
  return { client, storage };
};

describe('against a misbehaving provider', () => {
  it('rejects an authorization response whose iss is another issuer', async () => {
    provider.handle('authorization', ({ request, response }) => {
      const query = new URL(request.url ?? '/', provider.endpoint).searchParams;
      const target = new URL(query.get('redirect_uri') ?? '');
      target.searchParams.set('code', 'code-1');
      target.searchParams.set('state', query.get('state') ?? '');
      target.searchParams.set('iss', 'https://attacker.example/oidc');
      response.writeHead(303, { location: target.href });
      response.end();
    });
    const client = new LogtoClient(configFor(), { storage: new MemoryStorage() });
    await expectLogtoError(
      client.handleSignInCallback(await authorize(client)),
      'callback.issuer_mismatch',
    );
    expect(provider.count('token')).toBe(0);
  });

  it('gets a new userinfo token once when Logto refuses the cached one (401 invalid_token)', async () => {
    const { client } = await signedIn();
    let calls = 0;
    provider.handle('userinfo', (context) => {
      calls++;
      if (calls === 1) {
        context.response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
        context.response.end();
        return;
      }
      respond.json({ sub: 'user-1', name: 'Test User' })(context);
    });
    const tokenCalls = provider.count('token');
    expect((await client.fetchUserInfo()).sub).toBe('user-1');
    expect(provider.count('token')).toBe(tokenCalls + 1);
    expect(await client.isAuthenticated()).toBe(true);
  });

  it('signs the session out when userinfo refuses a new token too (401 invalid_token)', async () => {
    const { client, storage } = await signedIn();
    provider.handle('userinfo', ({ response }) => {
      response.writeHead(401, {
        'www-authenticate': 'Bearer error="invalid_token", error_description="grant revoked"',
      });
      response.end();
    });
    const error = await expectLogtoError(client.fetchUserInfo(), 'token.not_authenticated');
    expect(error.cause).toMatchObject({ code: 'provider.error_response', status: 401 });
    expect(await client.isAuthenticated()).toBe(false);
    expect(await storage.getItem('idToken')).toBeNull();
    expect(await storage.getItem('refreshToken')).toBeNull();
  });

  it('keeps the session when userinfo fails for another reason (a 500 is not a sign-out)', async () => {
    const { client } = await signedIn();
    provider.handle('userinfo', ({ response }) => {
      response.writeHead(500);
      response.end();
    });
    await expect(client.fetchUserInfo()).rejects.toMatchObject({
      code: expect.stringMatching(/^provider\./),
    });
    expect(await client.isAuthenticated()).toBe(true);
  });

  it('rejects userinfo about another user than the ID token', async () => {
    const { client } = await signedIn();
    provider.handle('userinfo', respond.json({ sub: 'someone-else', name: 'Mallory' }));
    await expectLogtoError(client.fetchUserInfo(), 'userinfo.sub_mismatch');
  });

  it('rejects a refreshed ID token about another user, and keeps the old session', async () => {
    const { client } = await signedIn();
    const before = await client.getIdToken();
    await client.clearAccessToken();
    provider.idTokenOptions = { claims: { sub: 'user-2' } };
    await expectLogtoError(client.getAccessToken(), 'id_token.sub_mismatch');
    expect(await client.getIdToken()).toBe(before);
  });

  it('says id_token.missing when the code exchange returns no ID token', async () => {
    provider.handle(
      'token',
      respond.json({ access_token: 'at', token_type: 'Bearer', expires_in: 3600 }),
    );
    const client = new LogtoClient(configFor(), { storage: new MemoryStorage() });
    await expectLogtoError(
      client.handleSignInCallback(await authorize(client)),
      'id_token.missing',
    );
    expect(await client.isAuthenticated()).toBe(false);
  });

  it('keeps the refresh token when a refresh response does not rotate it', async () => {
    const { client } = await signedIn();
    const refreshToken = await client.getRefreshToken();
    provider.handle(
      'token',
      respond.json({ access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 }),
    );
    await client.clearAccessToken();
    expect(await client.getAccessToken()).toBe('at-2');
    expect(await client.getRefreshToken()).toBe(refreshToken);
  });

  it('stops waiting for a hanging token endpoint after the timeout', async () => {
    provider.handle('token', respond.hang());
    const client = new LogtoClient(configFor({ timeout: 300 }), { storage: new MemoryStorage() });
    await expectLogtoError(
      client.handleSignInCallback(await authorize(client)),
      'provider.timeout',
    );
  });

  it('says provider.unreachable when the provider is down', async () => {
    const endpoint = provider.endpoint;
    await provider.close();
    const client = new LogtoClient(
      { endpoint, appId: 'test-client', timeout: 1000 },
      { storage: new MemoryStorage() },
    );
    await expectLogtoError(client.signIn({ redirectUri }), 'provider.unreachable');
  });

  it('signs out even when revocation fails, and logs a warning without the token', async () => {
    const warnings: string[] = [];
    const { client } = await signedIn({}, warnings);
    const refreshToken = (await client.getRefreshToken()) ?? '';
    provider.handle('revocation', respond.oauthError('server_error', 'down', 500));
    const url = await client.signOut('http://127.0.0.1:3000/');
    expect(new URL(url).searchParams.get('client_id')).toBe(provider.clientId);
    expect(await client.isAuthenticated()).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(refreshToken);
  });

  it('signs out within the timeout when revocation hangs', async () => {
    const { client } = await signedIn({ timeout: 300 });
    provider.handle('revocation', respond.hang());
    expect(await client.signOut()).toContain('/oidc/session/end');
    expect(provider.count('revocation')).toBe(1);
  });

  it('says provider.missing_endpoint without an end-session endpoint, after clearing the session', async () => {
    delete provider.metadata.end_session_endpoint;
    const { client, storage } = await signedIn();
    await expectLogtoError(client.signOut(), 'provider.missing_endpoint');
    expect(await storage.getItem('idToken')).toBeNull();
    expect(await storage.getItem('refreshToken')).toBeNull();
  });
});

describe('client authentication', () => {
  const tokenRequest = () => provider.requests.find((request) => request.endpoint === 'token');

  it('sends the secret as HTTP Basic by default', async () => {
    await signedIn();
    const request = tokenRequest();
    expect(request?.headers.authorization).toMatch(/^Basic /);
    expect(request?.form.has('client_secret')).toBe(false);
  });

  it('sends the secret in the body with client_secret_post', async () => {
    await signedIn({ clientAuth: 'client_secret_post' });
    const request = tokenRequest();
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form.get('client_secret')).toBe('test-secret');
  });

  it('sends no secret at all for a public client', async () => {
    const storage = new MemoryStorage();
    const client = new LogtoClient(
      { endpoint: provider.endpoint, appId: provider.clientId },
      { storage },
    );
    await client.handleSignInCallback(await authorize(client));
    const request = tokenRequest();
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form.has('client_secret')).toBe(false);
    expect(request?.form.get('client_id')).toBe(provider.clientId);
  });

  it('sends no secret on discovery or JWKS requests', async () => {
    await signedIn();
    const requests = provider.requests.filter((entry) =>
      ['discovery', 'jwks'].includes(entry.endpoint),
    );
    expect(requests.map((request) => request.endpoint).sort()).toEqual(['discovery', 'jwks']);
    for (const request of requests) {
      expect(request.headers.authorization).toBeUndefined();
    }
  });
});
