import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import {
  DISCOVERY_RETRY_AFTER_FAILURE,
  DISCOVERY_TTL,
  discover,
} from '../../src/oidc/discovery.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { JWKS_MAX_AGE, JWKS_REFETCH_COOLDOWN } from '../../src/oidc/jwks.js';
import { verifyIdToken } from '../../src/tokens/id-token.js';
import { expectLogtoError } from '../support/expect-logto-error.js';
import {
  generateTestKey,
  type HostileProvider,
  respond,
  startHostileProvider,
} from '../support/hostile-provider.js';

// Only the wall clock (Date) is moved; sockets and timeouts stay real.
const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
let provider: HostileProvider;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  provider = await startHostileProvider();
});
afterEach(async () => {
  vi.useRealTimers();
  await provider.close();
});

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

async function verify() {
  const metadata = await discover(provider.endpoint, http);
  return verifyIdToken(await provider.signIdToken(), {
    metadata,
    clientId: provider.clientId,
    http,
    clockTolerance: 60,
  });
}

it('fetches the discovery document again once its TTL has passed', async () => {
  await discover(provider.endpoint, http);
  advance(DISCOVERY_TTL - 1000);
  await discover(provider.endpoint, http);
  expect(provider.count('discovery')).toBe(1);
  advance(2000);
  await discover(provider.endpoint, http);
  expect(provider.count('discovery')).toBe(2);
});

it('keeps using an expired discovery document while a refresh fails, trying again after a pause', async () => {
  const first = await discover(provider.endpoint, http);
  advance(DISCOVERY_TTL + 1000);
  provider.handle('discovery', respond.html(503));
  await expect(discover(provider.endpoint, http)).resolves.toEqual(first);
  await expect(discover(provider.endpoint, http)).resolves.toEqual(first);
  expect(provider.count('discovery')).toBe(2);
  advance(DISCOVERY_RETRY_AFTER_FAILURE + 1000);
  provider.handle('discovery', undefined);
  await discover(provider.endpoint, http);
  expect(provider.count('discovery')).toBe(3);
});

it('fetches the JWKS again once it is older than its maximum age', async () => {
  await verify();
  advance(JWKS_MAX_AGE + 1000);
  await verify();
  expect(provider.count('jwks')).toBe(2);
});

it('keeps serving the old keys when refreshing an old JWKS fails', async () => {
  await verify();
  advance(JWKS_MAX_AGE + 1000);
  provider.handle('jwks', respond.html(503));
  await expect(verify()).resolves.toMatchObject({ sub: 'user-1' });
  expect(provider.count('jwks')).toBe(2);
});

it('after a failed refresh, serves the old keys for a cooldown before trying again', async () => {
  await verify();
  advance(JWKS_MAX_AGE + 1000);
  provider.handle('jwks', respond.html(503));
  await verify();
  await verify();
  expect(provider.count('jwks')).toBe(2);
  advance(JWKS_REFETCH_COOLDOWN + 1000);
  provider.handle('jwks', undefined);
  await verify();
  expect(provider.count('jwks')).toBe(3);
  await verify();
  expect(provider.count('jwks')).toBe(3);
});

it('allows another unknown-kid refetch once the cooldown has passed', async () => {
  await verify();
  const stranger = await generateTestKey('ES384', { kid: 'unknown' });
  const token = await provider.signIdToken({ key: stranger });
  const metadata = await discover(provider.endpoint, http);
  const options = { metadata, clientId: provider.clientId, http, clockTolerance: 60 };
  await expectLogtoError(verifyIdToken(token, options), 'id_token.no_matching_key');
  await expectLogtoError(verifyIdToken(token, options), 'id_token.no_matching_key');
  expect(provider.count('jwks')).toBe(2);
  advance(JWKS_REFETCH_COOLDOWN + 1000);
  provider.jwks.push(stranger.publicJwk);
  await expect(verifyIdToken(token, options)).resolves.toMatchObject({ sub: 'user-1' });
  expect(provider.count('jwks')).toBe(3);
});
