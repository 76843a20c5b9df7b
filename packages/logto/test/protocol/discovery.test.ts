import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discover } from '../../src/oidc/discovery.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { expectLogtoError } from '../support/expect-logto-error.js';
import {
  type Handler,
  type HostileProvider,
  respond,
  startHostileProvider,
  unusedEndpoint,
} from '../support/hostile-provider.js';

const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
const impatient: HttpOptions = { fetch: globalThis.fetch, timeout: 200 };
let provider: HostileProvider;

beforeEach(async () => {
  provider = await startHostileProvider();
});
afterEach(() => provider.close());

describe('discover', () => {
  it('returns the provider metadata for <endpoint>/oidc', async () => {
    const metadata = await discover(provider.endpoint, http);
    expect(metadata).toMatchObject({
      issuer: provider.issuer,
      token_endpoint: `${provider.issuer}/token`,
      jwks_uri: `${provider.issuer}/jwks`,
    });
  });

  it('accepts the endpoint with a trailing slash', async () => {
    await expect(discover(`${provider.endpoint}/`, http)).resolves.toMatchObject({
      issuer: provider.issuer,
    });
  });

  it('rejects a document whose issuer is another provider', async () => {
    provider.metadata.issuer = 'https://evil.example.com/oidc';
    await expectLogtoError(discover(provider.endpoint, http), 'provider.issuer_mismatch');
  });

  it('rejects a document whose issuer differs only by a trailing slash', async () => {
    provider.metadata.issuer = `${provider.issuer}/`;
    await expectLogtoError(discover(provider.endpoint, http), 'provider.issuer_mismatch');
  });

  it('answers a 404 with config.invalid that says to check the endpoint, not to retry', async () => {
    const error = await expectLogtoError(
      discover(`${provider.endpoint}/elsewhere`, http),
      'config.invalid',
    );
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain("tenant's base URL");
  });

  it('answers a 404 under an endpoint that ends in /oidc with the advice to drop it', async () => {
    const error = await expectLogtoError(discover(provider.issuer, http), 'config.invalid');
    expect(error.message).toContain(`Drop "/oidc": use "${provider.endpoint}"`);
  });

  it('rejects a document without jwks_uri', async () => {
    delete provider.metadata.jwks_uri;
    await expectLogtoError(discover(provider.endpoint, http), 'provider.invalid_response');
  });

  it('rejects a non-array id_token_signing_alg_values_supported', async () => {
    provider.metadata.id_token_signing_alg_values_supported = 'RS256';
    await expectLogtoError(discover(provider.endpoint, http), 'provider.invalid_response');
  });

  it('serves concurrent callers with one request', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, () => discover(provider.endpoint, http)),
    );
    expect(new Set(results).size).toBe(1);
    expect(provider.count('discovery')).toBe(1);
  });

  it('caches the document for later callers', async () => {
    await discover(provider.endpoint, http);
    await discover(provider.endpoint, http);
    expect(provider.count('discovery')).toBe(1);
  });

  it('does not cache a failure', async () => {
    provider.handle('discovery', respond.html(503));
    await expectLogtoError(discover(provider.endpoint, http), 'provider.invalid_response');
    provider.handle('discovery', undefined);
    await expect(discover(provider.endpoint, http)).resolves.toMatchObject({
      issuer: provider.issuer,
    });
    expect(provider.count('discovery')).toBe(2);
  });

  it('sends no credentials', async () => {
    await discover(provider.endpoint, http);
    const [request] = provider.requests;
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.method).toBe('GET');
  });
});

describe('a provider that misbehaves at discovery', () => {
  it('refusing connections is provider.unreachable', async () => {
    await expectLogtoError(discover(await unusedEndpoint(), http), 'provider.unreachable');
  });

  it.each([
    ['never answering', respond.hang],
    ['stalling after the headers', respond.hangAfterHeaders],
  ])('%s is provider.timeout within the timeout', async (_, handler) => {
    provider.handle('discovery', handler());
    await expectLogtoError(discover(provider.endpoint, impatient), 'provider.timeout');
  });

  it('closing the connection is provider.unreachable', async () => {
    provider.handle('discovery', respond.closeSocket());
    await expectLogtoError(discover(provider.endpoint, http), 'provider.unreachable');
  });

  // Built at test time: the provider's metadata exists only then.
  it.each<[string, () => Handler]>([
    ['malformed JSON', () => respond.malformedJson()],
    ['an HTML page', () => respond.html()],
    ['a JSON array', () => respond.json([provider.metadata])],
    ['a body over 1 MiB', () => respond.huge({ body: provider.metadata })],
    [
      'a declared content-length over 1 MiB',
      () => respond.huge({ body: provider.metadata, declareLength: true }),
    ],
  ])('%s is provider.invalid_response', async (_, handler) => {
    provider.handle('discovery', handler());
    await expectLogtoError(discover(provider.endpoint, http), 'provider.invalid_response');
  });

  it('a document just under 1 MiB is accepted', async () => {
    provider.handle('discovery', respond.huge({ body: provider.metadata, bytes: 1024 * 1024 - 1 }));
    await expect(discover(provider.endpoint, http)).resolves.toMatchObject({
      issuer: provider.issuer,
    });
  });

  it('a 404 is config.invalid (the endpoint is wrong, retrying will not help), status kept', async () => {
    provider.handle('discovery', respond.json({ error: 'not_found' }, 404));
    const error = await expectLogtoError(discover(provider.endpoint, http), 'config.invalid');
    expect(error.status).toBe(404);
  });
});
