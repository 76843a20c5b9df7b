/**
 * The verifier against tokens a real logto-dev would never issue, signed by a small provider that
 * misbehaves on purpose: forged algorithms, foreign issuers, unknown keys, odd headers and claims.
 */
import { createPublicKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../src/api/index.js';
import { accessTokenClaims, signAccessToken } from '../support/access-tokens.js';
import { expectLogtoError } from '../support/expect-logto-error.js';
import {
  generateTestKey,
  type HostileProvider,
  respond,
  signCompact,
  startHostileProvider,
} from '../support/hostile-provider.js';

const api = 'https://api.example.com';
let provider: HostileProvider;

beforeEach(async () => {
  provider = await startHostileProvider();
});
afterEach(async () => {
  await provider.close();
});

const verifier = (options: Partial<Parameters<typeof createAccessTokenVerifier>[0]> = {}) =>
  createAccessTokenVerifier({ endpoint: provider.endpoint, audience: api, ...options });

const claims = (extra: Record<string, unknown> = {}) =>
  accessTokenClaims(provider, api, { client_id: 'test-client', ...extra });

/** An access token signed by the provider's current key (typ at+jwt, its kid). */
const sign = (
  payload: Record<string, unknown> = claims(),
  header: Record<string, unknown> = {},
  key = provider.signingKey,
) => signAccessToken(payload, key, header);

it('accepts a well-formed token of the provider (the baseline of this file)', async () => {
  expect(await verifier().verify(await sign())).toMatchObject({ sub: 'user-1', aud: api });
});

it('refuses a token that is not three dot-separated parts without asking the provider anything', async () => {
  for (const garbage of ['garbage', 'a.b', 'a.b.c.d', '.b.c']) {
    await expectLogtoError(verifier().verify(garbage), 'access_token.malformed');
  }
  expect(provider.requests).toHaveLength(0);
});

describe('algorithms', () => {
  it('refuses alg none', async () => {
    const token = await signCompact({ alg: 'none', typ: 'at+jwt' }, claims(), new Uint8Array());
    await expectLogtoError(verifier().verify(token), 'access_token.unsupported_algorithm');
  });

  it('refuses HS256 signed with the provider public key as the secret', async () => {
    const pem = createPublicKey({ key: provider.signingKey.publicJwk, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    const token = await signCompact(
      { alg: 'HS256', typ: 'at+jwt', kid: provider.signingKey.publicJwk.kid },
      claims(),
      new TextEncoder().encode(String(pem)),
    );
    await expectLogtoError(verifier().verify(token), 'access_token.unsupported_algorithm');
  });

  it('refuses HS256 signed with the PEM or the JWK of an RSA provider key', async () => {
    const rsa = await startHostileProvider({ alg: 'RS256' });
    try {
      const rsaClaims = { ...claims(), iss: rsa.issuer };
      const v = createAccessTokenVerifier({ endpoint: rsa.endpoint, audience: api });
      expect(
        (
          await v.verify(
            await signCompact(
              { alg: 'RS256', typ: 'at+jwt', kid: rsa.signingKey.publicJwk.kid },
              rsaClaims,
              rsa.signingKey.privateKey,
            ),
          )
        ).sub,
      ).toBe('user-1');
      const pem = createPublicKey({ key: rsa.signingKey.publicJwk, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      for (const secret of [String(pem), JSON.stringify(rsa.signingKey.publicJwk)]) {
        const token = await signCompact(
          { alg: 'HS256', typ: 'at+jwt', kid: rsa.signingKey.publicJwk.kid },
          rsaClaims,
          new TextEncoder().encode(secret),
        );
        await expectLogtoError(v.verify(token), 'access_token.unsupported_algorithm');
      }
    } finally {
      await rsa.close();
    }
  });

  it('refuses an asymmetric algorithm the provider does not advertise', async () => {
    const rsa = await generateTestKey('RS256');
    provider.jwks = [...provider.jwks, rsa.publicJwk];
    await expectLogtoError(
      verifier().verify(await sign(claims(), {}, rsa)),
      'access_token.unsupported_algorithm',
    );
  });

  it('accepts an algorithm listed in the algorithms option even when not advertised', async () => {
    const rsa = await generateTestKey('RS256');
    provider.jwks = [...provider.jwks, rsa.publicJwk];
    expect(
      (await verifier({ algorithms: ['RS256'] }).verify(await sign(claims(), {}, rsa))).sub,
    ).toBe('user-1');
  });
});

describe('keys', () => {
  it('refetches the JWKS exactly once for an unknown kid, then refuses the token', async () => {
    const v = verifier();
    await v.verify(await sign());
    expect(provider.count('jwks')).toBe(1);
    const stranger = await generateTestKey('ES384');
    await expectLogtoError(
      v.verify(await sign(claims(), {}, stranger)),
      'access_token.no_matching_key',
    );
    expect(provider.count('jwks')).toBe(2);
    const another = await generateTestKey('ES384');
    await expectLogtoError(
      v.verify(await sign(claims(), {}, another)),
      'access_token.no_matching_key',
    );
    expect(provider.count('jwks')).toBe(2);
  });

  it('picks up a key added to the JWKS (rotation) with one refetch', async () => {
    const v = verifier();
    await v.verify(await sign());
    await provider.rotateSigningKey();
    expect((await v.verify(await sign())).sub).toBe('user-1');
    expect(provider.count('jwks')).toBe(2);
  });

  it('refuses a token signed by another key under a kid of the JWKS', async () => {
    const impostor = await generateTestKey('ES384', {
      kid: provider.signingKey.publicJwk.kid ?? null,
    });
    await expectLogtoError(
      verifier().verify(await sign(claims(), {}, impostor)),
      'access_token.invalid_signature',
    );
  });

  it('accepts a token without kid when one key fits, tries each when several do', async () => {
    const v = verifier();
    expect((await v.verify(await sign(claims(), { kid: undefined }))).sub).toBe('user-1');
    const old = provider.signingKey;
    await provider.rotateSigningKey();
    expect((await v.verify(await sign(claims({ jti: 'b' }), { kid: undefined }, old))).sub).toBe(
      'user-1',
    );
  });

  it('throws the provider error, not a token error, when the JWKS cannot be fetched', async () => {
    provider.handle('jwks', respond.html(502));
    await expectLogtoError(verifier().verify(await sign()), 'provider.invalid_response');
  });
});

describe('issuer, type and claims', () => {
  it('refuses a token from another issuer, signed with the right key', async () => {
    await expectLogtoError(
      verifier().verify(await sign(claims({ iss: 'https://evil.example.com/oidc' }))),
      'access_token.invalid_issuer',
    );
  });

  it('refuses a token without iss', async () => {
    const { iss: _iss, ...rest } = claims();
    await expectLogtoError(verifier().verify(await sign(rest)), 'access_token.malformed');
  });

  it.each([['JWT'], ['id_token+jwt'], ['logout+jwt']])('refuses typ %s', async (typ) => {
    await expectLogtoError(
      verifier().verify(await sign(claims(), { typ })),
      'access_token.invalid_type',
    );
  });

  it.each([['at+jwt'], ['application/at+jwt'], ['AT+JWT'], [undefined]])(
    'accepts typ %s (or none)',
    async (typ) => {
      expect((await verifier().verify(await sign(claims(), { typ }))).sub).toBe('user-1');
    },
  );

  it('refuses a token with a critical header it does not understand', async () => {
    const token = await sign(claims(), { crit: ['x-custom'], 'x-custom': 1 });
    await expectLogtoError(verifier().verify(token), 'access_token.malformed');
  });

  it('refuses a token whose nbf is beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectLogtoError(
      verifier({ clockTolerance: 5 }).verify(await sign(claims({ nbf: now + 60 }))),
      'access_token.not_yet_valid',
    );
  });

  it('refuses a token issued in the future beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectLogtoError(
      verifier({ clockTolerance: 5 }).verify(await sign(claims({ iat: now + 60 }))),
      'access_token.not_yet_valid',
    );
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectLogtoError(
      verifier({ clockTolerance: 5 }).verify(await sign(claims({ iat: now - 100, exp: now - 10 }))),
      'access_token.expired',
    );
  });

  it.each([['exp'], ['iat'], ['sub'], ['aud']])('refuses a token without %s', async (claim) => {
    const payload: Record<string, unknown> = claims();
    delete payload[claim];
    await expectLogtoError(verifier().verify(await sign(payload)), 'access_token.malformed');
  });

  it('refuses a scope claim that is not a string', async () => {
    await expectLogtoError(
      verifier().verify(await sign(claims({ scope: ['read:messages'] }))),
      'access_token.malformed',
    );
  });

  it('accepts an aud array that contains the API', async () => {
    expect(
      (await verifier().verify(await sign(claims({ aud: ['https://other.example.com', api] }))))
        .aud,
    ).toEqual(['https://other.example.com', api]);
  });

  it('refuses an organization token whose organization_id disagrees with its audience', async () => {
    const token = await sign(
      claims({ aud: 'urn:logto:organization:acme', organization_id: 'globex' }),
    );
    const v = createAccessTokenVerifier({ endpoint: provider.endpoint, organization: true });
    await expectLogtoError(v.verify(token), 'access_token.invalid_organization');
  });

  it('refuses an organization token with an empty organization id', async () => {
    const token = await sign(claims({ aud: 'urn:logto:organization:' }));
    const v = createAccessTokenVerifier({ endpoint: provider.endpoint, organization: true });
    await expectLogtoError(v.verify(token), 'access_token.invalid_organization');
  });
});

describe('cache', () => {
  it('never serves a cached token past its exp (injected clock)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(claims({ exp: now + 30 }));
    let clock = now * 1000;
    const v = verifier({ clockTolerance: 0, now: () => clock });
    const first = await v.verify(token);
    clock = (now + 29) * 1000;
    expect(await v.verify(token)).toBe(first);
    clock = (now + 30) * 1000;
    await expectLogtoError(v.verify(token), 'access_token.expired');
  });

  it('evicts the least recently used token first', async () => {
    const v = verifier({ cacheSize: 2 });
    const [a, b, c] = await Promise.all([
      sign(claims({ jti: 'a' })),
      sign(claims({ jti: 'b' })),
      sign(claims({ jti: 'c' })),
    ]);
    const claimsA = await v.verify(a);
    const claimsB = await v.verify(b);
    expect(await v.verify(a)).toBe(claimsA);
    await v.verify(c);
    expect(await v.verify(a)).toBe(claimsA);
    expect(await v.verify(b)).not.toBe(claimsB);
  });

  it('does not cache a token accepted only thanks to the tolerance on nbf', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(claims({ nbf: now + 10 }));
    const v = verifier({ clockTolerance: 30, now: () => now * 1000 });
    const first = await v.verify(token);
    expect(await v.verify(token)).not.toBe(first);
  });

  it('serves a token with the same payload but another valid signature as a separate entry', async () => {
    const payload = claims();
    const v = verifier();
    const a = await sign(payload);
    const b = await sign(payload);
    expect(a).not.toBe(b);
    expect(await v.verify(b)).not.toBe(await v.verify(a));
  });
});

describe('concurrency', () => {
  it('verifies a token sent by many concurrent requests once: they all get the same claims object', async () => {
    const token = await sign();
    const v = verifier();
    const results = await Promise.all(Array.from({ length: 20 }, () => v.verify(token)));
    for (const claimsOf of results) expect(claimsOf).toBe(results[0]);
  });

  it('gives every concurrent caller the refusal of a bad token, and caches nothing', async () => {
    const foreign = await generateTestKey('ES384', {
      kid: provider.signingKey.publicJwk.kid ?? null,
    });
    const token = await sign(claims(), {}, foreign);
    const v = verifier();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => v.verify(token)));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    await expectLogtoError(v.verify(token), 'access_token.invalid_signature');
  });
});
