/**
 * Ending cookie sessions: a cookie lives in the browser, so the store remembers ended sessions in
 * a revocation list ("sessions tagged T that began before B") and refuses their cookies.
 */
import { describe, expect, it } from 'vitest';
import {
  createCookieSessionStore,
  createMemoryRevocations,
  type SessionStore,
} from '../../src/session/index.js';
import { CookieJar, manualClock, recordingLogger, SECRET, signIn, signOut } from './helpers.js';

const https = { secure: true };

const idTokenOf = async (store: SessionStore, jar: CookieJar) =>
  (await store.load(jar.header(), https)).getItem('idToken');

describe('cookie sessions end everywhere this process sees them', () => {
  it('a copy of the cookie taken before sign-out is refused at once, and its cookies are cleared', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const browser = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    const copy = new CookieJar([`logto_session=${browser.cookies.get('logto_session')}`]);

    await signOut(store, browser);
    expect(browser.cookies.size).toBe(0);

    const stolen = await store.load(copy.header(), https);
    expect(stolen.isNew).toBe(true);
    expect(await stolen.getItem('idToken')).toBeNull();
    copy.apply(await stolen.commit());
    expect(copy.cookies.size).toBe(0);
  });

  it('a sign-out ends only that session: another session of the same user lives on', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const laptop = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    const phone = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    await signOut(store, laptop);
    expect(await idTokenOf(store, phone)).toBe('id-token-value');
  });

  it('sub:<sub> ends the sessions that began before `before`, not those begun at or after it', async () => {
    const clock = manualClock();
    const store = createCookieSessionStore({ secret: SECRET, now: clock.now });
    const early = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    clock.advance(10);
    const logoutAt = clock.now() / 1000;
    const late = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    const bob = await signIn(store, { tags: ['sub:bob', 'nosid:bob'] });
    expect(await store.destroyByTag?.('sub:alice', { before: logoutAt })).toBe(0);
    expect(await idTokenOf(store, early)).toBeNull();
    expect(await idTokenOf(store, late)).toBe('id-token-value');
    expect(await idTokenOf(store, bob)).toBe('id-token-value');
  });

  it('sid:<sid> ends that Logto session’s sessions; nosid:<sub> the user’s sessions without a sid', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const withSid = await signIn(store, { tags: ['sub:alice', 'sid:s1'] });
    const otherSid = await signIn(store, { tags: ['sub:alice', 'sid:s2'] });
    const withoutSid = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    await store.destroyByTag?.('sid:s1');
    expect(await idTokenOf(store, withSid)).toBeNull();
    expect(await idTokenOf(store, otherSid)).toBe('id-token-value');
    expect(await idTokenOf(store, withoutSid)).toBe('id-token-value');
    await store.destroyByTag?.('nosid:alice');
    expect(await idTokenOf(store, withoutSid)).toBeNull();
    expect(await idTokenOf(store, otherSid)).toBe('id-token-value');
  });

  it('a new sign-in in the same browser is a new session: ending the old one leaves it alone', async () => {
    const store = createCookieSessionStore({ secret: SECRET });
    const jar = await signIn(store, { tags: ['sub:alice', 'nosid:alice'] });
    const before = new CookieJar([`logto_session=${jar.cookies.get('logto_session')}`]);
    const again = await store.load(jar.header(), https);
    await again.regenerate();
    await again.addTags?.(['sub:bob', 'nosid:bob']);
    jar.apply(await again.commit());
    await signOut(store, before);
    expect(await idTokenOf(store, jar)).toBe('id-token-value');
    await store.destroyByTag?.('sub:alice');
    expect(await idTokenOf(store, jar)).toBe('id-token-value');
  });

  it('remembers an end for the sessions’ absolute lifetime, then forgets it', async () => {
    const clock = manualClock();
    const revocations = createMemoryRevocations({ now: clock.now });
    const store = createCookieSessionStore({
      secret: SECRET,
      now: clock.now,
      revocations,
      rollingDuration: 3600,
      absoluteDuration: 7200,
    });
    await signIn(store, { tags: ['sub:alice'] });
    await store.destroyByTag?.('sub:alice');
    expect(revocations.isEnded(['sub:alice'], clock.now() / 1000 - 1)).toBe(true);
    clock.advance(7201);
    expect(revocations.isEnded(['sub:alice'], 0)).toBe(false);
  });

  it('keeps at most maxEntries ends, dropping the oldest with a warning', async () => {
    const { logger, codes } = recordingLogger();
    const revocations = createMemoryRevocations({ maxEntries: 2, logger });
    const until = Date.now() / 1000 + 3600;
    for (const tag of ['sub:a', 'sub:b', 'sub:c']) {
      await revocations.add({ tag, before: until, until });
    }
    expect(revocations.isEnded(['sub:a'], 0)).toBe(false);
    expect(revocations.isEnded(['sub:b'], 0)).toBe(true);
    expect(revocations.isEnded(['sub:c'], 0)).toBe(true);
    expect(codes).toEqual(['session.revocations_full']);
  });

  it('refuses a revocations option that is not a revocation list', () => {
    expect(() =>
      createCookieSessionStore({
        secret: SECRET,
        revocations: {} as unknown as ReturnType<typeof createMemoryRevocations>,
      }),
    ).toThrow(expect.objectContaining({ code: 'config.invalid' }));
  });
});
