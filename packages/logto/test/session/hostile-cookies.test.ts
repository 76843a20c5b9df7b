import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCookieSessionStore, createMemorySessionStore } from '../../src/session/index.js';
import { CookieJar, recordingLogger, SECRET } from './helpers.js';

const cookieValue = fc.stringMatching(/^[A-Za-z0-9_\-.~%"=]{0,300}$/);
const sessionCookie = fc.record({
  name: fc.constantFrom(
    'logto_session',
    'logto_session.0',
    'logto_session.1',
    'logto_session.2',
    'logto_session.x',
    'other',
  ),
  value: cookieValue,
});

describe('hostile cookies never throw: they load as an empty session', () => {
  it('for any Cookie header string', async () => {
    const { logger } = recordingLogger();
    const stores = [
      createCookieSessionStore({ secret: SECRET, logger }),
      createMemorySessionStore({ logger }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 500 }), async (header) => {
        for (const store of stores) {
          const session = await store.load(header, { secure: true });
          expect(session.isNew).toBe(true);
          await session.commit();
        }
      }),
    );
  });

  it('for any set of session cookies and chunks, including pieces of a real session', async () => {
    const { logger, codes } = recordingLogger();
    const store = createCookieSessionStore({ secret: SECRET, logger, maxBytes: 16_384 });
    const real = await store.load(undefined, { secure: true });
    await real.setItem('accessTokenMap', 'x'.repeat(9000));
    const jar = new CookieJar(await real.commit());
    const pieces = [...jar.cookies.values()];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            sessionCookie,
            fc.record({
              name: sessionCookie.map((c) => c.name),
              value: fc.constantFrom(...pieces),
            }),
          ),
          {
            maxLength: 6,
          },
        ),
        async (cookies) => {
          const header = cookies.map(({ name, value }) => `${name}=${value}`).join('; ');
          const session = await store.load(header, { secure: true });
          const value = await session.getItem('accessTokenMap');
          // Only the real chunks, complete and in order, give the real session back.
          if (value !== null) expect(value).toBe('x'.repeat(9000));
          await session.commit();
        },
      ),
    );
    for (const code of codes)
      expect(['session.malformed', 'session.decrypt_failed']).toContain(code);
  });
});
