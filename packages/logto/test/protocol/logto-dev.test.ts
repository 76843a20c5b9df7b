import { randomBytes } from 'node:crypto';
import { completeSignIn, type LogtoDev, startLogtoDev } from 'logto-dev';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { discover, type ProviderMetadata } from '../../src/oidc/discovery.js';
import {
  type ClientAuth,
  exchangeAuthorizationCode,
  refreshTokenGrant,
} from '../../src/oidc/grants.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { revokeToken } from '../../src/oidc/revocation.js';
import { requestUserInfo } from '../../src/oidc/userinfo.js';
import { decodeJwtPayload } from '../../src/tokens/claims.js';
import { verifyIdToken } from '../../src/tokens/id-token.js';
import { allowedAlgorithms, verifyJwt } from '../../src/tokens/jwt.js';
import { expectLogtoError } from '../support/expect-logto-error.js';

// The protocol layer against a real provider laid out like Logto (logto-dev over loopback HTTP).
const http: HttpOptions = { fetch: globalThis.fetch, timeout: 5000 };
const redirectUri = 'http://localhost:3000/callback';
let dev: LogtoDev;
let metadata: ProviderMetadata;
let client: ClientAuth;

beforeAll(async () => {
  dev = await startLogtoDev({ port: 0 });
  metadata = await discover(dev.endpoint, http);
  const [app] = dev.config.applications;
  client = {
    clientId: app?.id ?? '',
    clientSecret: app?.secret ?? '',
    method: 'client_secret_basic',
  };
});
afterAll(() => dev.stop());

/** The ID-token check the client runs inside a grant. */
const checkWith =
  (extra: { nonce?: string; expectedSub?: string } = {}) =>
  (idToken: string) =>
    verifyIdToken(idToken, {
      metadata,
      clientId: client.clientId,
      http,
      clockTolerance: 60,
      ...extra,
    });

async function signIn(scope: string, resources: string[] = []) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const nonce = randomBytes(16).toString('base64url');
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state: 'state-1',
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    prompt: 'consent',
  }).toString();
  for (const resource of resources) url.searchParams.append('resource', resource);
  const callback = new URL(
    await completeSignIn(url.href, { username: 'alice', password: 'alice-password' }),
  );
  const code = callback.searchParams.get('code') ?? '';
  const tokens = await exchangeAuthorizationCode(metadata, client, http, {
    code,
    redirectUri,
    codeVerifier,
    checkIdToken: checkWith({ nonce }),
  });
  return { tokens, nonce, codeVerifier, code };
}

it('signs in, verifies the ID token, refreshes for an API resource and an organization, reads userinfo, revokes', async () => {
  const { tokens, nonce } = await signIn(
    'openid offline_access profile urn:logto:scope:organizations read:messages',
    ['https://api.example.com', 'urn:logto:resource:organizations'],
  );
  const claims = await verifyIdToken(tokens.id_token ?? '', {
    metadata,
    clientId: client.clientId,
    http,
    clockTolerance: 60,
    nonce,
  });
  expect(claims.iss).toBe(dev.issuer);

  const apiToken = await refreshTokenGrant(metadata, client, http, {
    refreshToken: tokens.refresh_token ?? '',
    resource: 'https://api.example.com',
    checkIdToken: checkWith({ expectedSub: claims.sub }),
  });
  expect(decodeJwtPayload<{ aud: string }>(apiToken.access_token).aud).toBe(
    'https://api.example.com',
  );
  if (apiToken.id_token) {
    await verifyIdToken(apiToken.id_token, {
      metadata,
      clientId: client.clientId,
      http,
      clockTolerance: 60,
      expectedSub: claims.sub,
    });
  }

  const organizationToken = await refreshTokenGrant(metadata, client, http, {
    refreshToken: apiToken.refresh_token ?? tokens.refresh_token ?? '',
    organizationId: 'acme',
    checkIdToken: checkWith({ expectedSub: claims.sub }),
  });
  expect(decodeJwtPayload<{ aud: string }>(organizationToken.access_token).aud).toBe(
    'urn:logto:organization:acme',
  );

  const userinfo = await requestUserInfo(metadata, http, tokens.access_token, claims.sub);
  expect(userinfo.sub).toBe(claims.sub);

  const refreshToken =
    organizationToken.refresh_token ?? apiToken.refresh_token ?? tokens.refresh_token ?? '';
  await revokeToken(metadata, client, http, refreshToken);
  await expectLogtoError(
    refreshTokenGrant(metadata, client, http, { refreshToken, checkIdToken: checkWith() }),
    'token.invalid_grant',
  );
});

it('maps a spent authorization code to token.invalid_grant', async () => {
  const { code, codeVerifier } = await signIn('openid');
  const error = await expectLogtoError(
    exchangeAuthorizationCode(metadata, client, http, {
      code,
      redirectUri,
      codeVerifier,
      checkIdToken: checkWith(),
    }),
    'token.invalid_grant',
  );
  expect(error.error).toBe('invalid_grant');
});

it('maps an ungranted resource to token.invalid_target', async () => {
  const { tokens } = await signIn('openid offline_access');
  await expectLogtoError(
    refreshTokenGrant(metadata, client, http, {
      refreshToken: tokens.refresh_token ?? '',
      resource: 'https://unknown.example.com',
      checkIdToken: checkWith(),
    }),
    'token.invalid_target',
  );
});

it('verifies access tokens through the one JWT path and the shared JWKS cache', async () => {
  const { tokens } = await signIn('openid offline_access read:messages', [
    'https://api.example.com',
  ]);
  const apiToken = await refreshTokenGrant(metadata, client, http, {
    refreshToken: tokens.refresh_token ?? '',
    resource: 'https://api.example.com',
    checkIdToken: checkWith(),
  });
  const payload = await verifyJwt(apiToken.access_token, {
    kind: 'access_token',
    jwksUri: metadata.jwks_uri,
    http,
    algorithms: allowedAlgorithms(metadata),
    issuer: dev.issuer,
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    clockTolerance: 60,
    types: ['at+jwt'],
  });
  expect(payload.aud).toBe('https://api.example.com');
});

it('picks up a rotated signing key', async () => {
  await signIn('openid');
  await dev.rotateSigningKey();
  const { tokens, nonce } = await signIn('openid');
  await expect(
    verifyIdToken(tokens.id_token ?? '', {
      metadata,
      clientId: client.clientId,
      http,
      clockTolerance: 60,
      nonce,
    }),
  ).resolves.toMatchObject({ iss: dev.issuer });
});
