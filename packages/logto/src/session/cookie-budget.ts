/**
 * The cookie store's size budget: a session is sealed (encrypted and cut into cookies) within
 * `maxBytes` of the `Cookie` header, dropping cached access tokens, least recently used first,
 * until it fits.
 *
 * @module
 */
import { evictLeastRecentlyUsed, parseAccessTokenMap } from '../client/access-token-map.js';
import { LogtoError } from '../errors.js';
import { type CookieSettings, writeSessionCookie } from './cookies.js';
import { encryptJwe, type JweKey } from './jwe.js';
import { copyData, readItem, type SessionRecord } from './payload.js';

/** What sealing needs from the store. */
export interface SealingParts {
  readonly settings: CookieSettings;
  /** The key that encrypts. */
  readonly encryptKey: JweKey;
  /** The most bytes the session may add to a request's `Cookie` header. */
  readonly maxBytes: number;
  /** The clock (ms), for the access tokens' last use. */
  readonly now: () => number;
}

/** Where the cookies go: with `Secure` or not, over the session cookies the request carried. */
export interface CookieTarget {
  readonly secure: boolean;
  /** Cookie names of this session in the request; those not written again are cleared. */
  readonly present: readonly string[];
}

/** A session sealed into cookies. */
export interface SealedSession {
  /** The record written: the one given, or it less some cached access tokens. */
  readonly record: SessionRecord;
  /** The JWE: the value the next request brings back. */
  readonly value: string;
  /** The `Set-Cookie` values. */
  readonly cookies: string[];
  /** The cookie names written. */
  readonly names: string[];
}

/** The cookies of `record`, or `undefined` when they would pass the `maxBytes` budget. */
const seal = (
  parts: SealingParts,
  record: SessionRecord,
  now: number,
  target: CookieTarget,
): SealedSession | undefined => {
  const value = encryptJwe(JSON.stringify(record), parts.encryptKey);
  // The value alone is a lower bound of its share of the header: no cookie to build.
  if (value.length > parts.maxBytes) return undefined;
  const written = writeSessionCookie(
    parts.settings,
    value,
    record.exp - now,
    target.secure,
    target.present,
  );
  const { cookies, names } = written;
  return written.headerBytes > parts.maxBytes ? undefined : { record, value, cookies, names };
};

/**
 * Seals `record` (written at `now`, in seconds) within the budget, dropping cached access tokens,
 * least recently used first, until it fits (they are fetched again when needed).
 *
 * @throws {@link LogtoError} `session.too_large` when the session does not fit without any.
 */
export const sealWithinBudget = (
  parts: SealingParts,
  record: SessionRecord,
  now: number,
  target: CookieTarget,
): SealedSession => {
  let sealed = seal(parts, record, now, target);
  const map = sealed ? {} : parseAccessTokenMap(readItem(record.data, 'accessTokenMap'));
  while (sealed === undefined) {
    if (!evictLeastRecentlyUsed(map, parts.now())) {
      throw new LogtoError(
        'session.too_large',
        `The session's ID token, refresh token and pending sign-in alone need more than ${parts.maxBytes} bytes of cookies (maxBytes). Use a server-side session store (logto-ts/redis).`,
      );
    }
    const data = copyData(record.data);
    if (Object.keys(map).length === 0) delete data.accessTokenMap;
    else data.accessTokenMap = JSON.stringify(map);
    sealed = seal(parts, { ...record, data }, now, target);
  }
  return sealed;
};
