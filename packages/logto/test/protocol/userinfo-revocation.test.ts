import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderMetadata } from '../../src/oidc/discovery.js';
import type { ClientAuth } from '../../src/oidc/grants.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { revokeToken } from '../../src/oidc/revocation.js';
import { requestUserInfo } from '../../src/oidc/userinfo.js';
import { startDiscoveredProvider } from '../support/discovered-provider.js';
import { expectLogtoError, messagesOf } from '../support/expect-logto-error.js';
import { type Handler, type HostileProvider, respond } from '../support/hostile-provider.js';

const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
let provider: HostileProvider;
let metadata: ProviderMetadata;
let client: ClientAuth;

beforeEach(async () => {
  ({ provider, metadata, client } = await startDiscoveredProvider(http, 'test-secret'));
});
afterEach(() => provider.close());

/** Asks for user-1's claims with access token `at-1`. */
const userInfo = (from = metadata, options = http) =>
  requestUserInfo(from, options, 'at-1', 'user-1');

describe('requestUserInfo', () => {
  it('sends the access token as a Bearer header and returns the claims', async () => {
    provider.handle('userinfo', respond.json({ sub: 'user-1', custom_data: { plan: 'pro' } }));
    await expect(userInfo()).resolves.toEqual({
      sub: 'user-1',
      custom_data: { plan: 'pro' },
    });
    const request = provider.requests.find((entry) => entry.endpoint === 'userinfo');
    expect(request?.headers.authorization).toBe('Bearer at-1');
  });

  it('maps a refused token (401 with WWW-Authenticate) to provider.error_response', async () => {
    provider.handle('userinfo', ({ response }) => {
      response.writeHead(401, {
        'www-authenticate':
          'Bearer error="invalid_token", error_description="access token expired"',
      });
      response.end();
    });
    const error = await expectLogtoError(userInfo(), 'provider.error_response');
    expect(error).toMatchObject({
      error: 'invalid_token',
      errorDescription: 'access token expired',
      status: 401,
    });
    expect(messagesOf(error)).not.toContain('at-1');
  });

  it('rejects a response about another user than the expected subject', async () => {
    provider.handle('userinfo', respond.json({ sub: 'user-2', name: 'Mallory' }));
    const error = await expectLogtoError(userInfo(), 'userinfo.sub_mismatch');
    expect(messagesOf(error)).not.toContain('Mallory');
  });

  it.each<[string, () => Promise<Handler>]>([
    ['a response without sub', async () => respond.json({ name: 'no sub' })],
    ['an HTML page', async () => respond.html()],
    [
      'an unverifiable JWT userinfo response',
      async () => respond.text(await provider.signIdToken(), 'application/jwt'),
    ],
  ])('rejects %s: provider.invalid_response', async (_, handler) => {
    provider.handle('userinfo', await handler());
    await expectLogtoError(userInfo(), 'provider.invalid_response');
  });

  it('fails with provider.missing_endpoint when discovery has no userinfo endpoint', async () => {
    const { userinfo_endpoint: _, ...withoutUserinfo } = metadata;
    await expectLogtoError(userInfo(withoutUserinfo), 'provider.missing_endpoint');
  });

  it('fails with provider.timeout when the endpoint hangs', async () => {
    provider.handle('userinfo', respond.hang());
    await expectLogtoError(
      userInfo(metadata, { fetch: globalThis.fetch, timeout: 200 }),
      'provider.timeout',
    );
  });
});

describe('revokeToken', () => {
  it('posts the token with client authentication', async () => {
    await revokeToken(metadata, client, http, 'rt-1');
    const request = provider.requests.find((entry) => entry.endpoint === 'revocation');
    expect(request?.form.get('token')).toBe('rt-1');
    expect(request?.headers.authorization).toMatch(/^Basic /);
  });

  it('maps an OAuth error to provider.error_response', async () => {
    provider.handle('revocation', respond.oauthError('unsupported_token_type'));
    const error = await expectLogtoError(
      revokeToken(metadata, client, http, 'rt-1'),
      'provider.error_response',
    );
    expect(error.error).toBe('unsupported_token_type');
  });

  it('fails with provider.missing_endpoint when discovery has no revocation endpoint', async () => {
    const { revocation_endpoint: _, ...withoutRevocation } = metadata;
    await expectLogtoError(
      revokeToken(withoutRevocation, client, http, 'rt-1'),
      'provider.missing_endpoint',
    );
  });

  it('fails with provider.timeout when the endpoint hangs', async () => {
    provider.handle('revocation', respond.hang());
    await expectLogtoError(
      revokeToken(metadata, client, { fetch: globalThis.fetch, timeout: 200 }, 'rt-1'),
      'provider.timeout',
    );
  });
});
