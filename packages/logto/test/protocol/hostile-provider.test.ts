import { afterEach, beforeEach, expect, it } from 'vitest';
import { discover } from '../../src/oidc/discovery.js';
import { exchangeAuthorizationCode } from '../../src/oidc/grants.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import type { IdTokenClaims } from '../../src/tokens/claims.js';
import { verifyIdToken } from '../../src/tokens/id-token.js';
import { type HostileProvider, startHostileProvider } from '../support/hostile-provider.js';

// The test provider itself: its well-behaved default must pass the strict checks, or the fault
// tests built on it would prove nothing.
const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
let provider: HostileProvider;

beforeEach(async () => {
  provider = await startHostileProvider();
});
afterEach(() => provider.close());

it('redirects an authorization request back with code, state and iss, and binds the nonce to the code', async () => {
  const metadata = await discover(provider.endpoint, http);
  const authorization = new URL(metadata.authorization_endpoint);
  authorization.search = new URLSearchParams({
    client_id: provider.clientId,
    redirect_uri: 'http://127.0.0.1:3000/callback',
    state: 'state-1',
    nonce: 'nonce-1',
  }).toString();
  const redirect = await fetch(authorization, { redirect: 'manual' });
  const callback = new URL(redirect.headers.get('location') ?? '');
  expect(callback.origin + callback.pathname).toBe('http://127.0.0.1:3000/callback');
  expect(callback.searchParams.get('state')).toBe('state-1');
  expect(callback.searchParams.get('iss')).toBe(provider.issuer);

  let claims: IdTokenClaims | undefined;
  await exchangeAuthorizationCode(metadata, { clientId: provider.clientId, method: 'none' }, http, {
    code: callback.searchParams.get('code') ?? '',
    redirectUri: 'http://127.0.0.1:3000/callback',
    codeVerifier: 'v'.repeat(43),
    checkIdToken: async (idToken) => {
      claims = await verifyIdToken(idToken, {
        metadata,
        clientId: provider.clientId,
        http,
        clockTolerance: 60,
        nonce: 'nonce-1',
      });
    },
  });
  expect(claims?.nonce).toBe('nonce-1');
});

it('counts requests per endpoint', async () => {
  await discover(provider.endpoint, http);
  await fetch(`${provider.issuer}/jwks`);
  await fetch(`${provider.issuer}/jwks`);
  expect([provider.count('discovery'), provider.count('jwks'), provider.count('token')]).toEqual([
    1, 2, 0,
  ]);
  provider.resetRequests();
  expect(provider.requests).toHaveLength(0);
});
