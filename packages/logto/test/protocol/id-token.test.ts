import { CompactSign, exportSPKI } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogtoErrorCode } from '../../src/errors.js';
import type { ProviderMetadata } from '../../src/oidc/discovery.js';
import { discover } from '../../src/oidc/discovery.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { verifyIdToken } from '../../src/tokens/id-token.js';
import { expectLogtoError, messagesOf } from '../support/expect-logto-error.js';
import {
  generateTestKey,
  type HostileProvider,
  type SignIdTokenOptions,
  signCompact,
  startHostileProvider,
} from '../support/hostile-provider.js';

const http: HttpOptions = { fetch: globalThis.fetch, timeout: 2000 };
let provider: HostileProvider;
let metadata: ProviderMetadata;

beforeEach(async () => {
  provider = await startHostileProvider();
  metadata = await discover(provider.endpoint, http);
});
afterEach(() => provider.close());

const verify = (idToken: string, options: { nonce?: string; expectedSub?: string } = {}) =>
  verifyIdToken(idToken, {
    metadata,
    clientId: provider.clientId,
    http,
    clockTolerance: 60,
    ...options,
  });

const now = () => Math.floor(Date.now() / 1000);

describe('verifyIdToken accepts', () => {
  it('a token signed by the provider with every required claim, and returns its claims', async () => {
    const token = await provider.signIdToken({ claims: { nonce: 'n-1', name: 'Alice' } });
    const claims = await verify(token, { nonce: 'n-1' });
    expect(claims).toMatchObject({ sub: 'user-1', aud: provider.clientId, name: 'Alice' });
  });

  it('an RS256 token from a provider that signs with RS256', async () => {
    await provider.close();
    provider = await startHostileProvider({ alg: 'RS256' });
    metadata = await discover(provider.endpoint, http);
    await expect(verify(await provider.signIdToken())).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('an aud of one element that is the client ID', async () => {
    const token = await provider.signIdToken({ claims: { aud: [provider.clientId] } });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('several audiences when azp is the client ID', async () => {
    const token = await provider.signIdToken({
      claims: { aud: [provider.clientId, 'other-app'], azp: provider.clientId },
    });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('an exp just past, within the clock tolerance', async () => {
    const token = await provider.signIdToken({ claims: { exp: now() - 30, iat: now() - 3600 } });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('an iat slightly in the future, within the clock tolerance', async () => {
    const token = await provider.signIdToken({ claims: { iat: now() + 30 } });
    await expect(verify(token)).resolves.toMatchObject({ sub: 'user-1' });
  });
});

describe('verifyIdToken rejects', () => {
  // The token's claims (evaluated at test time), the verify options, the code.
  const claimCases: Array<
    [string, () => SignIdTokenOptions, { nonce?: string; expectedSub?: string }, LogtoErrorCode]
  > = [
    [
      'a nonce other than the sign-in request’s',
      () => ({ claims: { nonce: 'attacker-nonce' } }),
      { nonce: 'n-1' },
      'id_token.nonce_mismatch',
    ],
    ['a missing nonce when one was sent', () => ({}), { nonce: 'n-1' }, 'id_token.nonce_mismatch'],
    [
      'an iss other than the discovered issuer',
      () => ({ claims: { iss: 'https://evil.example.com/oidc' } }),
      {},
      'id_token.invalid_issuer',
    ],
    ['a missing iss', () => ({ omit: ['iss'] }), {}, 'id_token.invalid_issuer'],
    [
      'an aud that does not contain the client ID',
      () => ({ claims: { aud: 'another-app' } }),
      {},
      'id_token.invalid_audience',
    ],
    ['a missing aud', () => ({ omit: ['aud'] }), {}, 'id_token.invalid_audience'],
    [
      'an azp that is not the client ID',
      () => ({ claims: { azp: 'another-app' } }),
      {},
      'id_token.invalid_azp',
    ],
    [
      'several audiences with no azp',
      () => ({ claims: { aud: [provider.clientId, 'untrusted'] } }),
      {},
      'id_token.invalid_azp',
    ],
    [
      'several audiences whose azp is another party',
      () => ({ claims: { aud: [provider.clientId, 'untrusted'], azp: 'untrusted' } }),
      {},
      'id_token.invalid_azp',
    ],
    [
      'an exp past by more than the clock tolerance',
      () => ({ claims: { exp: now() - 120, iat: now() - 3600 } }),
      {},
      'id_token.expired',
    ],
    ['a missing exp', () => ({ omit: ['exp'] }), {}, 'id_token.expired'],
    ['a missing iat', () => ({ omit: ['iat'] }), {}, 'id_token.invalid_iat'],
    [
      'an iat in the future beyond the clock tolerance',
      () => ({ claims: { iat: now() + 600 } }),
      {},
      'id_token.invalid_iat',
    ],
    ['a missing sub', () => ({ omit: ['sub'] }), {}, 'id_token.missing_sub'],
    ['an empty sub', () => ({ claims: { sub: '' } }), {}, 'id_token.missing_sub'],
    [
      'a sub other than the expected one (refresh)',
      () => ({ claims: { sub: 'user-2' } }),
      { expectedSub: 'user-1' },
      'id_token.sub_mismatch',
    ],
  ];
  it.each(claimCases)('%s', async (_, claims, options, code) => {
    await expectLogtoError(verify(await provider.signIdToken(claims()), options), code);
  });

  it('alg none, even when the provider advertises it, without fetching the JWKS', async () => {
    await provider.close();
    provider = await startHostileProvider();
    provider.metadata.id_token_signing_alg_values_supported = ['none', 'ES384'];
    metadata = await discover(provider.endpoint, http);
    const token = await signCompact({ alg: 'none' }, provider.defaultClaims(), new Uint8Array());
    await expectLogtoError(verify(token), 'id_token.unsupported_algorithm');
    expect(provider.count('jwks')).toBe(0);
  });

  it('HS256 signed with the provider’s public key bytes (algorithm confusion)', async () => {
    await provider.close();
    provider = await startHostileProvider({ alg: 'RS256' });
    provider.metadata.id_token_signing_alg_values_supported = ['RS256', 'HS256'];
    metadata = await discover(provider.endpoint, http);
    const publicKeyBytes = new TextEncoder().encode(
      await exportSPKI(provider.signingKey.publicKey),
    );
    const token = await signCompact(
      { alg: 'HS256', kid: provider.signingKey.publicJwk.kid },
      provider.defaultClaims(),
      publicKeyBytes,
    );
    await expectLogtoError(verify(token), 'id_token.unsupported_algorithm');
  });

  it('an algorithm the provider does not advertise', async () => {
    const rsaKey = await generateTestKey('RS256');
    provider.jwks.push(rsaKey.publicJwk);
    const token = await provider.signIdToken({ key: rsaKey });
    await expectLogtoError(verify(token), 'id_token.unsupported_algorithm');
  });

  it('an unknown critical header parameter', async () => {
    const token = await provider.signIdToken({
      header: { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true },
    });
    await expectLogtoError(verify(token), 'id_token.unsupported_critical_header');
  });

  it('a signature by another key that claims the provider’s kid', async () => {
    const attacker = await generateTestKey('ES384', {
      kid: provider.signingKey.publicJwk.kid ?? null,
    });
    const token = await provider.signIdToken({ key: attacker });
    await expectLogtoError(verify(token), 'id_token.invalid_signature');
  });

  it('a payload changed after signing', async () => {
    const [header, , signature] = (await provider.signIdToken()).split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...provider.defaultClaims(), sub: 'admin' }),
    ).toString('base64url');
    await expectLogtoError(
      verify(`${header}.${forged}.${signature}`),
      'id_token.invalid_signature',
    );
  });

  it('a string that is not a JWS', async () => {
    await expectLogtoError(verify('not-a-jwt'), 'id_token.malformed');
  });

  it('a header that is not base64url JSON', async () => {
    const [, payload, signature] = (await provider.signIdToken()).split('.');
    await expectLogtoError(verify(`%%%.${payload}.${signature}`), 'id_token.malformed');
  });

  it('a kid that is not a string', async () => {
    const token = await provider.signIdToken({ header: { kid: 42 } });
    await expectLogtoError(verify(token), 'id_token.malformed');
  });

  it('a JWE (encrypted ID token), which this SDK does not decrypt', async () => {
    await expectLogtoError(verify('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d'), 'id_token.malformed');
  });

  it('a payload that is not JSON, once the signature verifies', async () => {
    const token = await signCompactRaw(provider, 'not json');
    await expectLogtoError(verify(token), 'id_token.malformed');
  });
});

it('puts no token in any error message or cause', async () => {
  const cases = [
    await provider.signIdToken({ claims: { iss: 'https://evil.example.com' } }),
    await provider.signIdToken({ claims: { nonce: 'x' } }),
    await provider.signIdToken({ omit: ['sub'] }),
    await provider.signIdToken({ claims: { exp: now() - 999 } }),
  ];
  for (const token of cases) {
    const error = await verify(token, { nonce: 'n' }).catch((caught: unknown) => caught);
    const text = messagesOf(error);
    for (const part of token.split('.')) expect(text).not.toContain(part);
  }
});

async function signCompactRaw(target: HostileProvider, payload: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: target.signingKey.alg, kid: target.signingKey.publicJwk.kid ?? '' })
    .sign(target.signingKey.privateKey);
}

describe('verifyIdToken checks the signature of every supported algorithm', () => {
  const tamper = (token: string) => {
    const parts = token.split('.');
    const signature = parts[2] ?? '';
    parts[2] = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    return parts.join('.');
  };

  it.each([
    'ES256',
    'ES384',
    'ES512',
    'RS256',
    'RS384',
    'RS512',
    'PS256',
    'PS384',
    'PS512',
    'EdDSA',
  ])(
    '%s: accepts the provider’s token, refuses it with another signature as id_token.invalid_signature',
    async (alg) => {
      await provider.close();
      provider = await startHostileProvider({ alg });
      metadata = await discover(provider.endpoint, http);
      const token = await provider.signIdToken({ claims: { nonce: 'n-1' } });
      await expect(verify(token, { nonce: 'n-1' })).resolves.toMatchObject({ sub: 'user-1' });
      await expectLogtoError(verify(tamper(token), { nonce: 'n-1' }), 'id_token.invalid_signature');
      const other = await provider.signIdToken({ claims: { nonce: 'n-2' } });
      const [header, payload] = token.split('.');
      const swapped = `${header}.${payload}.${other.split('.')[2]}`;
      await expectLogtoError(verify(swapped, { nonce: 'n-1' }), 'id_token.invalid_signature');
    },
  );

  it('still refuses an expired token whose signature verifies (jose claim checks after the signature)', async () => {
    const token = await provider.signIdToken({ claims: { exp: now() - 600, iat: now() - 3600 } });
    await expectLogtoError(verify(token), 'id_token.expired');
  });
});
