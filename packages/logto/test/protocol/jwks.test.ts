import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ProviderMetadata } from '../../src/oidc/discovery.js';
import { discover } from '../../src/oidc/discovery.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { verifyIdToken } from '../../src/tokens/id-token.js';
import { expectLogtoError } from '../support/expect-logto-error.js';
import {
  generateTestKey,
  type HostileProvider,
  respond,
  startHostileProvider,
  type TestKey,
  unusableJwks,
} from '../support/hostile-provider.js';

const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
let provider: HostileProvider;
let metadata: ProviderMetadata;

async function useProvider(alg = 'ES384') {
  provider = await startHostileProvider({ alg });
  metadata = await discover(provider.endpoint, http);
}
beforeEach(() => useProvider());
afterEach(() => provider.close());

const verify = (idToken: string) =>
  verifyIdToken(idToken, { metadata, clientId: provider.clientId, http, clockTolerance: 60 });

/** Keys like the conformance suite's kid-absent JWKS: one or more RSA keys among other types. */
async function keysWithoutKid(rsaCount: number): Promise<TestKey[]> {
  const rsa: TestKey[] = [];
  for (let index = 0; index < rsaCount; index++)
    rsa.push(await generateTestKey('RS256', { kid: null }));
  const others = [
    await generateTestKey('ES256', { kid: null }),
    await generateTestKey('EdDSA', { kid: null }),
  ];
  provider.jwks = [
    ...others.map((key) => key.publicJwk),
    { ...unusableJwks.secp256k1Key(), kid: undefined },
    ...rsa.map((key) => key.publicJwk),
  ];
  return rsa;
}

describe('key selection', () => {
  it('uses the one key that fits when the token has no kid', async () => {
    await provider.close();
    await useProvider('RS256');
    const [rsa] = await keysWithoutKid(1);
    const token = await provider.signIdToken({ key: rsa, header: { kid: undefined } });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('tries every fitting key when the token has no kid and several fit', async () => {
    await provider.close();
    await useProvider('RS256');
    const [, second] = await keysWithoutKid(3);
    const token = await provider.signIdToken({ key: second, header: { kid: undefined } });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('rejects a token without kid that none of the fitting keys signed', async () => {
    await provider.close();
    await useProvider('RS256');
    await keysWithoutKid(3);
    const stranger = await generateTestKey('RS256', { kid: null });
    const token = await provider.signIdToken({ key: stranger, header: { kid: undefined } });
    await expectLogtoError(verify(token), 'id_token.invalid_signature');
  });

  it('skips encryption keys, secp256k1, symmetric and unknown key types', async () => {
    provider.jwks = [
      unusableJwks.encryptionKey(),
      unusableJwks.secp256k1Key(),
      unusableJwks.octKey(),
      unusableJwks.unknownTypeKey(),
      provider.signingKey.publicJwk,
    ];
    await expect(verify(await provider.signIdToken())).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('does not use a key whose use is enc, even when its kid matches', async () => {
    const key = await generateTestKey('ES384', { kid: 'shared-kid', use: 'enc' });
    provider.jwks = [key.publicJwk];
    const token = await provider.signIdToken({ key });
    await expectLogtoError(verify(token), 'id_token.no_matching_key');
  });

  it('answers no_matching_key (not a crash) when the kid names a secp256k1 key', async () => {
    provider.jwks = [unusableJwks.secp256k1Key('k1'), provider.signingKey.publicJwk];
    const token = await provider.signIdToken({ header: { kid: 'k1' } });
    await expectLogtoError(verify(token), 'id_token.no_matching_key');
  });
});

describe('key rotation', () => {
  it('picks up a new kid with one JWKS refetch', async () => {
    await verify(await provider.signIdToken());
    expect(provider.count('jwks')).toBe(1);
    await provider.rotateSigningKey();
    await expect(verify(await provider.signIdToken())).resolves.toMatchObject({ sub: 'user-1' });
    expect(provider.count('jwks')).toBe(2);
  });

  it('merges concurrent refetches for a new kid into one request', async () => {
    await verify(await provider.signIdToken());
    await provider.rotateSigningKey();
    const token = await provider.signIdToken();
    await Promise.all(Array.from({ length: 20 }, () => verify(token)));
    expect(provider.count('jwks')).toBe(2);
  });

  it('refetches at most once within the cooldown however many unknown kids arrive', async () => {
    // The wall clock stands still, so the whole flood falls within one cooldown however slow the machine.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    await verify(await provider.signIdToken());
    for (let index = 0; index < 10; index++) {
      const stranger = await generateTestKey('ES384', { kid: `unknown-${index}` });
      await expectLogtoError(
        verify(await provider.signIdToken({ key: stranger })),
        'id_token.no_matching_key',
      );
    }
    expect(provider.count('jwks')).toBe(2);
  });

  it('reuses the cached JWKS for known kids', async () => {
    for (let index = 0; index < 5; index++) await verify(await provider.signIdToken());
    expect(provider.count('jwks')).toBe(1);
  });
});

describe('JWKS garbage', () => {
  it('an HTML page is provider.invalid_response', async () => {
    provider.handle('jwks', respond.html());
    await expectLogtoError(verify(await provider.signIdToken()), 'provider.invalid_response');
  });

  it('malformed JSON is provider.invalid_response', async () => {
    provider.handle('jwks', respond.malformedJson());
    await expectLogtoError(verify(await provider.signIdToken()), 'provider.invalid_response');
  });

  it('keys that are not an array is provider.invalid_response', async () => {
    provider.handle('jwks', respond.json({ keys: { kty: 'EC' } }));
    await expectLogtoError(verify(await provider.signIdToken()), 'provider.invalid_response');
  });

  it('a document without keys is provider.invalid_response', async () => {
    provider.handle('jwks', respond.json(['not', 'a', 'jwks']));
    await expectLogtoError(verify(await provider.signIdToken()), 'provider.invalid_response');
  });

  it('an error status is provider.invalid_response with the status kept', async () => {
    provider.handle('jwks', respond.json({ error: 'server_error' }, 500));
    const error = await expectLogtoError(
      verify(await provider.signIdToken()),
      'provider.invalid_response',
    );
    expect(error.status).toBe(500);
  });

  it('a key that fails to import is provider.invalid_response', async () => {
    provider.jwks = [{ ...provider.signingKey.publicJwk, x: 'AAAA', y: 'AAAA' }];
    await expectLogtoError(verify(await provider.signIdToken()), 'provider.invalid_response');
  });

  it('entries that are not keys are skipped', async () => {
    provider.handle(
      'jwks',
      respond.json({ keys: [null, 42, 'x', {}, provider.signingKey.publicJwk] }),
    );
    await expect(verify(await provider.signIdToken())).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('a failed JWKS fetch is not cached', async () => {
    provider.handle('jwks', respond.html(502));
    await expectLogtoError(verify(await provider.signIdToken()), 'provider.invalid_response');
    provider.handle('jwks', undefined);
    await expect(verify(await provider.signIdToken())).resolves.toMatchObject({ sub: 'user-1' });
    expect(provider.count('jwks')).toBe(2);
  });

  it('a JWKS that hangs is provider.timeout', async () => {
    provider.handle('jwks', respond.hang());
    await expectLogtoError(
      verifyIdToken(await provider.signIdToken(), {
        metadata,
        clientId: provider.clientId,
        http: { fetch: globalThis.fetch, timeout: 200 },
        clockTolerance: 60,
      }),
      'provider.timeout',
    );
  });
});

it('sends no credentials to the discovery and JWKS endpoints', async () => {
  await verify(await provider.signIdToken());
  const publicRequests = provider.requests.filter(
    (request) => request.endpoint === 'discovery' || request.endpoint === 'jwks',
  );
  expect(publicRequests).toHaveLength(2);
  for (const request of publicRequests) {
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toBe('');
  }
});
