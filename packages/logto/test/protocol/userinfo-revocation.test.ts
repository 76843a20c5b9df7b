import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderMetadata } from '../../src/oidc/discovery.js';
import type { ClientAuth } from '../../src/oidc/grants.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { revokeToken } from '../../src/oidc/revocation.js';
import { requestUserInfo } from '../../src/oidc/userinfo.js';
import { startDiscoveredProvider } from '../support/discovered-provider.js';
import { expectLogtoError, messagesOf } from '../support/expect-logto-error.js';
import { type HostileProvider, respond } from '../support/hostile-provider.js';

const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
let provider: HostileProvider;
let metadata: ProviderMetadata;
let client: ClientAuth;

beforeEach(async () => {
  ({ provider, metadata, client } = await startDiscoveredProvider(http, 'test-secret'));
});
afterEach(() => provider.close());

describe('requestUserInfo', () => {
  it('sends the access token as a Bearer header and returns the claims', async () => {
    provider.handle('userinfo', respond.json({ sub: 'user-1', custom_data: { plan: 'pro' } }));
    await expect(requestUserInfo(metadata, http, 'at-1', 'user-1')).resolves.toEqual({
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
    const error = await expectLogtoError(
      requestUserInfo(metadata, http, 'at-1', 'user-1'),
      'provider.error_response',
    );
    expect(error).toMatchObject({
      error: 'invalid_token',
      errorDescription: 'access token expired',
      status: 401,
    });
    expect(messagesOf(error)).not.toContain('at-1');
  });

  it('rejects a response about another user than the expected subject', async () => {
    provider.handle('userinfo', respond.json({ sub: 'user-2', name: 'Mallory' }));
    const error = await expectLogtoError(
      requestUserInfo(metadata, http, 'at-1', 'user-1'),
      'userinfo.sub_mismatch',
    );
    expect(messagesOf(error)).not.toContain('Mallory');
  });

  it('rejects a response without sub', async () => {
    provider.handle('userinfo', respond.json({ name: 'no sub' }));
    await expectLogtoError(
      requestUserInfo(metadata, http, 'at-1', 'user-1'),
      'provider.invalid_response',
    );
  });

  it('rejects an HTML page', async () => {
    provider.handle('userinfo', respond.html());
    await expectLogtoError(
      requestUserInfo(metadata, http, 'at-1', 'user-1'),
      'provider.invalid_response',
    );
  });

  it('rejects an unverifiable JWT userinfo response', async () => {
    provider.handle('userinfo', respond.text(await provider.signIdToken(), 'application/jwt'));
    await expectLogtoError(
      requestUserInfo(metadata, http, 'at-1', 'user-1'),
      'provider.invalid_response',
    );
  });

  it('fails with provider.missing_endpoint when discovery has no userinfo endpoint', async () => {
    const { userinfo_endpoint: _, ...withoutUserinfo } = metadata;
    await expectLogtoError(
      requestUserInfo(withoutUserinfo, http, 'at-1', 'user-1'),
      'provider.missing_endpoint',
    );
  });

  it('fails with provider.timeout when the endpoint hangs', async () => {
    provider.handle('userinfo', respond.hang());
    await expectLogtoError(
      requestUserInfo(metadata, { fetch: globalThis.fetch, timeout: 200 }, 'at-1', 'user-1'),
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
