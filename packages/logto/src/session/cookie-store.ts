/**
 * Cookie sessions (the default store): the whole session lives in the browser, encrypted as a
 * compact JWE (`dir` + `A256GCM`), chunked under the 4096-byte cookie limit, and kept within a
 * budget of the `Cookie` header by dropping cached access tokens, least recently used first.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { BoundedCache } from '../bounded-cache.js';
import { evictLeastRecentlyUsed, parseAccessTokenMap } from '../client/access-token-map.js';
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import {
  type CookieSettings,
  clearSessionCookies,
  DEFAULT_MAX_SESSION_BYTES,
  isSecureCookie,
  readSessionCookie,
  resolveCookieSettings,
  writeSessionCookie,
} from './cookies.js';
import { decryptJwe, deriveKeys, encryptJwe, type JweKey } from './jwe.js';
import { expiryAt, type Lifetime, needsTouch, resolveLifetime, toSeconds } from './lifetime.js';
import { defaultSessionLogger } from './logger.js';
import { copyData, isEmpty, parseSessionRecord, readItem, type SessionRecord } from './payload.js';
import { createMemoryRevocations, type SessionRevocations } from './revocations.js';
import type {
  RequestSession,
  SessionLoadContext,
  SessionLogger,
  SessionStore,
  SessionStoreOptions,
} from './types.js';

/** Options of {@link createCookieSessionStore}. */
export interface CookieSessionStoreOptions extends SessionStoreOptions {
  /**
   * The secret(s) the encryption keys are derived from, each at least 32 characters. With a list,
   * the first encrypts and all decrypt, so a new secret can be put first without signing anyone out.
   */
  secret: string | readonly string[];
  /**
   * How many decrypted sessions to keep in memory, keyed by the exact cookie value, so that a
   * repeated cookie is not decrypted again. `0` disables the cache. Default 1000.
   */
  cacheSize?: number;
  /**
   * The most bytes the session may add to a request's `Cookie` header (its `name=value` pairs and
   * their separators), from 4096 to 16,384. Default 8192: common proxies refuse request headers
   * past 8 KiB, and Node answers 431 past 16 KiB, to every request, sign-out included. A session
   * that would grow past it drops cached access tokens, least recently used first (they are
   * fetched again when needed); only when the ID token, refresh token and pending sign-in alone
   * do not fit does the commit fail with `session.too_large`.
   */
  maxBytes?: number;
  /**
   * Where ended sessions are remembered, so that a copy of an ended session's cookie is refused:
   * sign-out ends its own session, back-channel logout the sessions of a Logto session or user.
   * Default: this process's memory ({@link createMemoryRevocations}). With several app instances,
   * `createRedisRevocations` from `logto-ts/redis` shares the list through Redis while each
   * request still checks only memory.
   */
  revocations?: SessionRevocations;
}

interface CookieStoreParts {
  readonly settings: CookieSettings;
  /** Every key that may decrypt, newest first. */
  readonly keys: readonly JweKey[];
  /** The key that encrypts: the first secret's. */
  readonly encryptKey: JweKey;
  readonly lifetime: Lifetime;
  readonly cache: DecryptedSessions;
  readonly logger: SessionLogger;
  readonly now: () => number;
  readonly maxBytes: number;
  readonly revocations: SessionRevocations;
}

/** The tag that names one cookie session alone (ended at its sign-out). */
const sessionTagPrefix = 'session:';

/** A new session's own tag: 128 random bits. */
const newSessionTag = () => `${sessionTagPrefix}${randomBytes(16).toString('base64url')}`;

const rejections: Record<'malformed' | 'decrypt_failed' | 'expired', [LogtoErrorCode, string]> = {
  malformed: [
    'session.malformed',
    'Ignored a session cookie that is not a valid session; the request continues signed out.',
  ],
  decrypt_failed: [
    'session.decrypt_failed',
    'Ignored a session cookie that does not decrypt with the configured secrets (tampered, truncated, or made with another secret or cookie name); the request continues signed out.',
  ],
  expired: [
    'session.expired',
    'Ignored an expired session cookie; the request continues signed out.',
  ],
};

/**
 * Decrypted sessions by exact cookie value. Entries are found by the value's last 22 characters
 * (the JWE's authentication tag) and then compared whole: hashing a 22-character key instead of
 * the whole ~1.3 KB cookie on every request, with the same exact-match guarantee.
 */
class DecryptedSessions {
  readonly #entries: BoundedCache<
    string,
    { readonly value: string; readonly record: SessionRecord }
  >;

  constructor(capacity: number) {
    this.#entries = new BoundedCache(capacity);
  }

  get(value: string): SessionRecord | undefined {
    const entry = this.#entries.get(value.slice(-22));
    return entry !== undefined && entry.value === value ? entry.record : undefined;
  }

  set(value: string, record: SessionRecord): void {
    this.#entries.set(value.slice(-22), { value, record });
  }

  delete(value: string): void {
    const key = value.slice(-22);
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }
}

class CookieSessionStore implements SessionStore {
  readonly #parts: CookieStoreParts;

  constructor(options: CookieSessionStoreOptions) {
    const settings = resolveCookieSettings(options);
    const cacheSize = options.cacheSize ?? 1000;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_SESSION_BYTES;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new LogtoError(
        'config.invalid',
        'Cookie session cacheSize must be a whole number, 0 or more.',
      );
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 4096 || maxBytes > 16_384) {
      throw new LogtoError(
        'config.invalid',
        'Cookie session maxBytes must be a whole number from 4096 to 16384.',
      );
    }
    const keys = deriveKeys(options.secret, settings.name);
    const logger = options.logger ?? defaultSessionLogger;
    const now = options.now ?? Date.now;
    const revocations = options.revocations ?? createMemoryRevocations({ logger, now });
    if (typeof revocations?.isEnded !== 'function' || typeof revocations.add !== 'function') {
      throw new LogtoError(
        'config.invalid',
        'Cookie session revocations must be a SessionRevocations (createMemoryRevocations() or createRedisRevocations()).',
      );
    }
    this.#parts = {
      settings,
      keys,
      // deriveKeys returns one key per secret and refuses an empty list.
      encryptKey: keys[0]!,
      lifetime: resolveLifetime(options),
      cache: new DecryptedSessions(cacheSize),
      logger,
      now,
      maxBytes,
      revocations,
    };
  }

  async load(
    cookieHeader: string | undefined,
    context: SessionLoadContext,
  ): Promise<RequestSession> {
    const parts = this.#parts;
    const { value, present, broken } = readSessionCookie(cookieHeader, parts.settings.name);
    // `Secure` is decided at commit, from the load context: most requests never write a cookie.
    if (broken) return this.#reject('malformed', present, context);
    if (value === undefined) return new CookieRequestSession(parts, undefined, present, context);
    // Only until a shared list has loaded at start (one promise check, no I/O per request).
    const loading = parts.revocations.loading?.();
    if (loading !== undefined) await loading;
    const now = toSeconds(parts.now());
    let record = parts.cache.get(value);
    if (record === undefined) {
      const decrypted = decryptJwe(value, parts.keys);
      if ('failure' in decrypted) return this.#reject(decrypted.failure, present, context);
      record = parseSessionRecord(decrypted.plaintext);
      if (record === undefined) return this.#reject('malformed', present, context);
      if (record.exp > now) parts.cache.set(value, record);
    }
    if (record.exp <= now || record.iat + parts.lifetime.absolute <= now) {
      parts.cache.delete(value);
      return this.#reject('expired', present, context);
    }
    if (record.tags !== undefined && parts.revocations.isEnded(record.tags, record.iat)) {
      // Signed out (here or, with a shared list, on another instance): the request continues
      // signed out, and its commit clears the cookies of the ended session.
      return new CookieRequestSession(parts, undefined, present, context, true);
    }
    return new CookieRequestSession(parts, record, present, context);
  }

  /**
   * Ends the cookie sessions tagged `tag` that began before `options.before` (seconds; default:
   * all of them so far), wherever their cookies are: records it in the revocation list, for the
   * sessions' absolute lifetime. Returns 0: a cookie store cannot count the sessions it ended.
   *
   * @throws {@link LogtoError} `session.store_unavailable` when a shared list could not record it
   *   (this process refuses those sessions anyway).
   */
  async destroyByTag(tag: string, options: { before?: number } = {}): Promise<number> {
    const parts = this.#parts;
    const now = toSeconds(parts.now());
    const before = Math.min(options.before ?? now + 1, now + 1);
    await parts.revocations.add({ tag, before, until: before + parts.lifetime.absolute });
    return 0;
  }

  #reject(
    reason: keyof typeof rejections,
    present: string[],
    context: SessionLoadContext,
  ): RequestSession {
    const [code, message] = rejections[reason];
    this.#parts.logger.warn(message, new LogtoError(code, message));
    return new CookieRequestSession(this.#parts, undefined, present, context);
  }
}

class CookieRequestSession implements RequestSession {
  readonly #parts: CookieStoreParts;
  readonly #context: SessionLoadContext;
  #record: SessionRecord | undefined;
  #present: string[];
  /** The request's own copy of the data, made on the first write. */
  #data: Record<string, string> | undefined;
  #changed = false;
  #restart = false;
  #destroyed = false;
  /** Tags added by this request, written at commit. */
  #addedTags = new Set<string>();
  /** The session this request signed out, to record as ended at commit. */
  #signedOut: SessionRecord | undefined;

  /** `ended`: the cookie's session was ended elsewhere; the commit clears its cookies. */
  constructor(
    parts: CookieStoreParts,
    record: SessionRecord | undefined,
    present: string[],
    context: SessionLoadContext,
    ended = false,
  ) {
    this.#parts = parts;
    this.#record = record;
    this.#present = present;
    this.#context = context;
    if (ended) {
      this.#destroyed = true;
      this.#changed = true;
    }
  }

  get isNew(): boolean {
    return this.#record === undefined;
  }

  /** Whether cookies get `Secure` (decided at commit, from the load context). */
  get #secure(): boolean {
    return isSecureCookie(this.#parts.settings, this.#context);
  }

  get needsCommit(): boolean {
    if (this.#changed) return true;
    const record = this.#record;
    return (
      record !== undefined && needsTouch(this.#parts.lifetime, record, toSeconds(this.#parts.now()))
    );
  }

  async getItem(key: string): Promise<string | null> {
    return readItem(this.#data ?? this.#record?.data ?? {}, key);
  }

  async setItem(key: string, value: string): Promise<void> {
    if ((await this.getItem(key)) === value) return;
    this.#writable()[key] = String(value);
    this.#changed = true;
  }

  async removeItem(key: string): Promise<void> {
    if ((await this.getItem(key)) === null) return;
    delete this.#writable()[key];
    this.#changed = true;
  }

  async regenerate(): Promise<void> {
    // A cookie session has no id to fix; a fresh iat, tag and IV make it a new session.
    this.#restart = true;
    this.#changed = true;
    this.#addedTags.clear();
  }

  async addTags(tags: readonly string[]): Promise<void> {
    for (const tag of tags) {
      const text = String(tag);
      if (this.#addedTags.has(text) || (!this.#restart && this.#record?.tags?.includes(text))) {
        continue;
      }
      this.#addedTags.add(text);
      this.#changed = true;
    }
  }

  async destroy(): Promise<void> {
    this.#signedOut ??= this.#record;
    this.#addedTags.clear();
    this.#destroyed = true;
    this.#data = copyData(undefined);
    this.#restart = true;
    this.#changed = true;
  }

  async commit(): Promise<string[]> {
    const parts = this.#parts;
    const now = toSeconds(parts.now());
    const record = this.#record;
    if (!this.#changed) {
      // A rejected cookie is left alone: clearing it could race with, and delete, a newer
      // cookie set by a concurrent response (a sign-in). The next write replaces it.
      if (record === undefined) return [];
      if (!needsTouch(parts.lifetime, record, now)) return [];
    }
    const data = this.#data ?? record?.data ?? {};
    if (isEmpty(data)) {
      // Clear only what this request ended (a sign-out, or a session it emptied).
      const ended = record !== undefined || this.#destroyed;
      const cookies = ended ? clearSessionCookies(parts.settings, this.#present, this.#secure) : [];
      const signedOut = this.#signedOut;
      this.#settle(undefined, ended ? [] : this.#present);
      if (signedOut !== undefined) await this.#recordSignOut(signedOut, now);
      return cookies;
    }
    const fresh = record === undefined || this.#restart;
    const iat = fresh ? now : record.iat;
    let next: SessionRecord = {
      iat,
      uat: now,
      exp: expiryAt(parts.lifetime, iat, now),
      data,
      tags: this.#tagsToWrite(fresh),
    };
    let written = this.#encrypt(next, now);
    if (written === undefined) {
      // Past the budget: drop cached access tokens, least recently used first, until it fits.
      const map = parseAccessTokenMap(readItem(data, 'accessTokenMap'));
      while (written === undefined) {
        if (!evictLeastRecentlyUsed(map, parts.now())) {
          throw new LogtoError(
            'session.too_large',
            `The session's ID token, refresh token and pending sign-in alone need more than ${parts.maxBytes} bytes of cookies (maxBytes). Use a server-side session store (logto-ts/redis).`,
          );
        }
        const smaller = copyData(data);
        if (Object.keys(map).length === 0) delete smaller.accessTokenMap;
        else smaller.accessTokenMap = JSON.stringify(map);
        next = { ...next, data: smaller };
        written = this.#encrypt(next, now);
      }
    }
    // The next request brings this exact value back: it will not need decrypting.
    parts.cache.set(written.value, next);
    const signedOut = this.#signedOut;
    this.#settle(next, written.names);
    // Signed out, then written again in one request: the old session still ends.
    if (signedOut !== undefined) await this.#recordSignOut(signedOut, now);
    return written.cookies;
  }

  /** The cookies of `record`, or `undefined` when they would pass the `maxBytes` budget. */
  #encrypt(
    record: SessionRecord,
    now: number,
  ): { value: string; cookies: string[]; names: string[] } | undefined {
    const parts = this.#parts;
    const value = encryptJwe(JSON.stringify(record), parts.encryptKey);
    // The value alone is a lower bound of its share of the header: no cookie to build.
    if (value.length > parts.maxBytes) return undefined;
    const { cookies, names, headerBytes } = writeSessionCookie(
      parts.settings,
      value,
      record.exp - now,
      this.#secure,
      this.#present,
    );
    return headerBytes > parts.maxBytes ? undefined : { value, cookies, names };
  }

  /** The tags of the record written now: a new session gets its own `session:` tag. */
  #tagsToWrite(fresh: boolean): string[] {
    const held = fresh ? undefined : this.#record?.tags;
    const base = held?.some((tag) => tag.startsWith(sessionTagPrefix))
      ? held
      : [newSessionTag(), ...(held ?? [])];
    return this.#addedTags.size === 0 ? [...base] : [...new Set([...base, ...this.#addedTags])];
  }

  /**
   * Ends the signed-out session wherever a copy of its cookie is (this process at once; every
   * instance with a shared list). A list that cannot share it does not fail the sign-out: the
   * browser's own cookies are cleared either way.
   */
  async #recordSignOut(record: SessionRecord, now: number): Promise<void> {
    const tag = record.tags?.find((candidate) => candidate.startsWith(sessionTagPrefix));
    if (tag === undefined) return;
    try {
      await this.#parts.revocations.add({
        tag,
        before: now + 1,
        until: record.iat + this.#parts.lifetime.absolute + 1,
      });
    } catch (error) {
      if (!(error instanceof LogtoError)) throw error;
      this.#parts.logger.warn(
        'Signed a session out, but could not share that with the other instances; a copy of its cookie is refused here, and elsewhere only once the revocation list is reachable again.',
        error,
      );
    }
  }

  #settle(record: SessionRecord | undefined, present: string[]): void {
    this.#record = record;
    this.#present = present;
    this.#data = undefined;
    this.#changed = false;
    this.#restart = false;
    this.#destroyed = false;
    this.#addedTags = new Set();
    this.#signedOut = undefined;
  }

  #writable(): Record<string, string> {
    this.#data ??= copyData(this.#record?.data);
    return this.#data;
  }
}

/**
 * Creates the default session store: each session is an encrypted cookie (compact JWE, `dir` +
 * `A256GCM`, key derived with HKDF-SHA256 from `secret` and the cookie name), split into
 * `<name>.0`, `<name>.1`, … when it would exceed 4096 bytes. All of them together stay within
 * `maxBytes` (8 KiB) of the `Cookie` header: past it, cached access tokens are dropped, least
 * recently used first. Lifetimes default to 24 h idle and 7 days absolute. Ended sessions (sign-out, back-channel logout) are remembered in a revocation
 * list, so a copy of an ended session's cookie is refused: by this process by default, by every
 * instance with `createRedisRevocations` from `logto-ts/redis`.
 *
 * @example
 * ```ts
 * const store = createCookieSessionStore({ secret: process.env.SESSION_SECRET! });
 * ```
 */
export const createCookieSessionStore = (options: CookieSessionStoreOptions): SessionStore =>
  new CookieSessionStore(options);
