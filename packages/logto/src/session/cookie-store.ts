/**
 * Cookie sessions (the default store): the whole session lives in the browser, encrypted as a
 * compact JWE (`dir` + `A256GCM`), chunked under the 4096-byte cookie limit.
 *
 * @module
 */
import { BoundedCache } from '../bounded-cache.js';
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import {
  type CookieSettings,
  clearSessionCookies,
  isSecureCookie,
  readSessionCookie,
  resolveCookieSettings,
  writeSessionCookie,
} from './cookies.js';
import { decryptJwe, deriveKeys, encryptJwe, type JweKey } from './jwe.js';
import { expiryAt, type Lifetime, needsTouch, resolveLifetime, toSeconds } from './lifetime.js';
import { defaultSessionLogger } from './logger.js';
import { copyData, isEmpty, parseSessionRecord, readItem, type SessionRecord } from './payload.js';
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
  /** The most cookies one session may be split into before commit fails with `session.too_large`. Default 10. */
  maxChunks?: number;
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
  readonly maxChunks: number;
}

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
    const maxChunks = options.maxChunks ?? 10;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new LogtoError(
        'config.invalid',
        'Cookie session cacheSize must be a whole number, 0 or more.',
      );
    }
    if (!Number.isInteger(maxChunks) || maxChunks < 1 || maxChunks > 50) {
      throw new LogtoError(
        'config.invalid',
        'Cookie session maxChunks must be a whole number from 1 to 50.',
      );
    }
    const keys = deriveKeys(options.secret, settings.name);
    this.#parts = {
      settings,
      keys,
      // deriveKeys returns one key per secret and refuses an empty list.
      encryptKey: keys[0]!,
      lifetime: resolveLifetime(options),
      cache: new DecryptedSessions(cacheSize),
      logger: options.logger ?? defaultSessionLogger,
      now: options.now ?? Date.now,
      maxChunks,
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
    return new CookieRequestSession(parts, record, present, context);
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

  constructor(
    parts: CookieStoreParts,
    record: SessionRecord | undefined,
    present: string[],
    context: SessionLoadContext,
  ) {
    this.#parts = parts;
    this.#record = record;
    this.#present = present;
    this.#context = context;
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
    // A cookie session has no id to fix; a fresh iat (and a fresh IV) make it a new session.
    this.#restart = true;
    this.#changed = true;
  }

  async destroy(): Promise<void> {
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
      this.#settle(undefined, ended ? [] : this.#present);
      return cookies;
    }
    const iat = record === undefined || this.#restart ? now : record.iat;
    const next: SessionRecord = { iat, uat: now, exp: expiryAt(parts.lifetime, iat, now), data };
    const value = encryptJwe(JSON.stringify(next), parts.encryptKey);
    const { cookies, names } = writeSessionCookie(
      parts.settings,
      value,
      next.exp - now,
      this.#secure,
      this.#present,
      parts.maxChunks,
    );
    // The next request brings this exact value back: it will not need decrypting.
    parts.cache.set(value, next);
    this.#settle(next, names);
    return cookies;
  }

  #settle(record: SessionRecord | undefined, present: string[]): void {
    this.#record = record;
    this.#present = present;
    this.#data = undefined;
    this.#changed = false;
    this.#restart = false;
    this.#destroyed = false;
  }

  #writable(): Record<string, string> {
    this.#data ??= copyData(this.#record?.data);
    return this.#data;
  }
}

/**
 * Creates the default session store: each session is an encrypted cookie (compact JWE, `dir` +
 * `A256GCM`, key derived with HKDF-SHA256 from `secret` and the cookie name), split into
 * `<name>.0`, `<name>.1`, … when it would exceed 4096 bytes. Lifetimes default to 24 h idle and
 * 7 days absolute. No server state, so a sign-out cannot end copies of the cookie held elsewhere
 * before they expire; use `logto-ts/redis` when sessions must be revocable.
 *
 * @example
 * ```ts
 * const store = createCookieSessionStore({ secret: process.env.SESSION_SECRET! });
 * ```
 */
export const createCookieSessionStore = (options: CookieSessionStoreOptions): SessionStore =>
  new CookieSessionStore(options);
