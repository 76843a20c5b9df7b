import { describe, expect, it } from 'vitest';
import { createMemorySessionStore, type SessionStore } from '../../src/session/index.js';
import { manualClock, recordingLogger, signIn } from './helpers.js';
import { serverStoreSpec } from './server-store-spec.js';

const http = { secure: false };

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

  /** A session on a store with a 60 s idle lifetime, on a clock moved by hand. */
  const signedInOnClock = async () => {
    const clock = manualClock();
    const store = createMemorySessionStore({
      now: clock.now,
      rollingDuration: 60,
      absoluteDuration: 600,
    });
    const jar = await signIn(store, { items: { idToken: 'x' }, context: http });
    return { clock, store, jar };
  };

  it('expires an idle session', async () => {
    const { clock, store, jar } = await signedInOnClock();
    clock.advance(59);
    expect(await (await store.load(jar.header(), http)).getItem('idToken')).toBe('x');
    clock.advance(60);
    expect((await store.load(jar.header(), http)).isNew).toBe(true);
  });

  it('rolls the idle expiry forward on use without re-issuing the id cookie', async () => {
    const { clock, store, jar } = await signedInOnClock();
    clock.advance(30);
    const used = await store.load(jar.header(), http);
    // Due to roll (touchAfter: a tenth of 60 s): the commit writes the record, no cookie.
    expect(used.needsCommit).toBe(true);
    expect(await used.commit()).toEqual([]);
    expect(used.needsCommit).toBe(false);
    clock.advance(50);
    expect(await (await store.load(jar.header(), http)).getItem('idToken')).toBe('x');
  });
});
