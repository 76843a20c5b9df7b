import type { LogtoError, LogtoErrorCode } from '../../src/errors.js';
import type { SessionLoadContext, SessionLogger, SessionStore } from '../../src/session/index.js';

/** A browser's cookie jar, reduced to what session tests need. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** A jar holding the cookies of `setCookies` (a commit's answer). */
  constructor(setCookies: readonly string[] = []) {
    this.apply(setCookies);
  }

  /** Applies `Set-Cookie` values as a browser would (Max-Age=0 deletes). */
  apply(setCookies: readonly string[]): void {
    for (const setCookie of setCookies) {
      const [pair = ''] = setCookie.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      if (/;\s*Max-Age=0(;|$)/i.test(setCookie)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(equals + 1));
    }
  }

  /** The `Cookie` header the browser would send, or `undefined` when it has none. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** What {@link signIn} stores by default. */
export const signedInItems: Readonly<Record<string, string>> = {
  idToken: 'id-token-value',
  refreshToken: 'refresh-token-value',
};

/**
 * Signs a browser in on `store`: a new session holding `items` and, as the callback route does,
 * regenerated and tagged with `tags` when there are any. Returns the browser's jar.
 */
export const signIn = async (
  store: SessionStore,
  {
    items = signedInItems,
    tags = [],
    context = { secure: true },
  }: { items?: Record<string, string>; tags?: string[]; context?: SessionLoadContext } = {},
): Promise<CookieJar> => {
  const session = await store.load(undefined, context);
  for (const [key, value] of Object.entries(items)) await session.setItem(key, value);
  if (tags.length > 0) {
    await session.regenerate();
    await session.addTags?.(tags);
  }
  return new CookieJar(await session.commit());
};

/** Signs the browser of `jar` out on `store`: destroys its session and applies the answer. */
export const signOut = async (store: SessionStore, jar: CookieJar): Promise<void> => {
  const session = await store.load(jar.header(), { secure: true });
  await session.destroy();
  jar.apply(await session.commit());
};

/** A logger that records every reported error code. */
export const recordingLogger = () => {
  const codes: LogtoErrorCode[] = [];
  const messages: string[] = [];
  const logger: SessionLogger = {
    warn(message: string, error?: LogtoError) {
      messages.push(message);
      if (error) codes.push(error.code);
    },
  };
  return { logger, codes, messages };
};

/** A clock tests move by hand (milliseconds). */
export const manualClock = (start = Date.UTC(2026, 0, 1)) => {
  let time = start;
  return {
    now: () => time,
    advance(seconds: number) {
      time += seconds * 1000;
    },
  };
};

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const OTHER_SECRET = 'other-secret-0123456789abcdef0123456789abcdef';

/** A JWT-shaped string of about `size` bytes, like a cached access token. */
export const fakeToken = (size: number, seed: string) =>
  `eyJhbGciOiJFUzM4NCJ9.${Buffer.from(seed.repeat(Math.ceil(size / seed.length)))
    .toString('base64url')
    .slice(0, size - 40)}.sig`;
