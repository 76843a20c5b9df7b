/**
 * The verifier against real access tokens from a real logto-dev (ES384, as Logto signs).
 */
import { type LogtoDev, startLogtoDev } from 'logto-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier, missingScopesOf } from '../../src/api/index.js';
import type { LogtoClient } from '../../src/index.js';
import { expectLogtoError } from '../support/expect-logto-error.js';
import { api, decodePart, signedIn, withPayload } from './support.js';

let dev: LogtoDev;
let alice: LogtoClient;
let tokens: { resource: string; organization: string; organizationApi: string };

beforeAll(async () => {
  dev = await startLogtoDev({ port: 0 });
  alice = await signedIn(dev);
  tokens = {
    resource: await alice.getAccessToken(api),
    organization: await alice.getOrganizationToken('acme'),
    organizationApi: await alice.getAccessToken(api, 'acme'),
  };
});
afterAll(async () => {
  await dev.stop();
});

const resourceVerifier = (options: Partial<Parameters<typeof createAccessTokenVerifier>[0]> = {}) =>
  createAccessTokenVerifier({ endpoint: dev.endpoint, audience: api, ...options });

const expOf = (token: string) => decodePart(token, 1).exp as number;
const iatOf = (token: string) => decodePart(token, 1).iat as number;

describe('tokens logto-dev issues', () => {
  it('accepts an API resource token and returns its claims', async () => {
    const claims = await resourceVerifier({ requiredScopes: ['read:messages'] }).verify(
      tokens.resource,
    );
    expect(claims).toMatchObject({
      iss: dev.issuer,
      sub: 'user-alice',
      aud: api,
      scope: 'read:messages',
      client_id: 'demo-app',
    });
    expect(claims.organization_id).toBeUndefined();
  });

  it('accepts an organization token for the configured organization', async () => {
    const verifier = createAccessTokenVerifier({
      endpoint: dev.endpoint,
      organization: 'acme',
      requiredScopes: ['read:members'],
    });
    expect(await verifier.verify(tokens.organization)).toMatchObject({
      aud: 'urn:logto:organization:acme',
      sub: 'user-alice',
      scope: 'read:members',
    });
  });

  it('accepts an organization token for any organization with organization: true, or by predicate', async () => {
    const any = createAccessTokenVerifier({ endpoint: dev.endpoint, organization: true });
    expect((await any.verify(tokens.organization)).sub).toBe('user-alice');
    const seen: string[] = [];
    const byPredicate = createAccessTokenVerifier({
      endpoint: dev.endpoint,
      organization: (id) => {
        seen.push(id);
        return id === 'acme';
      },
    });
    expect((await byPredicate.verify(tokens.organization)).sub).toBe('user-alice');
    expect(seen).toEqual(['acme']);
  });

  it('accepts an organization-scoped API token with audience + organization', async () => {
    const verifier = resourceVerifier({ organization: 'acme', requiredScopes: ['read:messages'] });
    expect(await verifier.verify(tokens.organizationApi)).toMatchObject({
      aud: api,
      organization_id: 'acme',
    });
  });

  it('lets one call name the organization (e.g. from the URL) in place of the verifier rule', async () => {
    const verifier = createAccessTokenVerifier({ endpoint: dev.endpoint, organization: true });
    expect((await verifier.verify(tokens.organization, { organization: 'acme' })).sub).toBe(
      'user-alice',
    );
    await expectLogtoError(
      verifier.verify(tokens.organization, { organization: 'globex' }),
      'access_token.invalid_organization',
    );
  });

  it('refuses an organization-scoped API token where the API does not accept organizations', async () => {
    await expectLogtoError(
      resourceVerifier().verify(tokens.organizationApi),
      'access_token.invalid_organization',
    );
  });

  it('refuses a plain API token where an organization-scoped one is required', async () => {
    await expectLogtoError(
      resourceVerifier({ organization: 'acme' }).verify(tokens.resource),
      'access_token.invalid_organization',
    );
  });

  it('refuses an organization token for another organization', async () => {
    const verifier = createAccessTokenVerifier({ endpoint: dev.endpoint, organization: 'globex' });
    await expectLogtoError(
      verifier.verify(tokens.organization),
      'access_token.invalid_organization',
    );
  });

  it('refuses an API token where an organization token is expected', async () => {
    const verifier = createAccessTokenVerifier({ endpoint: dev.endpoint, organization: true });
    await expectLogtoError(verifier.verify(tokens.resource), 'access_token.invalid_audience');
  });

  it('refuses a token for another audience', async () => {
    const verifier = createAccessTokenVerifier({
      endpoint: dev.endpoint,
      audience: 'https://other.example.com',
    });
    const error = await expectLogtoError(
      verifier.verify(tokens.resource),
      'access_token.invalid_audience',
    );
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_token');
    await expectLogtoError(
      resourceVerifier().verify(tokens.organization),
      'access_token.invalid_audience',
    );
  });

  it('refuses the ID token (no typ, as oidc-provider signs it): its audience is the application', async () => {
    const idToken = (await alice.getIdToken()) ?? '';
    expect(decodePart(idToken, 0).typ).toBeUndefined();
    await expectLogtoError(resourceVerifier().verify(idToken), 'access_token.invalid_audience');
  });

  it('sees typ at+jwt on the access tokens logto-dev issues', () => {
    for (const token of Object.values(tokens)) expect(decodePart(token, 0).typ).toBe('at+jwt');
  });

  it('refuses a token issued by another Logto endpoint (its key is not in this JWKS)', async () => {
    const other = await startLogtoDev({ port: 0 });
    try {
      const verifier = createAccessTokenVerifier({ endpoint: other.endpoint, audience: api });
      await expectLogtoError(verifier.verify(tokens.resource), 'access_token.no_matching_key');
    } finally {
      await other.stop();
    }
  });
});

describe('time', () => {
  it('refuses an expired token (after exp + clockTolerance)', async () => {
    const exp = expOf(tokens.resource);
    const verifier = resourceVerifier({ clockTolerance: 60, now: () => (exp + 61) * 1000 });
    const error = await expectLogtoError(verifier.verify(tokens.resource), 'access_token.expired');
    expect(error.message).not.toContain(tokens.resource.split('.')[1] ?? '');
  });

  it('accepts a token within the clock tolerance after exp, and refuses it at exp without tolerance', async () => {
    const exp = expOf(tokens.resource);
    expect(
      (
        await resourceVerifier({ clockTolerance: 60, now: () => (exp + 30) * 1000 }).verify(
          tokens.resource,
        )
      ).sub,
    ).toBe('user-alice');
    await expectLogtoError(
      resourceVerifier({ clockTolerance: 0, now: () => exp * 1000 }).verify(tokens.resource),
      'access_token.expired',
    );
  });

  it('refuses a token issued in the future beyond the clock tolerance (not yet valid)', async () => {
    const iat = iatOf(tokens.resource);
    const verifier = resourceVerifier({ clockTolerance: 60, now: () => (iat - 61) * 1000 });
    await expectLogtoError(verifier.verify(tokens.resource), 'access_token.not_yet_valid');
  });
});

describe('scopes', () => {
  it('refuses a token without every required scope, naming the missing ones (403)', async () => {
    const verifier = resourceVerifier({
      requiredScopes: ['read:messages', 'write:messages', 'delete:messages'],
    });
    const error = await expectLogtoError(
      verifier.verify(tokens.resource),
      'access_token.insufficient_scope',
    );
    expect(missingScopesOf(error)).toEqual(['write:messages', 'delete:messages']);
    expect(error.status).toBe(403);
    expect(error.error).toBe('insufficient_scope');
  });

  it('says that in Logto the user needs a role granting the scope, not only that it be requested', async () => {
    const verifier = resourceVerifier({ requiredScopes: ['write:messages'] });
    const error = await expectLogtoError(
      verifier.verify(tokens.resource),
      'access_token.insufficient_scope',
    );
    expect(error.message).toContain('request it at sign-in');
    expect(error.message).toContain('in Logto the user needs a role that grants it');
  });

  it('adds the scopes of one call to the verifier requirements', async () => {
    const verifier = resourceVerifier({ requiredScopes: ['read:messages'] });
    expect((await verifier.verify(tokens.resource)).scope).toBe('read:messages');
    const error = await expectLogtoError(
      verifier.verify(tokens.resource, { requiredScopes: ['write:messages'] }),
      'access_token.insufficient_scope',
    );
    expect(missingScopesOf(error)).toEqual(['write:messages']);
  });

  it('names the missing scopes of the verifier and of the call together, in one 403', async () => {
    const verifier = resourceVerifier({ requiredScopes: ['delete:messages'] });
    const error = await expectLogtoError(
      verifier.verify(tokens.resource, { requiredScopes: ['write:messages'] }),
      'access_token.insufficient_scope',
    );
    expect(missingScopesOf(error)).toEqual(['delete:messages', 'write:messages']);
  });
});

describe('forged and broken tokens', () => {
  it('refuses a token whose payload was changed (signature kept)', async () => {
    const payload = { ...decodePart(tokens.resource, 1), scope: 'read:messages write:messages' };
    await expectLogtoError(
      resourceVerifier().verify(withPayload(tokens.resource, payload)),
      'access_token.invalid_signature',
    );
  });

  it('refuses a token whose signature was cut or changed', async () => {
    const [header, payload, signature = ''] = tokens.resource.split('.');
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const verifier = resourceVerifier();
    await expectLogtoError(
      verifier.verify(`${header}.${payload}.${flipped}`),
      'access_token.invalid_signature',
    );
    await expectLogtoError(
      verifier.verify(`${header}.${payload}.`),
      'access_token.invalid_signature',
    );
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'garbage'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['non-base64url characters', 'a$b.c%d.e'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.sig`],
    ['an oversized token', `${'a'.repeat(20_000)}.e30.sig`],
  ])('refuses garbage: %s', async (_name, token) => {
    await expectLogtoError(resourceVerifier().verify(token), 'access_token.malformed');
  });

  it('refuses a value that is not a string', async () => {
    await expectLogtoError(
      resourceVerifier().verify(42 as unknown as string),
      'access_token.malformed',
    );
  });
});

describe('verified-token cache', () => {
  it('answers a repeated token from the cache: the same frozen claims object', async () => {
    const verifier = resourceVerifier();
    const first = await verifier.verify(tokens.resource);
    const again = await verifier.verify(tokens.resource);
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('cannot be poisoned by a caller changing the claims it got', async () => {
    const verifier = resourceVerifier({ requiredScopes: ['read:messages'] });
    const claims = await verifier.verify(tokens.resource);
    expect(() => {
      (claims as { scope?: string }).scope = 'read:messages write:messages';
    }).toThrow(TypeError);
    const error = await expectLogtoError(
      verifier.verify(tokens.resource, { requiredScopes: ['write:messages'] }),
      'access_token.insufficient_scope',
    );
    expect(missingScopesOf(error)).toEqual(['write:messages']);
  });

  it('never serves a cached token at or after its exp', async () => {
    const exp = expOf(tokens.resource);
    let now = (exp - 600) * 1000;
    const verifier = resourceVerifier({ clockTolerance: 0, now: () => now });
    await verifier.verify(tokens.resource);
    now = exp * 1000 - 1;
    await verifier.verify(tokens.resource);
    now = exp * 1000;
    await expectLogtoError(verifier.verify(tokens.resource), 'access_token.expired');
  });

  it('never serves a cached token past exp even when the tolerance would re-accept it, and re-verifies it', async () => {
    const exp = expOf(tokens.resource);
    let now = (exp - 600) * 1000;
    const verifier = resourceVerifier({ clockTolerance: 60, now: () => now });
    const cached = await verifier.verify(tokens.resource);
    now = (exp + 10) * 1000;
    const reverified = await verifier.verify(tokens.resource);
    expect(reverified).not.toBe(cached);
    now = (exp + 61) * 1000;
    await expectLogtoError(verifier.verify(tokens.resource), 'access_token.expired');
  });

  it('never lets a tampered copy of a cached token hit the cache', async () => {
    const verifier = resourceVerifier();
    await verifier.verify(tokens.resource);
    const payload = { ...decodePart(tokens.resource, 1), sub: 'user-bob' };
    await expectLogtoError(
      verifier.verify(withPayload(tokens.resource, payload)),
      'access_token.invalid_signature',
    );
    await expectLogtoError(verifier.verify(`${tokens.resource}x`), 'access_token.malformed');
  });

  it('never confuses two tokens of the same user', async () => {
    const verifier = createAccessTokenVerifier({
      endpoint: dev.endpoint,
      audience: api,
      organization: true,
    });
    const scoped = await verifier.verify(tokens.organizationApi);
    await alice.clearAccessToken();
    const other = await alice.getAccessToken(api, 'globex');
    const otherClaims = await verifier.verify(other);
    expect(scoped.organization_id).toBe('acme');
    expect(otherClaims.organization_id).toBe('globex');
    expect((await verifier.verify(tokens.organizationApi)).organization_id).toBe('acme');
  });

  it('keeps at most cacheSize tokens, dropping the least recently used', async () => {
    const verifier = createAccessTokenVerifier({
      endpoint: dev.endpoint,
      audience: api,
      organization: true,
      cacheSize: 1,
    });
    const first = await verifier.verify(tokens.organizationApi);
    await alice.clearAccessToken();
    await verifier.verify(await alice.getAccessToken(api, 'globex'));
    expect(await verifier.verify(tokens.organizationApi)).not.toBe(first);
  });

  it('caches nothing with cacheSize 0', async () => {
    const verifier = resourceVerifier({ cacheSize: 0 });
    const first = await verifier.verify(tokens.resource);
    expect(await verifier.verify(tokens.resource)).not.toBe(first);
  });

  it('checks the audience and scopes of the route on a cached token too', async () => {
    const verifier = createAccessTokenVerifier({
      endpoint: dev.endpoint,
      audience: api,
      organization: 'acme',
    });
    await verifier.verify(tokens.organizationApi);
    await expectLogtoError(
      verifier.verify(tokens.organizationApi, { organization: 'globex' }),
      'access_token.invalid_organization',
    );
  });
});

describe('signing keys', () => {
  it('picks up a key rotation at the provider with one JWKS refetch shared with the client, and still accepts tokens of the old key', async () => {
    const verifier = resourceVerifier();
    await verifier.verify(tokens.resource);
    await dev.rotateSigningKey();
    await alice.clearAccessToken();
    dev.resetRequests();
    // The refresh brings an ID token with the new kid: the client refetches the shared JWKS.
    const rotated = await alice.getAccessToken(api);
    expect(decodePart(rotated, 0).kid).not.toBe(decodePart(tokens.resource, 0).kid);
    expect((await verifier.verify(rotated)).sub).toBe('user-alice');
    expect(dev.requests.filter((request) => request.path === '/oidc/jwks')).toHaveLength(1);
    expect((await resourceVerifier().verify(tokens.resource)).sub).toBe('user-alice');
  });
});

describe('RS256 provider', () => {
  it('accepts RS256 tokens of a logto-dev that signs with RS256', async () => {
    const rsa = await startLogtoDev({ port: 0, signingAlgorithm: 'RS256' });
    try {
      const client = await signedIn(rsa);
      const token = await client.getAccessToken(api);
      expect(decodePart(token, 0).alg).toBe('RS256');
      const verifier = createAccessTokenVerifier({
        endpoint: rsa.endpoint,
        audience: api,
        requiredScopes: ['read:messages'],
      });
      expect(await verifier.verify(token)).toMatchObject({ sub: 'user-alice', aud: api });
      const organization = createAccessTokenVerifier({
        endpoint: rsa.endpoint,
        organization: 'acme',
      });
      expect((await organization.verify(await client.getOrganizationToken('acme'))).sub).toBe(
        'user-alice',
      );
    } finally {
      await rsa.stop();
    }
  });
});

describe('options', () => {
  it.each([
    ['no audience and no organization', { endpoint: 'http://127.0.0.1:1' }],
    ['an endpoint that is not a URL', { endpoint: 'tenant', audience: api }],
    ['an empty audience list', { endpoint: 'http://127.0.0.1:1', audience: [] }],
    ['an HMAC algorithm', { endpoint: 'http://127.0.0.1:1', audience: api, algorithms: ['HS256'] }],
    ['the none algorithm', { endpoint: 'http://127.0.0.1:1', audience: api, algorithms: ['none'] }],
    [
      'a clock tolerance over 300 s',
      { endpoint: 'http://127.0.0.1:1', audience: api, clockTolerance: 301 },
    ],
    [
      'an empty required scope',
      { endpoint: 'http://127.0.0.1:1', audience: api, requiredScopes: [''] },
    ],
  ])('refuses %s', async (_name, options) => {
    await expectLogtoError(
      Promise.resolve().then(() => createAccessTokenVerifier(options)),
      'config.invalid',
    );
  });

  it('refuses the issuer (<endpoint>/oidc) as endpoint, saying to drop /oidc', async () => {
    const error = await expectLogtoError(
      Promise.resolve().then(() =>
        createAccessTokenVerifier({ endpoint: 'https://tenant.logto.app/oidc/', audience: api }),
      ),
      'config.invalid',
    );
    expect(error.message).toContain('Drop "/oidc": use "https://tenant.logto.app"');
  });
});
