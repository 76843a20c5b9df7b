import { describe, expect, it } from 'vitest';
import { createMemorySessionStore, type SessionStore } from '../../src/session/index.js';
import { CookieJar, manualClock, recordingLogger } from './helpers.js';
import { serverStoreSpec } from './server-store-spec.js';

describe('memory session store', () => {
  it('warns once that it is not for production', () => {
    const { logger, messages } = recordingLogger();
    createMemorySessionStore({ logger });
    createMemorySessionStore({ logger });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('development');
  });

  // One store instance holds the data: "two stores" share it, like two requests in one process.
  let shared: SessionStore | undefined;
  let waiting: SessionStore | undefined;
  serverStoreSpec((options) => {
    if (options?.lockWait) {
      waiting ??= createMemorySessionStore({ lockWait: options.lockWait });
      return waiting;
    }
    shared ??= createMemorySessionStore();
    return shared;
  });

  it('expires an idle session', async () => {
    const clock = manualClock();
    const store = createMemorySessionStore({
      now: clock.now,
      rollingDuration: 60,
      absoluteDuration: 600,
    });
    const session = await store.load(undefined, { secure: false });
    await session.setItem('idToken', 'x');
    const jar = new CookieJar();
    jar.apply(await session.commit());
    clock.advance(59);
    expect(await (await store.load(jar.header(), { secure: false })).getItem('idToken')).toBe('x');
    clock.advance(60);
    expect((await store.load(jar.header(), { secure: false })).isNew).toBe(true);
  });

  it('rolls the idle expiry forward on use without re-issuing the id cookie', async () => {
    const clock = manualClock();
    const store = createMemorySessionStore({
      now: clock.now,
      rollingDuration: 60,
      absoluteDuration: 600,
    });
    const session = await store.load(undefined, { secure: false });
    await session.setItem('idToken', 'x');
    const jar = new CookieJar();
    jar.apply(await session.commit());
    clock.advance(30);
    const used = await store.load(jar.header(), { secure: false });
    // Due to roll (touchAfter: a tenth of 60 s): the commit writes the record, no cookie.
    expect(used.needsCommit).toBe(true);
    expect(await used.commit()).toEqual([]);
    expect(used.needsCommit).toBe(false);
    clock.advance(50);
    expect(await (await store.load(jar.header(), { secure: false })).getItem('idToken')).toBe('x');
  });
});
