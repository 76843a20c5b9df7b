import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogtoError } from '../../src/errors.js';
import type { ProviderMetadata } from '../../src/oidc/discovery.js';
import {
  type ClientAuth,
  exchangeAuthorizationCode,
  type IdTokenCheck,
  refreshTokenGrant,
} from '../../src/oidc/grants.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { startDiscoveredProvider } from '../support/discovered-provider.js';
import { expectLogtoError, messagesOf } from '../support/expect-logto-error.js';
import { type Handler, type HostileProvider, respond } from '../support/hostile-provider.js';

const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
const secret = 'test-secret-0123456789abcdef';
let provider: HostileProvider;
let metadata: ProviderMetadata;
let client: ClientAuth;

beforeEach(async () => {
  ({ provider, metadata, client } = await startDiscoveredProvider(http, secret));
});
afterEach(() => provider.close());

const codeParams = {
  code: 'code-1',
  redirectUri: 'http://localhost:3000/callback',
  codeVerifier: 'v'.repeat(43),
};
/** The ID tokens the grants handed to their check, in order. */
let checked: string[];
const recordCheck = async (idToken: string) => {
  checked.push(idToken);
};
beforeEach(() => {
  checked = [];
});
const exchange = (auth: ClientAuth = client, checkIdToken: IdTokenCheck = recordCheck) =>
  exchangeAuthorizationCode(metadata, auth, http, { ...codeParams, checkIdToken });
const refresh = (params: { resource?: string; organizationId?: string } = {}) =>
  refreshTokenGrant(metadata, client, http, {
    refreshToken: 'rt-1',
    checkIdToken: recordCheck,
    ...params,
  });

describe('exchangeAuthorizationCode', () => {
  it('posts the code, redirect URI and PKCE verifier, and returns the tokens with the ID token as sent', async () => {
    const idToken = await provider.signIdToken({ claims: { nonce: 'n' } });
    provider.handle(
      'token',
      respond.json({
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt',
        id_token: idToken,
        scope: 'openid',
      }),
    );
    const tokens = await exchange();
    expect(tokens).toEqual({
      access_token: 'at',
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: 'rt',
      id_token: idToken,
      scope: 'openid',
    });
    expect(checked).toEqual([idToken]);
    const [request] = provider.requests.filter((entry) => entry.endpoint === 'token');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'http://localhost:3000/callback',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('authenticates with HTTP Basic by default (form-encoded ID and secret, RFC 6749 §2.3.1)', async () => {
    await exchange();
    const request = provider.requests.find((entry) => entry.endpoint === 'token');
    const [scheme, credentials] = (request?.headers.authorization ?? '').split(' ');
    expect(scheme).toBe('Basic');
    const [id, password] = Buffer.from(credentials ?? '', 'base64')
      .toString()
      .split(':');
    expect([decodeURIComponent(id ?? ''), decodeURIComponent(password ?? '')]).toEqual([
      provider.clientId,
      secret,
    ]);
    expect(request?.form.has('client_secret')).toBe(false);
  });

  it('sends the secret in the body with client_secret_post', async () => {
    await exchange({ ...client, method: 'client_secret_post' });
    const request = provider.requests.find((entry) => entry.endpoint === 'token');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form.get('client_id')).toBe(provider.clientId);
    expect(request?.form.get('client_secret')).toBe(secret);
  });

  it('sends only the client ID for a public client', async () => {
    await exchange({ clientId: provider.clientId, method: 'none' });
    const request = provider.requests.find((entry) => entry.endpoint === 'token');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form.get('client_id')).toBe(provider.clientId);
    expect(request?.form.has('client_secret')).toBe(false);
  });

  it('refuses a secret-based method without a secret, before any request', async () => {
    await expectLogtoError(
      exchange({ clientId: provider.clientId, method: 'client_secret_basic' }),
      'config.invalid',
    );
    expect(provider.count('token')).toBe(0);
  });

  it.each([
    ['invalid_grant', 'token.invalid_grant', 'grant request is invalid', 400],
    ['access_denied', 'token.access_denied', 'user said no', 400],
    ['invalid_client', 'provider.error_response', 'client authentication failed', 401],
  ] as const)(
    'maps %s to %s, keeping the error, its description and the status',
    async (oauthError, code, description, status) => {
      provider.handle('token', respond.oauthError(oauthError, description, status));
      const error = await expectLogtoError(exchange(), code);
      expect(error).toMatchObject({ error: oauthError, errorDescription: description, status });
    },
  );

  it('maps a WWW-Authenticate challenge to provider.error_response', async () => {
    provider.handle('token', ({ response }) => {
      response.writeHead(401, {
        'www-authenticate': 'Basic error="invalid_client", error_description="bad secret"',
      });
      response.end();
    });
    const error = await expectLogtoError(exchange(), 'provider.error_response');
    expect(error).toMatchObject({
      error: 'invalid_client',
      errorDescription: 'bad secret',
      status: 401,
    });
  });

  it("fails with the ID token check's error, after the check ran to its end", async () => {
    const idToken = await provider.signIdToken();
    provider.handle(
      'token',
      respond.json({ access_token: 'at', token_type: 'Bearer', id_token: idToken }),
    );
    let settled = false;
    const failingCheck = async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      settled = true;
      throw new LogtoError('id_token.invalid_signature', 'bad signature');
    };
    await expectLogtoError(exchange(client, failingCheck), 'id_token.invalid_signature');
    expect(settled).toBe(true);
  });

  it('reports a wrong response before a failing ID token check, with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const idToken = await provider.signIdToken();
      // No access_token: oauth4webapi rejects the response while the check is still running.
      provider.handle('token', respond.json({ token_type: 'Bearer', id_token: idToken }));
      const failingCheck = () =>
        Promise.reject(new LogtoError('id_token.invalid_signature', 'bad signature'));
      await expectLogtoError(exchange(client, failingCheck), 'provider.invalid_response');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('never runs the ID token check for an error response', async () => {
    provider.handle('token', respond.oauthError('invalid_grant', 'grant request is invalid'));
    await expectLogtoError(exchange(), 'token.invalid_grant');
    expect(checked).toEqual([]);
  });

  it.each<[string, () => Handler]>([
    ['an HTML page', () => respond.html()],
    ['malformed JSON', () => respond.malformedJson()],
    [
      'a body over 1 MiB',
      () => respond.huge({ body: { access_token: 'at', token_type: 'Bearer' } }),
    ],
    ['a response without access_token', () => respond.json({ token_type: 'Bearer' })],
    [
      'an id_token that is not a string',
      () => respond.json({ access_token: 'at', token_type: 'Bearer', id_token: 42 }),
    ],
  ])('rejects %s: provider.invalid_response', async (_, handler) => {
    provider.handle('token', handler());
    await expectLogtoError(exchange(), 'provider.invalid_response');
  });

  it('rejects an HTML error page with its status kept', async () => {
    provider.handle('token', respond.html(502));
    const error = await expectLogtoError(exchange(), 'provider.invalid_response');
    expect(error.status).toBe(502);
  });

  it('fails with provider.timeout when the token endpoint hangs', async () => {
    provider.handle('token', respond.hang());
    await expectLogtoError(
      exchangeAuthorizationCode(
        metadata,
        client,
        { fetch: globalThis.fetch, timeout: 200 },
        { ...codeParams, checkIdToken: recordCheck },
      ),
      'provider.timeout',
    );
  });

  it('fails with provider.unreachable when the connection is closed', async () => {
    provider.handle('token', respond.closeSocket());
    await expectLogtoError(exchange(), 'provider.unreachable');
  });

  it('puts no token or secret in the error message or cause', async () => {
    provider.handle(
      'token',
      respond.json({ access_token: 'at-secret-value', refresh_token: 'rt-secret-value' }),
    );
    const error = await expectLogtoError(exchange(), 'provider.invalid_response');
    const text = messagesOf(error);
    for (const secretValue of [
      'at-secret-value',
      'rt-secret-value',
      secret,
      'code-1',
      'v'.repeat(43),
    ]) {
      expect(text).not.toContain(secretValue);
    }
  });
});

describe('refreshTokenGrant', () => {
  it('posts the refresh token alone when no resource or organization is asked', async () => {
    await refresh();
    const request = provider.requests.find((entry) => entry.endpoint === 'token');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
    });
  });

  it('sends resource for an API resource token', async () => {
    await refresh({ resource: 'https://api.example.com' });
    const request = provider.requests.find((entry) => entry.endpoint === 'token');
    expect(request?.form.get('resource')).toBe('https://api.example.com');
    expect(request?.form.has('organization_id')).toBe(false);
  });

  it('sends organization_id, and resource too for an organization-scoped API token', async () => {
    await refresh({ resource: 'https://api.example.com', organizationId: 'acme' });
    const request = provider.requests.find((entry) => entry.endpoint === 'token');
    expect(request?.form.get('organization_id')).toBe('acme');
    expect(request?.form.get('resource')).toBe('https://api.example.com');
  });

  it('returns a rotated refresh token', async () => {
    provider.handle(
      'token',
      respond.json({
        access_token: 'at-2',
        token_type: 'Bearer',
        expires_in: 60,
        refresh_token: 'rt-2',
      }),
    );
    await expect(refresh()).resolves.toEqual({
      access_token: 'at-2',
      token_type: 'bearer',
      expires_in: 60,
      refresh_token: 'rt-2',
    });
  });

  it('maps invalid_grant (spent refresh token) to token.invalid_grant', async () => {
    provider.handle('token', respond.oauthError('invalid_grant', 'grant request is invalid'));
    const error = await expectLogtoError(refresh(), 'token.invalid_grant');
    expect(error.errorDescription).toBe('grant request is invalid');
  });

  it('maps invalid_target to token.invalid_target', async () => {
    provider.handle(
      'token',
      respond.oauthError('invalid_target', 'resource indicator is missing, or unknown'),
    );
    const error = await expectLogtoError(
      refresh({ resource: 'https://unknown.example.com' }),
      'token.invalid_target',
    );
    expect(error).toMatchObject({
      error: 'invalid_target',
      errorDescription: 'resource indicator is missing, or unknown',
    });
  });

  it('does not put the refresh token in the error', async () => {
    provider.handle('token', respond.oauthError('invalid_grant'));
    const error = await expectLogtoError(refresh(), 'token.invalid_grant');
    expect(messagesOf(error)).not.toContain('rt-1');
  });
});
