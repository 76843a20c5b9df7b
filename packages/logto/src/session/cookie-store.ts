/**
 * Cookie sessions (the default store): the whole session lives in the browser, encrypted as a
 * compact JWE (`dir` + `A256GCM`), chunked under the 4096-byte cookie limit, and kept within a
 * budget of the `Cookie` header by dropping cached access tokens, least recently used first.
 *
 * @module
 */
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import { CookieRequestSession, type CookieStoreParts } from './cookie-session.js';
import { DEFAULT_MAX_SESSION_BYTES, readSessionCookie } from './cookies.js';
import { DecryptedSessions } from './decrypted-sessions.js';
import { decryptJwe, deriveKeys } from './jwe.js';
import { toSeconds } from './lifetime.js';
import { warnWithCode } from './logger.js';
import { parseSessionRecord } from './payload.js';
import { resolveSessionParts } from './request-session.js';
import { createMemoryRevocations, type SessionRevocations } from './revocations.js';
import type {
  RequestSession,
  SessionLoadContext,
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
  /** How many decrypted sessions to keep in memory, by cookie value; `0` disables it. Default 1000. */
  cacheSize?: number;
  /**
   * The most bytes the session may add to the `Cookie` header, 4096 to 16,384 (default 8192:
   * proxies refuse headers past 8 KiB). Past it, cached access tokens are dropped, least recently
   * used first; when the rest alone does not fit, the commit fails with `session.too_large`.
   */
  maxBytes?: number;
  /**
   * Where ended sessions are remembered, so that a copy of an ended session's cookie is refused.
   * Default: {@link createMemoryRevocations}; `createRedisRevocations` shares it between instances.
   */
  revocations?: SessionRevocations;
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

class CookieSessionStore implements SessionStore {
  readonly #parts: CookieStoreParts;

  constructor(options: CookieSessionStoreOptions) {
    const parts = resolveSessionParts(options);
    const cacheSize = options.cacheSize ?? 1000;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_SESSION_BYTES;
    const invalid = (message: string) =>
      new LogtoError('config.invalid', `Cookie session ${message}`);
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw invalid('cacheSize must be a whole number, 0 or more.');
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 4096 || maxBytes > 16_384) {
      throw invalid('maxBytes must be a whole number from 4096 to 16384.');
    }
    const keys = deriveKeys(options.secret, parts.settings.name);
    const revocations =
      options.revocations ?? createMemoryRevocations({ logger: parts.logger, now: parts.now });
    if (typeof revocations?.isEnded !== 'function' || typeof revocations.add !== 'function') {
      throw invalid(
        'revocations must be a SessionRevocations (createMemoryRevocations() or createRedisRevocations()).',
      );
    }
    this.#parts = {
      ...parts,
      keys,
      // deriveKeys returns one key per secret and refuses an empty list.
      encryptKey: keys[0]!,
      cache: new DecryptedSessions(cacheSize),
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

  /** @inheritDoc */
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
    warnWithCode(this.#parts.logger, ...rejections[reason]);
    return new CookieRequestSession(this.#parts, undefined, present, context);
  }
}

/**
 * Creates the default session store: each session is an encrypted cookie (compact JWE, `dir` +
 * `A256GCM`, key derived with HKDF-SHA256 from `secret` and the cookie name), chunked under 4096
 * bytes and kept within `maxBytes`. Ended sessions are remembered in a revocation list.
 *
 * @example
 * ```ts
 * const store = createCookieSessionStore({ secret: process.env.SESSION_SECRET! });
 * ```
 */
export const createCookieSessionStore = (options: CookieSessionStoreOptions): SessionStore =>
  new CookieSessionStore(options);
