import { describe, expect, it } from 'vitest';
import { createCookieSessionStore, type RequestSession } from '../../src/session/index.js';
import {
  CookieJar,
  fakeToken,
  manualClock,
  OTHER_SECRET,
  recordingLogger,
  SECRET,
  signIn,
} from './helpers.js';

const https = { secure: true };
const http = { secure: false };

const signedInJar = (store = createCookieSessionStore({ secret: SECRET })) => signIn(store);

/** Loads `cookieHeader` with a new store (no cache) of `secret`, recording what it logs. */
const load = async (cookieHeader: string | undefined, secret: string = SECRET) => {
  const { logger, codes, messages } = recordingLogger();
  const store = createCookieSessionStore({ secret, logger, cacheSize: 0 });
  return { session: await store.load(cookieHeader, https), codes, messages };
};

/** A store on a clock moved by hand, with a 1 h idle lifetime. */
const clockedStore = (absoluteDuration: number) => {
  const clock = manualClock();
  const { logger, codes } = recordingLogger();
  const store = createCookieSessionStore({
    secret: SECRET,
    now: clock.now,
    logger,
    rollingDuration: 3600,
    absoluteDuration,
  });
  return { clock, codes, store };
};

describe('cookie session store', () => {
  it('round-trips items through one encrypted cookie', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const jar = await signedInJar(store);
    expect([...jar.cookies.keys()]).toEqual(['logto_session']);
    expect(jar.header()).not.toContain('id-token-value');
    const session = await store.load(jar.header(), https);
    expect(session.isNew).toBe(false);
    expect(await session.getItem('idToken')).toBe('id-token-value');
    expect(await session.getItem('refreshToken')).toBe('refresh-token-value');
    expect(await session.getItem('accessTokenMap')).toBeNull();
  });

  it('reads the cookie with a fresh store (no cache) as well', async () => {
    const jar = await signedInJar(createCookieSessionStore({ secret: SECRET }));
    const session = await createCookieSessionStore({ secret: SECRET, cacheSize: 0 }).load(
      jar.header(),
      https,
    );
    expect(await session.getItem('idToken')).toBe('id-token-value');
  });

  it('sets no cookie and creates no session for an anonymous request', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const session = await store.load(undefined, https);
    expect(session.isNew).toBe(true);
    expect(await session.getItem('idToken')).toBeNull();
    await session.removeItem('idToken');
    expect(await session.commit()).toEqual([]);
    const withOtherCookies = await store.load('theme=dark; lang=en', https);
    expect(await withOtherCookies.commit()).toEqual([]);
  });

  it('writes nothing when a loaded session did not change', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const jar = await signedInJar(store);
    const session = await store.load(jar.header(), https);
    await session.getItem('idToken');
    await session.setItem('idToken', 'id-token-value');
    expect(await session.commit()).toEqual([]);
  });

  it('keeps keys that look like Object.prototype members as plain keys', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const session = await store.load(undefined, https);
    expect(await session.getItem('constructor')).toBeNull();
    await session.setItem('__proto__', 'x');
    const jar = new CookieJar(await session.commit());
    const again = await store.load(jar.header(), https);
    expect(await again.getItem('__proto__')).toBe('x');
    expect(await again.getItem('toString')).toBeNull();
  });

  it('sets HttpOnly, SameSite=Lax, Path=/ and Secure on https only', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    for (const [context, secure] of [
      [https, true],
      [http, false],
    ] as const) {
      const session = await store.load(undefined, context);
      await session.setItem('idToken', 'x');
      const [cookie = ''] = await session.commit();
      const attributes = cookie.split('; ').slice(1);
      expect(attributes).toContain('HttpOnly');
      expect(attributes).toContain('SameSite=Lax');
      expect(attributes).toContain('Path=/');
      expect(attributes).toContain('Max-Age=86400');
      expect(attributes.includes('Secure')).toBe(secure);
    }
  });

  it('honours secure: true on http, a domain, and a custom name', async () => {
    const store = createCookieSessionStore({
      secret: SECRET,
      secure: true,
      domain: 'example.com',
      name: 'app',
    });
    const session = await store.load(undefined, http);
    await session.setItem('idToken', 'x');
    const [cookie = ''] = await session.commit();
    expect(cookie.startsWith('app=')).toBe(true);
    expect(cookie.split('; ')).toEqual(expect.arrayContaining(['Secure', 'Domain=example.com']));
  });

  it.each(['__Host-logto', '__Secure-logto'])(
    'gives a %s cookie Secure even when the load context is plain http',
    async (name) => {
      const session = await createCookieSessionStore({ secret: SECRET, name }).load(
        undefined,
        http,
      );
      await session.setItem('idToken', 'x');
      const [cookie = ''] = await session.commit();
      expect(cookie.startsWith(`${name}=`)).toBe(true);
      expect(cookie.split('; ')).toContain('Secure');
    },
  );

  it.each([
    ['a short secret', { secret: 'too-short' }],
    ['an empty secret list', { secret: [] }],
    ['a short secret in the list', { secret: [SECRET, 'short'] }],
    ['a cookie name with a space', { secret: SECRET, name: 'a b' }],
    ['SameSite=None without Secure', { secret: SECRET, sameSite: 'none', secure: false }],
    [
      'a rolling lifetime longer than the absolute one',
      { secret: SECRET, rollingDuration: 10, absoluteDuration: 5 },
    ],
  ] as const)('rejects %s with config.invalid', (_, options) => {
    expect(() => createCookieSessionStore(options as never)).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    );
  });

  describe('rejected cookies give an empty session, a logged code and no throw', () => {
    const valid = async () => (await signedInJar()).cookies.get('logto_session') ?? '';

    const expectSignedOut = async (session: RequestSession) => {
      expect(session.isNew).toBe(true);
      expect(await session.getItem('idToken')).toBeNull();
    };

    it('a tampered ciphertext: session.decrypt_failed', async () => {
      const value = await valid();
      const parts = value.split('.');
      const ciphertext = parts[3] ?? '';
      parts[3] = `${ciphertext[0] === 'A' ? 'B' : 'A'}${ciphertext.slice(1)}`;
      const { session, codes } = await load(`logto_session=${parts.join('.')}`);
      await expectSignedOut(session);
      expect(codes).toEqual(['session.decrypt_failed']);
    });

    it('a tampered protected header: session.decrypt_failed', async () => {
      const value = await valid();
      const header = Buffer.from(JSON.stringify({ enc: 'A256GCM', alg: 'dir' })).toString(
        'base64url',
      );
      const { session, codes } = await load(
        `logto_session=${header}${value.slice(value.indexOf('.'))}`,
      );
      await expectSignedOut(session);
      expect(codes).toEqual(['session.decrypt_failed']);
    });

    it('a truncated cookie: session.malformed, or session.decrypt_failed when the ciphertext is cut', async () => {
      const value = await valid();
      const { session, codes } = await load(`logto_session=${value.slice(0, value.length - 10)}`);
      await expectSignedOut(session);
      expect(codes).toEqual(['session.malformed']);
      const cut = value.split('.');
      cut[3] = (cut[3] ?? '').slice(0, 20);
      const second = await load(`logto_session=${cut.join('.')}`);
      await expectSignedOut(second.session);
      expect(second.codes).toEqual(['session.decrypt_failed']);
    });

    it('a cookie made with another secret: session.decrypt_failed', async () => {
      const foreign = await signedInJar(createCookieSessionStore({ secret: OTHER_SECRET }));
      const { session, codes, messages } = await load(foreign.header() ?? '');
      await expectSignedOut(session);
      expect(codes).toEqual(['session.decrypt_failed']);
      expect(messages.join(' ')).not.toContain(foreign.cookies.get('logto_session'));
    });

    it('a cookie made under another cookie name: session.decrypt_failed', async () => {
      const other = await signedInJar(
        createCookieSessionStore({ secret: SECRET, name: 'other_app' }),
      );
      const { session, codes } = await load(`logto_session=${other.cookies.get('other_app')}`);
      await expectSignedOut(session);
      expect(codes).toEqual(['session.decrypt_failed']);
    });

    it.each([
      'garbage',
      'a.b.c.d.e',
      '....',
      'eyJhbGciOiJkaXIifQ..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA',
      '%%%.x.y.z.w',
      '"quoted"',
      '',
    ])('garbage %j: session.malformed', async (value) => {
      const { session, codes } = await load(`logto_session=${value}`);
      await expectSignedOut(session);
      expect(codes).toEqual(['session.malformed']);
    });

    it('a cookie whose content is not a session: session.malformed', async () => {
      const store = createCookieSessionStore({ secret: SECRET });
      const session = await store.load(undefined, https);
      await session.setItem('idToken', 'x');
      const good = (await session.commit())[0] ?? '';
      expect(good).toContain('logto_session=');
      // Same key, valid JWE, but the plaintext is a JSON array.
      const { encryptJwe, deriveKeys } = await import('../../src/session/jwe.js');
      const [key] = deriveKeys(SECRET, 'logto_session');
      if (!key) throw new Error('no key');
      const { session: rejected, codes } = await load(`logto_session=${encryptJwe('[1,2]', key)}`);
      await expectSignedOut(rejected);
      expect(codes).toEqual(['session.malformed']);
    });

    it('leaves a rejected cookie alone (no race with a newer cookie) and replaces it on the next write', async () => {
      const { session } = await load('logto_session.0=garbage; logto_session.1=more');
      expect(await session.commit()).toEqual([]);
      const { session: writing } = await load('logto_session.0=garbage; logto_session.1=more');
      await writing.setItem('signInSession', 'x');
      const cookies = await writing.commit();
      expect(cookies.map((cookie) => cookie.slice(0, cookie.indexOf(';')))).toEqual([
        expect.stringMatching(/^logto_session=ey/),
        'logto_session.0=',
        'logto_session.1=',
      ]);
      expect(cookies.slice(1).every((cookie) => cookie.includes('Max-Age=0'))).toBe(true);
    });
  });

  describe('lifetimes', () => {
    it('expires after the idle lifetime: session.expired', async () => {
      const { clock, codes, store } = clockedStore(86_400);
      const jar = await signedInJar(store);
      clock.advance(3599);
      expect((await store.load(jar.header(), https)).isNew).toBe(false);
      clock.advance(1);
      const session = await store.load(jar.header(), https);
      expect(session.isNew).toBe(true);
      expect(await session.getItem('idToken')).toBeNull();
      expect(codes).toEqual(['session.expired']);
    });

    it('rolls the idle expiry forward, but re-issues the cookie only after touchAfter', async () => {
      const { clock, store } = clockedStore(86_400);
      const jar = await signedInJar(store);
      // Default touchAfter is a tenth of the rolling lifetime: 360 s.
      clock.advance(300);
      expect(await (await store.load(jar.header(), https)).commit()).toEqual([]);
      clock.advance(60);
      const touched = await (await store.load(jar.header(), https)).commit();
      expect(touched).toHaveLength(1);
      expect(touched[0]).toContain('Max-Age=3600');
      jar.apply(touched);
      // 3,000 s after sign-in the first cookie would be 600 s from expiry; the touched one is not.
      clock.advance(3500);
      const session = await store.load(jar.header(), https);
      expect(await session.getItem('idToken')).toBe('id-token-value');
    });

    it('needsCommit says whether a commit would write: after a change, or once the rolling expiry is due', async () => {
      const { clock, store } = clockedStore(86_400);
      const anonymous = await store.load(undefined, https);
      expect(anonymous.needsCommit).toBe(false);
      await anonymous.setItem('idToken', 'id-token-value');
      expect(anonymous.needsCommit).toBe(true);
      const jar = new CookieJar(await anonymous.commit());
      expect(anonymous.needsCommit).toBe(false);

      clock.advance(300);
      const reading = await store.load(jar.header(), https);
      await reading.setItem('idToken', 'id-token-value');
      expect(reading.needsCommit).toBe(false);
      expect(await reading.commit()).toEqual([]);
      // Default touchAfter is a tenth of the rolling lifetime: 360 s.
      clock.advance(60);
      const due = await store.load(jar.header(), https);
      expect(due.needsCommit).toBe(true);
      const touched = await due.commit();
      expect(touched).toHaveLength(1);
      expect(due.needsCommit).toBe(false);
      jar.apply(touched);

      for (const change of [
        (session: RequestSession) => session.removeItem('idToken'),
        (session: RequestSession) => session.regenerate(),
        (session: RequestSession) => session.destroy(),
      ]) {
        const session = await store.load(jar.header(), https);
        expect(session.needsCommit).toBe(false);
        await change(session);
        expect(session.needsCommit).toBe(true);
      }
    });

    it('ends the session at the absolute lifetime even when it is used all the time', async () => {
      const { clock, codes, store } = clockedStore(7200);
      const jar = await signedInJar(store);
      for (let step = 0; step < 8; step++) {
        clock.advance(1000);
        const session = await store.load(jar.header(), https);
        jar.apply(await session.commit());
      }
      expect(codes).toEqual(['session.expired']);
      expect((await store.load(jar.header(), https)).isNew).toBe(true);
    });

    it('caps the cookie Max-Age at the absolute expiry', async () => {
      const { clock, store } = clockedStore(5000);
      const jar = await signedInJar(store);
      clock.advance(2000);
      const session = await store.load(jar.header(), https);
      await session.setItem('idToken', 'changed');
      const [cookie = ''] = await session.commit();
      expect(cookie).toContain('Max-Age=3000');
    });
  });

  describe('secret rotation', () => {
    it('reads cookies made with an older secret and writes with the first secret', async () => {
      const jar = await signedInJar(createCookieSessionStore({ secret: OTHER_SECRET }));
      const rotated = createCookieSessionStore({ secret: [SECRET, OTHER_SECRET] });
      const session = await rotated.load(jar.header(), https);
      expect(await session.getItem('idToken')).toBe('id-token-value');
      await session.setItem('idToken', 'new');
      jar.apply(await session.commit());
      expect(await (await load(jar.header())).session.getItem('idToken')).toBe('new');
      const { session: oldOnly, codes } = await load(jar.header(), OTHER_SECRET);
      expect(oldOnly.isNew).toBe(true);
      expect(codes).toEqual(['session.decrypt_failed']);
    });
  });

  describe('chunking', () => {
    const bigSession = async (store = createCookieSessionStore({ secret: SECRET }), tokens = 6) => {
      const session = await store.load(undefined, https);
      const map: Record<string, { token: string; expiresAt: number }> = {};
      for (let index = 0; index < tokens; index++) {
        map[`https://api${index}.example.com`] = {
          token: fakeToken(900, `token-${index}-`),
          expiresAt: 1_800_000_000,
        };
      }
      await session.setItem('idToken', fakeToken(900, 'id-token-'));
      await session.setItem('refreshToken', 'r'.repeat(43));
      await session.setItem('accessTokenMap', JSON.stringify(map));
      return { session, map };
    };

    it('splits a big session into cookies of at most 4096 bytes and joins them back', async () => {
      const store = createCookieSessionStore({ secret: SECRET, maxBytes: 16_384 });
      const { session, map } = await bigSession(store);
      const cookies = await session.commit();
      expect(cookies.length).toBeGreaterThan(1);
      for (const cookie of cookies) expect(Buffer.byteLength(cookie)).toBeLessThanOrEqual(4096);
      expect(cookies.map((cookie) => cookie.slice(0, cookie.indexOf('=')))).toEqual(
        cookies.map((_, index) => `logto_session.${index}`),
      );
      const jar = new CookieJar(cookies);
      const fresh = createCookieSessionStore({ secret: SECRET, cacheSize: 0 });
      const loaded = await fresh.load(jar.header(), https);
      expect(JSON.parse((await loaded.getItem('accessTokenMap')) ?? '')).toEqual(map);
    });

    it('keeps a session with 4 cached access tokens in cookies under 4096 bytes', async () => {
      const { session } = await bigSession(undefined, 4);
      for (const cookie of await session.commit())
        expect(Buffer.byteLength(cookie)).toBeLessThanOrEqual(4096);
    });

    it('clears stale chunks when the session shrinks, and the unchunked cookie when it grows', async () => {
      const store = createCookieSessionStore({ secret: SECRET, maxBytes: 16_384 });
      const jar = await signedInJar(store);
      const growing = await store.load(jar.header(), https);
      await growing.setItem('accessTokenMap', fakeToken(7000, 'grow-'));
      const grown = await growing.commit();
      expect(grown).toContain('logto_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
      jar.apply(grown);
      const chunks = [...jar.cookies.keys()].sort();
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks).toEqual(chunks.map((_, index) => `logto_session.${index}`));
      const shrinking = await store.load(jar.header(), https);
      await shrinking.removeItem('accessTokenMap');
      const shrunk = await shrinking.commit();
      jar.apply(shrunk);
      expect([...jar.cookies.keys()]).toEqual(['logto_session']);
      expect(shrunk.filter((cookie) => cookie.includes('Max-Age=0'))).toHaveLength(chunks.length);
      expect(await (await store.load(jar.header(), https)).getItem('idToken')).toBe(
        'id-token-value',
      );
    });

    it('treats a missing chunk as signed out without throwing', async () => {
      const { session } = await bigSession();
      const jar = new CookieJar(await session.commit());
      jar.cookies.delete('logto_session.1');
      const { session: loaded, codes } = await load(jar.header());
      expect(loaded.isNew).toBe(true);
      expect(codes).toEqual(['session.malformed']);
      const last = `logto_session.${jar.cookies.size}`;
      jar.cookies.delete(last);
      expect((await load(jar.header())).session.isNew).toBe(true);
    });

    it('treats reordered chunks as signed out without throwing', async () => {
      const { session } = await bigSession();
      const jar = new CookieJar(await session.commit());
      const first = jar.cookies.get('logto_session.0') ?? '';
      jar.cookies.set('logto_session.0', jar.cookies.get('logto_session.1') ?? '');
      jar.cookies.set('logto_session.1', first);
      const { session: loaded, codes } = await load(jar.header());
      expect(loaded.isNew).toBe(true);
      expect(codes).toHaveLength(1);
      expect(['session.malformed', 'session.decrypt_failed']).toContain(codes[0]);
    });

    it('stays within maxBytes of the Cookie header by dropping cached access tokens, least recently used first', async () => {
      const now = Date.UTC(2026, 0, 1);
      const store = createCookieSessionStore({ secret: SECRET, now: () => now });
      const session = await store.load(undefined, https);
      const map: Record<string, { token: string; expiresAt: number; usedAt: number }> = {};
      // Twenty tokens of ~900 bytes, each used a minute after the previous one; `api3` last.
      for (let index = 0; index < 20; index++) {
        map[`https://api${index}.example.com`] = {
          token: fakeToken(900, `token-${index}-`),
          expiresAt: now / 1000 + 3600,
          usedAt: now / 1000 - 3600 + (index === 3 ? 3000 : index * 60),
        };
      }
      await session.setItem('idToken', fakeToken(900, 'id-token-'));
      await session.setItem('refreshToken', 'r'.repeat(43));
      await session.setItem('accessTokenMap', JSON.stringify(map));
      const jar = new CookieJar(await session.commit());
      expect(Buffer.byteLength(jar.header() ?? '')).toBeLessThanOrEqual(8192);
      const loaded = await store.load(jar.header(), https);
      expect(await loaded.getItem('idToken')).toBe(fakeToken(900, 'id-token-'));
      expect(await loaded.getItem('refreshToken')).toBe('r'.repeat(43));
      const kept = Object.keys(JSON.parse((await loaded.getItem('accessTokenMap')) ?? '{}'));
      expect(kept.length).toBeGreaterThan(2);
      expect(kept.length).toBeLessThan(20);
      // The most recently used survive: api3, then the highest indexes.
      const expected = [
        ...Array.from({ length: 20 }, (_, index) => `https://api${index}.example.com`)
          .filter((key) => key !== 'https://api3.example.com')
          .slice(-(kept.length - 1)),
        'https://api3.example.com',
      ];
      expect(kept.sort()).toEqual(expected.sort());
    });

    it('honours a larger maxBytes (Node allows 16 KiB) and refuses one past it', async () => {
      const { session } = await bigSession(
        createCookieSessionStore({ secret: SECRET, maxBytes: 16_384 }),
        14,
      );
      const jar = new CookieJar(await session.commit());
      const size = Buffer.byteLength(jar.header() ?? '');
      expect(size).toBeGreaterThan(8192);
      expect(size).toBeLessThanOrEqual(16_384);
      expect(() => createCookieSessionStore({ secret: SECRET, maxBytes: 16_385 })).toThrow(
        expect.objectContaining({ code: 'config.invalid' }),
      );
    });

    it('fails the commit with session.too_large only when the ID and refresh tokens alone do not fit', async () => {
      const store = createCookieSessionStore({ secret: SECRET, maxBytes: 4096 });
      const { session } = await bigSession(store, 6);
      const jar = new CookieJar(await session.commit());
      expect(Buffer.byteLength(jar.header() ?? '')).toBeLessThanOrEqual(4096);
      const huge = await store.load(undefined, https);
      await huge.setItem('idToken', fakeToken(5000, 'id-token-'));
      await huge.setItem('accessTokenMap', JSON.stringify({ a: { token: 'a', expiresAt: 2e9 } }));
      await expect(huge.commit()).rejects.toMatchObject({ code: 'session.too_large' });
    });
  });

  describe('regenerate and destroy', () => {
    it('regenerate keeps the data in a new cookie with a fresh absolute lifetime', async () => {
      const { clock, store } = clockedStore(7200);
      const jar = await signedInJar(store);
      const before = jar.cookies.get('logto_session');
      clock.advance(3000);
      const session = await store.load(jar.header(), https);
      await session.regenerate();
      const cookies = await session.commit();
      jar.apply(cookies);
      expect(jar.cookies.get('logto_session')).not.toBe(before);
      expect(cookies[0]).toContain('Max-Age=3600');
      clock.advance(3000);
      // 6,000 s after the first sign-in, 3,000 s after the regeneration: still inside 7,200 s.
      jar.apply(await (await store.load(jar.header(), https)).commit());
      clock.advance(3000);
      expect(await (await store.load(jar.header(), https)).getItem('idToken')).toBe(
        'id-token-value',
      );
    });

    it('destroy clears every cookie of the session', async () => {
      const store = createCookieSessionStore({ secret: SECRET, maxBytes: 16_384 });
      const session = await store.load(undefined, https);
      await session.setItem('accessTokenMap', fakeToken(7000, 'grow-'));
      const jar = new CookieJar(await session.commit());
      const count = jar.cookies.size;
      expect(count).toBeGreaterThan(1);
      const loaded = await store.load(jar.header(), https);
      await loaded.destroy();
      expect(await loaded.getItem('accessTokenMap')).toBeNull();
      const cleared = await loaded.commit();
      expect(cleared).toHaveLength(count);
      for (const cookie of cleared) expect(cookie).toContain('=; Max-Age=0;');
      jar.apply(cleared);
      expect(jar.cookies.size).toBe(0);
    });

    it('destroy on an anonymous request sets no cookie', async () => {
      const session = await createCookieSessionStore({ secret: SECRET }).load(undefined, https);
      await session.destroy();
      expect(await session.commit()).toEqual([]);
    });
  });

  it('has no lock or reload (a cookie session lives in the browser, not shared between instances)', async () => {
    const session = await createCookieSessionStore({ secret: SECRET }).load(undefined, https);
    expect(session.withLock).toBeUndefined();
    expect(session.reload).toBeUndefined();
  });
});
