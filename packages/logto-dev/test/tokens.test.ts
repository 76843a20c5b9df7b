import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogtoDev, startLogtoDev } from '../src/index.js';
import { api, bob, decode, refresh, signIn, verify } from './helpers.js';

let dev: LogtoDev;
beforeAll(async () => {
  dev = await startLogtoDev({ port: 0 });
});
afterAll(async () => {
  await dev.stop();
});

const organizations = 'urn:logto:resource:organizations';
const allScopes =
  'openid offline_access profile email phone custom_data identities roles urn:logto:scope:organizations urn:logto:scope:organization_roles';

describe('claims per scope', () => {
  it('puts only openid and profile claims in the ID token for the default scopes', async () => {
    const tokens = await signIn(dev);
    const claims = decode(tokens.id_token ?? '');
    expect(claims).toMatchObject({
      sub: 'user-alice',
      name: 'Alice Liddell',
      username: 'alice',
      picture: 'https://avatars.example.com/alice.png',
    });
    expect(typeof claims.created_at).toBe('number');
    expect(typeof claims.updated_at).toBe('number');
    for (const claim of ['email', 'phone_number', 'roles', 'organizations', 'custom_data'])
      expect(claims).not.toHaveProperty(claim);
  });

  it('puts email, phone, roles, organizations and organization_roles in the ID token, never custom_data, identities or organization_data', async () => {
    const tokens = await signIn(dev, { scope: allScopes, resources: [organizations] });
    const claims = decode(tokens.id_token ?? '');
    expect(claims).toMatchObject({
      email: 'alice@example.com',
      email_verified: true,
      phone_number: '+15555550100',
      phone_number_verified: true,
      roles: ['message-admin'],
      organizations: ['acme', 'globex'],
      organization_roles: ['acme:admin', 'globex:member'],
    });
    for (const claim of ['custom_data', 'identities', 'sso_identities', 'organization_data'])
      expect(claims).not.toHaveProperty(claim);
  });

  it('returns custom_data, identities and organization_data from userinfo', async () => {
    const tokens = await signIn(dev, { scope: allScopes, resources: [organizations] });
    const response = await fetch(`${dev.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      sub: 'user-alice',
      custom_data: { plan: 'pro' },
      identities: { github: { userId: 'alice-gh-1865' } },
      sso_identities: [],
      organization_data: [
        { id: 'acme', name: 'Acme Inc.', description: 'Makers of everything' },
        { id: 'globex', name: 'Globex Corporation', description: null },
      ],
    });
  });

  it('gives null for an empty profile claim', async () => {
    const tokens = await signIn(dev, {}, bob);
    expect(decode(tokens.id_token ?? '')).toMatchObject({ sub: 'user-bob', picture: null });
  });
});

describe('API resource tokens', () => {
  it('issues a signed JWT with aud = the indicator and the granted ∩ requested scopes', async () => {
    const tokens = await signIn(dev, {
      scope: 'openid offline_access profile read:messages write:messages',
      resources: [api],
    });
    const { status, body } = await refresh(dev, tokens.refresh_token ?? '', { resource: api });
    expect(status).toBe(200);
    const { payload, protectedHeader } = await verify(dev, String(body.access_token));
    expect(protectedHeader.alg).toBe('ES384');
    expect(payload).toMatchObject({
      aud: api,
      sub: 'user-alice',
      client_id: 'demo-app',
      scope: 'read:messages write:messages',
    });
    expect(body.expires_in).toBe(3600);
    expect(body.scope).toBe('read:messages write:messages');
    expect(body.id_token).toBeTruthy();
  });

  it("limits the scopes to what the user's roles grant", async () => {
    const tokens = await signIn(
      dev,
      { scope: 'openid offline_access read:messages write:messages', resources: [api] },
      bob,
    );
    const { body } = await refresh(dev, tokens.refresh_token ?? '', { resource: api });
    expect(decode(String(body.access_token)).scope).toBe('read:messages');
  });

  it('limits the scopes to what was requested at sign-in', async () => {
    const tokens = await signIn(dev, {
      scope: 'openid offline_access read:messages',
      resources: [api],
    });
    const { body } = await refresh(dev, tokens.refresh_token ?? '', { resource: api });
    expect(decode(String(body.access_token)).scope).toBe('read:messages');
  });

  it('answers invalid_target for a resource not requested at sign-in', async () => {
    const tokens = await signIn(dev, { scope: 'openid offline_access read:messages' });
    const { status, body } = await refresh(dev, tokens.refresh_token ?? '', { resource: api });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_target');
  });

  it('uses the resource access-token TTL', async () => {
    const config = dev.config;
    const short = await startLogtoDev({
      port: 0,
      config: {
        ...config,
        resources: [
          { indicator: api, scopes: ['read:messages', 'write:messages'], accessTokenTtl: 2 },
        ],
      },
    });
    try {
      const tokens = await signIn(short, {
        scope: 'openid offline_access read:messages',
        resources: [api],
      });
      const { body } = await refresh(short, tokens.refresh_token ?? '', { resource: api });
      expect(body.expires_in).toBe(2);
      const claims = decode(String(body.access_token));
      expect(Number(claims.exp) - Number(claims.iat)).toBe(2);
    } finally {
      await short.stop();
    }
  });
});

describe('organization tokens', () => {
  const orgScope =
    'openid offline_access profile urn:logto:scope:organizations read:members invite:members read:messages write:messages';

  it('issues aud urn:logto:organization:<id> with the member organization scopes', async () => {
    const tokens = await signIn(dev, { scope: orgScope, resources: [organizations] });
    const acme = await refresh(dev, tokens.refresh_token ?? '', { organization_id: 'acme' });
    expect(acme.status).toBe(200);
    const { payload } = await verify(dev, String(acme.body.access_token));
    expect(payload).toMatchObject({
      aud: 'urn:logto:organization:acme',
      scope: 'read:members invite:members',
      sub: 'user-alice',
    });
    expect(acme.body.expires_in).toBe(3600);
    const globex = await refresh(dev, tokens.refresh_token ?? '', { organization_id: 'globex' });
    expect(decode(String(globex.body.access_token))).toMatchObject({
      aud: 'urn:logto:organization:globex',
      scope: 'read:members',
    });
  });

  it('refuses a non-member with 403 access_denied and keeps the refresh token usable', async () => {
    const tokens = await signIn(dev, { scope: orgScope, resources: [organizations] }, bob);
    const refused = await refresh(dev, tokens.refresh_token ?? '', { organization_id: 'acme' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: 'access_denied',
      error_description: 'user is not a member of the organization',
    });
    const again = await refresh(dev, tokens.refresh_token ?? '');
    expect(again.status).toBe(200);
  });

  it('refuses a non-member before rotating: under strict rotation the refresh token still works', async () => {
    const strict = await startLogtoDev({ port: 0, refreshTokenRotation: 'strict' });
    try {
      const tokens = await signIn(strict, { scope: orgScope, resources: [organizations] }, bob);
      expect(
        (await refresh(strict, tokens.refresh_token ?? '', { organization_id: 'acme' })).status,
      ).toBe(403);
      expect((await refresh(strict, tokens.refresh_token ?? '')).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  it('refuses an unknown organization with 403 access_denied', async () => {
    const tokens = await signIn(dev, { scope: orgScope, resources: [organizations] });
    const refused = await refresh(dev, tokens.refresh_token ?? '', { organization_id: 'initech' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('access_denied');
  });

  it('issues an organization-scoped API token: aud = the indicator, organization_id, scopes from the organization roles', async () => {
    const tokens = await signIn(dev, { scope: orgScope, resources: [organizations, api] });
    const globex = await refresh(dev, tokens.refresh_token ?? '', {
      organization_id: 'globex',
      resource: api,
    });
    expect(globex.status).toBe(200);
    const { payload } = await verify(dev, String(globex.body.access_token));
    expect(payload).toMatchObject({ aud: api, organization_id: 'globex', scope: 'read:messages' });
  });

  it('gives aud urn:logto:resource:organizations with organization_id when that resource is named', async () => {
    const tokens = await signIn(dev, { scope: orgScope, resources: [organizations] });
    const { body } = await refresh(dev, tokens.refresh_token ?? '', {
      organization_id: 'acme',
      resource: organizations,
    });
    expect(decode(String(body.access_token))).toMatchObject({
      aud: organizations,
      organization_id: 'acme',
    });
  });

  it('answers invalid_target when the organizations resource was not requested at sign-in', async () => {
    const tokens = await signIn(dev, { scope: orgScope, resources: [api] });
    const { status, body } = await refresh(dev, tokens.refresh_token ?? '', {
      organization_id: 'acme',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_target');
  });
});
