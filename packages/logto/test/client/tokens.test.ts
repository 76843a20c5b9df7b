import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/index.js';
import { logtoDevPerFile } from '../support/logto-dev-per-file.js';
import {
  api,
  copyOf,
  createClient,
  expectLogtoError,
  expireAccessTokens,
  refreshGrants,
  signInAs,
  snapshot,
} from './support.js';

const dev = logtoDevPerFile();

const signedIn = async (username = 'alice') => {
  const storage = new MemoryStorage();
  const client = createClient(dev, storage);
  await signInAs(client, username);
  return { client, storage };
};

describe('getAccessToken', () => {
  it('returns the userinfo token from the code exchange without a refresh', async () => {
    const { client } = await signedIn();
    dev.resetRequests();
    expect(await client.getAccessToken()).toEqual(expect.any(String));
    expect(await client.getAccessToken('')).toBe(await client.getAccessToken());
    expect(dev.requests).toHaveLength(0);
  });

  it('gets an API token by a refresh grant with resource, then serves it from the cache', async () => {
    const { client } = await signedIn();
    dev.resetRequests();
    const token = await client.getAccessToken(api);
    expect(refreshGrants(dev, 200)).toHaveLength(1);
    expect(await client.getAccessToken(api)).toBe(token);
    expect(refreshGrants(dev)).toHaveLength(1);
    const claims = await client.getAccessTokenClaims(api);
    expect(claims).toMatchObject({ aud: api, sub: 'user-alice', iss: dev.issuer });
  });

  it('refreshes an expired cached token', async () => {
    const { client, storage } = await signedIn();
    const first = await client.getAccessToken(api);
    await expireAccessTokens(storage);
    dev.resetRequests();
    const second = await client.getAccessToken(api);
    expect(second).not.toBe(first);
    expect(refreshGrants(dev, 200)).toHaveLength(1);
  });

  it('keeps a new ID token from a refresh, verified and about the same user', async () => {
    const { client } = await signedIn();
    const before = await client.getIdToken();
    await client.getAccessToken(api);
    const after = await client.getIdToken();
    expect(after).not.toBe(before);
    expect((await client.getIdTokenClaims()).sub).toBe('user-alice');
  });

  it('refuses to decode the opaque userinfo token as a JWT', async () => {
    const { client } = await signedIn();
    const error = await expectLogtoError(client.getAccessTokenClaims(), 'token.not_a_jwt');
    expect(error.message).toContain('Pass an API resource or an organization ID');
  });

  it('says token.invalid_target for a resource that was not requested at sign-in', async () => {
    const { client } = await signedIn();
    const error = await expectLogtoError(
      client.getAccessToken('https://unknown.example.com'),
      'token.invalid_target',
    );
    expect(error.error).toBe('invalid_target');
    // The session is still good.
    expect(await client.getAccessToken(api)).toEqual(expect.any(String));
  });

  it('says token.not_authenticated without a refresh token', async () => {
    await expectLogtoError(createClient(dev).getAccessToken(api), 'token.not_authenticated');
  });

  it('says token.invalid_grant when the refresh token was revoked, and signs the session out', async () => {
    const { client, storage } = await signedIn();
    const copy = await copyOf(await snapshot(storage));
    await client.signOut();
    const revoked = createClient(dev, copy);
    const error = await expectLogtoError(revoked.getAccessToken(api), 'token.invalid_grant');
    expect(error.error).toBe('invalid_grant');
    expect(await revoked.isAuthenticated()).toBe(false);
    expect(await snapshot(copy)).toEqual([]);
  });

  it('forgets cached access tokens on clearAccessToken, and everything on clearAllTokens', async () => {
    const { client, storage } = await signedIn();
    await client.getAccessToken(api);
    await client.clearAccessToken();
    expect(await storage.getItem('accessTokenMap')).toBeNull();
    dev.resetRequests();
    await client.getAccessToken(api);
    expect(refreshGrants(dev, 200)).toHaveLength(1);
    await client.clearAllTokens();
    expect(await client.isAuthenticated()).toBe(false);
    await expectLogtoError(client.getAccessToken(api), 'token.not_authenticated');
  });

  it('without offline_access there is no refresh token: signed in until the ID token expires, no refresh', async () => {
    const client = createClient(dev, new MemoryStorage(), {
      includeReservedScopes: false,
      scopes: ['openid', 'profile'],
      resources: [],
    });
    await signInAs(client);
    expect(await client.getRefreshToken()).toBeNull();
    expect(await client.isAuthenticated()).toBe(true);
    expect(await client.getAccessToken()).toEqual(expect.any(String));
    await expectLogtoError(client.getAccessToken(api), 'token.not_authenticated');
  });

  it('treats a corrupt access-token cache as empty', async () => {
    const { client, storage } = await signedIn();
    await storage.setItem('accessTokenMap', '[[[');
    expect(await client.getAccessToken(api)).toEqual(expect.any(String));
  });
});

describe('organizations', () => {
  it('gets an organization token (audience urn:logto:organization:<id>) with its scopes', async () => {
    const { client } = await signedIn();
    dev.resetRequests();
    const claims = await client.getOrganizationTokenClaims('acme');
    expect(claims.aud).toBe('urn:logto:organization:acme');
    expect(claims.sub).toBe('user-alice');
    expect(refreshGrants(dev, 200)).toHaveLength(1);
    expect(await client.getOrganizationToken('acme')).toEqual(expect.any(String));
    expect(refreshGrants(dev)).toHaveLength(1);
  });

  it('keeps tokens of different organizations apart', async () => {
    const { client } = await signedIn();
    const acme = await client.getOrganizationToken('acme');
    const globex = await client.getOrganizationToken('globex');
    expect(acme).not.toBe(globex);
    expect((await client.getOrganizationTokenClaims('globex')).aud).toBe(
      'urn:logto:organization:globex',
    );
  });

  it('gets an organization-scoped API token (resource + organization_id)', async () => {
    const { client } = await signedIn();
    const claims = await client.getAccessTokenClaims(api, 'acme');
    expect(claims).toMatchObject({ aud: api, organization_id: 'acme' });
    expect(await client.getAccessToken(api, 'acme')).not.toBe(await client.getAccessToken(api));
  });

  it('says token.access_denied for an organization the user is not a member of', async () => {
    const { client } = await signedIn('bob');
    const error = await expectLogtoError(
      client.getOrganizationToken('acme'),
      'token.access_denied',
    );
    expect(error.error).toBe('access_denied');
    expect(await client.isAuthenticated()).toBe(true);
  });

  it('requires the organizations scope for organization tokens', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage, { scopes: ['email'] });
    await signInAs(client);
    dev.resetRequests();
    await expectLogtoError(
      client.getOrganizationToken('acme'),
      'token.missing_organizations_scope',
    );
    expect(dev.requests).toHaveLength(0);
  });
});

describe('fetchUserInfo', () => {
  it('returns the userinfo claims of the signed-in user, with organization_data', async () => {
    const { client } = await signedIn();
    const userInfo = await client.fetchUserInfo();
    expect(userInfo.sub).toBe('user-alice');
    expect(userInfo.email).toBe('alice@example.com');
    expect(userInfo.organization_data?.map((organization) => organization.id)).toEqual([
      'acme',
      'globex',
    ]);
  });

  it('refreshes the userinfo token when it has expired', async () => {
    const { client, storage } = await signedIn();
    await expireAccessTokens(storage);
    dev.resetRequests();
    expect((await client.fetchUserInfo()).sub).toBe('user-alice');
    expect(refreshGrants(dev, 200)).toHaveLength(1);
  });

  it('signs the session out when Logto revoked it (the userinfo token refused, then the refresh token)', async () => {
    const { client, storage } = await signedIn();
    const copy = await copyOf(await snapshot(storage));
    await client.signOut();
    const revoked = createClient(dev, copy);
    dev.resetRequests();
    await expectLogtoError(revoked.fetchUserInfo(), 'token.invalid_grant');
    expect(dev.requests.map((request) => [request.path, request.status])).toEqual([
      ['/oidc/me', 401],
      ['/oidc/token', 400],
    ]);
    expect(await revoked.isAuthenticated()).toBe(false);
    expect(await snapshot(copy)).toEqual([]);
  });

  it('says token.not_authenticated before sign-in', async () => {
    await expectLogtoError(createClient(dev).fetchUserInfo(), 'token.not_authenticated');
  });
});

describe('signing key rotation', () => {
  it('verifies a refreshed ID token signed with a new key after one JWKS refetch', async () => {
    const { client } = await signedIn();
    await dev.rotateSigningKey();
    dev.resetRequests();
    await client.getAccessToken(api);
    expect(dev.requests.filter((request) => request.path === '/oidc/jwks')).toHaveLength(1);
    expect((await client.getIdTokenClaims()).sub).toBe('user-alice');
    await client.clearAccessToken();
    await client.getAccessToken(api);
    expect(dev.requests.filter((request) => request.path === '/oidc/jwks')).toHaveLength(1);
  });
});
