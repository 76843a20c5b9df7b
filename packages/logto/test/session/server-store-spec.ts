import { describe, expect, it } from 'vitest';
import type { RequestSession, SessionStore } from '../../src/session/index.js';
import { CookieJar, signIn } from './helpers.js';

const https = { secure: true };

/** Creates stores that share one backing store (for Redis: two clients on one server). */
/** A store on the shared backing store; `second` uses a second client where there is one. */
export type ServerStoreFactory = (options?: {
  second?: boolean;
  lockWait?: number;
}) => SessionStore;

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

/**
 * Takes the `refresh` lock of `session` as `name` and holds it until `release()`, recording
 * `<name>:start` and `<name>:end` in `events`; resolves once it is held.
 */
const holdLock = async (session: RequestSession, name: string, events: string[]) => {
  const gate = deferred();
  const started = deferred();
  const done = session.withLock?.('refresh', async () => {
    events.push(`${name}:start`);
    started.resolve();
    await gate.promise;
    events.push(`${name}:end`);
  });
  await started.promise;
  return { release: gate.resolve, done };
};

/** The rules every server-side store (memory, Redis) follows. */
export const serverStoreSpec = (makeStore: ServerStoreFactory) => {
  describe('server-side session rules', () => {
    it('round-trips items behind a random 256-bit id in the cookie', async () => {
      const store = makeStore();
      const jar = await signIn(store);
      const id = jar.cookies.get('logto_session') ?? '';
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const session = await makeStore({ second: true }).load(jar.header(), https);
      expect(session.isNew).toBe(false);
      expect(await session.getItem('idToken')).toBe('id-token-value');
      expect(await session.commit()).toEqual([]);
    });

    it('creates no session and sets no cookie for an anonymous request', async () => {
      const session = await makeStore().load(undefined, https);
      expect(session.isNew).toBe(true);
      await session.removeItem('idToken');
      expect(await session.commit()).toEqual([]);
    });

    it('sets no cookie for a request whose record is missing, unless it signs out', async () => {
      const store = makeStore();
      const stale = `logto_session=${'B'.repeat(43)}`;
      expect(await (await store.load(stale, https)).commit()).toEqual([]);
      const signingOut = await store.load(stale, https);
      await signingOut.destroy();
      expect(await signingOut.commit()).toEqual([
        'logto_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      ]);
    });

    it('ignores an id it did not issue and never adopts it (no fixation)', async () => {
      const store = makeStore();
      const planted = 'A'.repeat(43);
      const session = await store.load(`logto_session=${planted}`, https);
      expect(session.isNew).toBe(true);
      await session.setItem('signInSession', 'x');
      const jar = new CookieJar();
      jar.cookies.set('logto_session', planted);
      jar.apply(await session.commit());
      expect(jar.cookies.get('logto_session')).not.toBe(planted);
    });

    it('regenerate moves the data to a new id and deletes the old one', async () => {
      const store = makeStore();
      const jar = await signIn(store);
      const oldHeader = jar.header();
      const session = await store.load(oldHeader, https);
      await session.setItem('signInSession', 'done');
      await session.regenerate();
      jar.apply(await session.commit());
      expect(jar.header()).not.toBe(oldHeader);
      const renewed = await store.load(jar.header(), https);
      expect(await renewed.getItem('idToken')).toBe('id-token-value');
      expect(await renewed.getItem('signInSession')).toBe('done');
      const old = await store.load(oldHeader, https);
      expect(old.isNew).toBe(true);
      expect(await old.getItem('idToken')).toBeNull();
    });

    it('destroy deletes the record and clears the cookie', async () => {
      const store = makeStore();
      const jar = await signIn(store);
      const header = jar.header();
      const session = await store.load(header, https);
      await session.destroy();
      const cookies = await session.commit();
      expect(cookies).toEqual([
        'logto_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
      ]);
      expect((await store.load(header, https)).isNew).toBe(true);
    });

    it('merge rule: concurrent commits changing different keys both survive', async () => {
      const jar = await signIn(makeStore());
      const first = await makeStore().load(jar.header(), https);
      const second = await makeStore({ second: true }).load(jar.header(), https);
      await first.setItem('accessTokenMap', 'from-first');
      await second.setItem('refreshToken', 'rt-2');
      expect(await first.commit()).toEqual([]);
      expect(await second.commit()).toEqual([]);
      const merged = await makeStore().load(jar.header(), https);
      expect(await merged.getItem('accessTokenMap')).toBe('from-first');
      expect(await merged.getItem('refreshToken')).toBe('rt-2');
      expect(await merged.getItem('idToken')).toBe('id-token-value');
    });

    it('merge rule: the last writer of one key wins, and a removal is a write', async () => {
      const jar = await signIn(makeStore());
      const first = await makeStore().load(jar.header(), https);
      const second = await makeStore({ second: true }).load(jar.header(), https);
      await first.setItem('refreshToken', 'rt-first');
      await second.removeItem('refreshToken');
      await first.commit();
      await second.commit();
      expect(
        await (await makeStore().load(jar.header(), https)).getItem('refreshToken'),
      ).toBeNull();
    });

    it('a commit never resurrects a session destroyed meanwhile', async () => {
      const store = makeStore();
      const jar = await signIn(store);
      const header = jar.header();
      const late = await store.load(header, https);
      const signOut = await store.load(header, https);
      await signOut.destroy();
      await signOut.commit();
      await late.setItem('accessTokenMap', 'late');
      // Its cookie is left alone: clearing it could delete a newer cookie set meanwhile.
      expect(await late.commit()).toEqual([]);
      expect((await store.load(header, https)).isNew).toBe(true);
    });

    it('destroyByTag ends every session with the tag and leaves the others', async () => {
      const tag = `sub:${Math.random()}`;
      const store = makeStore();
      const tagged: Array<string | undefined> = [];
      for (const tags of [[tag, 'sid:1'], [tag, 'sid:2'], ['sid:3']]) {
        const session = await store.load(undefined, https);
        await session.setItem('idToken', 'x');
        await session.addTags?.(tags);
        const jar = new CookieJar(await session.commit());
        tagged.push(jar.header());
      }
      expect(await makeStore({ second: true }).destroyByTag?.(tag)).toBe(2);
      const after = await Promise.all(
        tagged.map(async (header) => (await store.load(header, https)).isNew),
      );
      expect(after).toEqual([true, true, false]);
      expect(await store.destroyByTag?.(tag)).toBe(0);
    });

    it('tags added at sign-in follow the regenerated id', async () => {
      const store = makeStore();
      const jar = await signIn(store);
      const session = await store.load(jar.header(), https);
      await session.regenerate();
      await session.addTags?.(['sid:regenerated']);
      jar.apply(await session.commit());
      expect(await store.destroyByTag?.('sid:regenerated')).toBe(1);
      expect((await store.load(jar.header(), https)).isNew).toBe(true);
    });

    it('destroyByTag with `before` ends only the sessions that began before it', async () => {
      const tag = `sub:${Math.random()}`;
      const store = makeStore();
      const session = await store.load(undefined, https);
      await session.setItem('idToken', 'x');
      await session.addTags?.([tag]);
      const jar = new CookieJar(await session.commit());
      const began = Math.floor(Date.now() / 1000);
      // Begun in the second of `before` (a sign-in after the logout): it lives on.
      expect(await store.destroyByTag?.(tag, { before: began - 1 })).toBe(0);
      expect((await store.load(jar.header(), https)).isNew).toBe(false);
      expect(await store.destroyByTag?.(tag, { before: began + 1 })).toBe(1);
      expect((await store.load(jar.header(), https)).isNew).toBe(true);
    });

    it('withLock excludes other holders of the same session lock across stores', async () => {
      const jar = await signIn(makeStore());
      const a = await makeStore().load(jar.header(), https);
      const b = await makeStore({ second: true }).load(jar.header(), https);
      const events: string[] = [];
      const first = await holdLock(a, 'a', events);
      const second = b.withLock?.('refresh', async () => {
        events.push('b:start');
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(events).toEqual(['a:start']);
      first.release();
      await Promise.all([first.done, second]);
      expect(events).toEqual(['a:start', 'a:end', 'b:start']);
    });

    it('withLock never lets two of many concurrent holders in at once', async () => {
      const jar = await signIn(makeStore());
      const stores = [makeStore(), makeStore({ second: true })];
      let inside = 0;
      let most = 0;
      let entered = 0;
      await Promise.all(
        Array.from({ length: 20 }, async (_, index) => {
          const session = await (stores[index % 2] ?? makeStore()).load(jar.header(), https);
          await session.withLock?.('refresh', async () => {
            inside++;
            entered++;
            most = Math.max(most, inside);
            await new Promise((resolve) => setTimeout(resolve, 2));
            inside--;
          });
        }),
      );
      expect(entered).toBe(20);
      expect(most).toBe(1);
    });

    it('withLock publishes writes made inside it before releasing, and reload sees them', async () => {
      const jar = await signIn(makeStore());
      const a = await makeStore().load(jar.header(), https);
      const b = await makeStore({ second: true }).load(jar.header(), https);
      await a.withLock?.('refresh', async () => {
        await a.setItem('refreshToken', 'rt-rotated');
      });
      expect(await b.getItem('refreshToken')).toBe('refresh-token-value');
      await b.withLock?.('refresh', async () => {
        await b.reload?.();
        expect(await b.getItem('refreshToken')).toBe('rt-rotated');
      });
      expect(await a.commit()).toEqual([]);
      expect(await b.commit()).toEqual([]);
    });

    it('withLock fails with session.lock_timeout when the wait bound passes', async () => {
      const jar = await signIn(makeStore({ lockWait: 100 }));
      const a = await makeStore({ lockWait: 100 }).load(jar.header(), https);
      const b = await makeStore({ second: true, lockWait: 100 }).load(jar.header(), https);
      const held = await holdLock(a, 'a', []);
      await expect(b.withLock?.('refresh', async () => 'never')).rejects.toMatchObject({
        code: 'session.lock_timeout',
      });
      held.release();
      await held.done;
    });

    it('withLock keeps excluding others after a waiter timed out while the holder still holds it', async () => {
      const jar = await signIn(makeStore({ lockWait: 100 }));
      const load = () => makeStore({ lockWait: 100 }).load(jar.header(), https);
      const [holder, waiter, late] = await Promise.all([load(), load(), load()]);
      const events: string[] = [];
      const held = await holdLock(holder, 'holder', events);
      await expect(waiter.withLock?.('refresh', async () => 'never')).rejects.toMatchObject({
        code: 'session.lock_timeout',
      });
      // The lock is still held: a request arriving now must wait (or time out), never enter.
      const lateTurn = late
        .withLock?.('refresh', async () => {
          events.push('late:start');
        })
        .catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 50));
      held.release();
      await Promise.all([held.done, lateTurn]);
      expect(events.slice(0, 2)).toEqual(['holder:start', 'holder:end']);
    });

    it('needsCommit is false exactly while a commit would write nothing', async () => {
      const store = makeStore();
      const anonymous = await store.load(undefined, https);
      expect(anonymous.needsCommit).toBe(false);
      await anonymous.removeItem('idToken');
      expect(anonymous.needsCommit).toBe(false);
      await anonymous.setItem('idToken', 'id-token-value');
      expect(anonymous.needsCommit).toBe(true);
      const jar = new CookieJar(await anonymous.commit());
      expect(anonymous.needsCommit).toBe(false);

      const reading = await store.load(jar.header(), https);
      expect(reading.needsCommit).toBe(false);
      await reading.getItem('idToken');
      await reading.setItem('idToken', 'id-token-value');
      expect(reading.needsCommit).toBe(false);
      expect(await reading.commit()).toEqual([]);

      const changing = await store.load(jar.header(), https);
      await changing.setItem('refreshToken', 'rt-2');
      expect(changing.needsCommit).toBe(true);
      await changing.commit();
      expect(changing.needsCommit).toBe(false);

      for (const change of [
        (session: RequestSession) => session.removeItem('idToken'),
        (session: RequestSession) => session.regenerate(),
        (session: RequestSession) => session.destroy(),
        (session: RequestSession) => session.addTags?.(['sub:needs-commit']) ?? Promise.resolve(),
      ]) {
        const session = await store.load(jar.header(), https);
        expect(session.needsCommit).toBe(false);
        await change(session);
        expect(session.needsCommit).toBe(true);
      }
    });

    it('withLock on a session that is not stored yet just runs the task', async () => {
      const session = await makeStore().load(undefined, https);
      expect(await session.withLock?.('refresh', async () => 42)).toBe(42);
    });
  });
};

export type { RequestSession };
