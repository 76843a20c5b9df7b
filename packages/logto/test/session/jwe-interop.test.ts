import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createCookieSessionStore } from '../../src/session/index.js';
import { deriveKeys } from '../../src/session/jwe.js';
import { CookieJar, recordingLogger, SECRET } from './helpers.js';

const [key] = deriveKeys(SECRET, 'logto_session');
if (!key) throw new Error('no key derived');

describe('cookie sessions are standard compact JWE (dir + A256GCM)', () => {
  it('jose.compactDecrypt reads a cookie we wrote', async () => {
    const session = await createCookieSessionStore({ secret: SECRET }).load(undefined, {
      secure: true,
    });
    await session.setItem('idToken', 'id-token-välue');
    const jar = new CookieJar(await session.commit());
    const value = jar.cookies.get('logto_session') ?? '';
    expect(decodeProtectedHeader(value)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: key.kid });
    const { plaintext } = await compactDecrypt(value, new Uint8Array(key.key));
    const record = JSON.parse(new TextDecoder().decode(plaintext));
    expect(record.data).toEqual({ idToken: 'id-token-välue' });
    expect(record.exp - record.iat).toBe(86_400);
    expect(record.uat).toBe(record.iat);
  });

  it('reads a cookie jose.CompactEncrypt wrote, with and without kid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const plaintext = new TextEncoder().encode(
      JSON.stringify({ iat: now, uat: now, exp: now + 60, data: { refreshToken: 'from-jose' } }),
    );
    for (const header of [
      { alg: 'dir', enc: 'A256GCM', kid: key.kid },
      { enc: 'A256GCM', alg: 'dir' },
    ]) {
      const value = await new CompactEncrypt(plaintext)
        .setProtectedHeader(header)
        .encrypt(new Uint8Array(key.key));
      const { logger, codes } = recordingLogger();
      const session = await createCookieSessionStore({ secret: SECRET, logger }).load(
        `logto_session=${value}`,
        {
          secure: true,
        },
      );
      expect(codes).toEqual([]);
      expect(await session.getItem('refreshToken')).toBe('from-jose');
    }
  });

  it('rejects a jose JWE with another content encryption: session.malformed', async () => {
    const value = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM' })
      .encrypt(new Uint8Array(16));
    const { logger, codes } = recordingLogger();
    const session = await createCookieSessionStore({ secret: SECRET, logger }).load(
      `logto_session=${value}`,
      {
        secure: true,
      },
    );
    expect(session.isNew).toBe(true);
    expect(codes).toEqual(['session.malformed']);
  });
});
