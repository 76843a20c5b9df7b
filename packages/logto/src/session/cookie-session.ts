/**
 * One request's cookie session: its data is buffered in the request and sealed into the cookies
 * at commit, with the tags that let a revocation list end it.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { LogtoError } from '../errors.js';
import { type SealingParts, sealWithinBudget } from './cookie-budget.js';
import { clearSessionCookies } from './cookies.js';
import type { DecryptedSessions } from './decrypted-sessions.js';
import type { JweKey } from './jwe.js';
import { expiryAt } from './lifetime.js';
import { copyData, isEmpty, readItem, type SessionRecord } from './payload.js';
import { LoadedSession, type RequestSessionParts } from './request-session.js';
import type { SessionRevocations } from './revocations.js';
import type { RequestSession, SessionLoadContext } from './types.js';

/** Everything a cookie session needs from its store. */
export interface CookieStoreParts extends RequestSessionParts, SealingParts {
  /** Every key that may decrypt, newest first. */
  readonly keys: readonly JweKey[];
  readonly cache: DecryptedSessions;
  readonly revocations: SessionRevocations;
}

/** The tag that names one cookie session alone (ended at its sign-out). */
const sessionTagPrefix = 'session:';

/** A new session's own tag: 128 random bits. */
const newSessionTag = () => `${sessionTagPrefix}${randomBytes(16).toString('base64url')}`;

/** A request's cookie session. */
export class CookieRequestSession
  extends LoadedSession<CookieStoreParts>
  implements RequestSession
{
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
    super(parts, record, present, context);
    this.#destroyed = ended;
    this.#changed = ended;
  }

  get needsCommit(): boolean {
    return this.#changed || this.isDue();
  }

  async getItem(key: string): Promise<string | null> {
    return readItem(this.#data ?? this.record?.data ?? {}, key);
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
      if (this.#addedTags.has(text) || (!this.#restart && this.record?.tags?.includes(text))) {
        continue;
      }
      this.#addedTags.add(text);
      this.#changed = true;
    }
  }

  async destroy(): Promise<void> {
    this.#signedOut ??= this.record;
    this.#addedTags.clear();
    this.#destroyed = true;
    this.#data = copyData(undefined);
    this.#restart = true;
    this.#changed = true;
  }

  async commit(): Promise<string[]> {
    const parts = this.parts;
    const now = this.nowSeconds();
    const record = this.record;
    // A rejected cookie is left alone: clearing it could race with, and delete, a newer
    // cookie set by a concurrent response (a sign-in). The next write replaces it.
    if (!this.#changed && !this.isDue(now)) return [];
    const signedOut = this.#signedOut;
    const data = this.#data ?? record?.data ?? {};
    let cookies: string[];
    if (isEmpty(data)) {
      // Clear only what this request ended (a sign-out, or a session it emptied).
      const ended = record !== undefined || this.#destroyed;
      cookies = ended ? clearSessionCookies(parts.settings, this.present, this.secure) : [];
      this.#settle(undefined, ended ? [] : this.present);
    } else {
      const fresh = record === undefined || this.#restart;
      const iat = fresh ? now : record.iat;
      const exp = expiryAt(parts.lifetime, iat, now);
      const next = { iat, uat: now, exp, data, tags: this.#tagsToWrite(fresh) };
      const target = { secure: this.secure, present: this.present };
      const sealed = sealWithinBudget(parts, next, now, target);
      // The next request brings this exact value back: it will not need decrypting.
      parts.cache.set(sealed.value, sealed.record);
      cookies = sealed.cookies;
      this.#settle(sealed.record, sealed.names);
    }
    // Signed out (then perhaps written again in one request): the old session still ends.
    if (signedOut !== undefined) await this.#recordSignOut(signedOut, now);
    return cookies;
  }

  /** The tags of the record written now: a new session gets its own `session:` tag. */
  #tagsToWrite(fresh: boolean): string[] {
    const held = fresh ? undefined : this.record?.tags;
    const base = held?.some((tag) => tag.startsWith(sessionTagPrefix))
      ? held
      : [newSessionTag(), ...(held ?? [])];
    return this.#addedTags.size === 0 ? [...base] : [...new Set([...base, ...this.#addedTags])];
  }

  /** Ends the signed-out session everywhere; an unshared end does not fail the sign-out (the cookies are cleared). */
  async #recordSignOut(record: SessionRecord, now: number): Promise<void> {
    const tag = record.tags?.find((candidate) => candidate.startsWith(sessionTagPrefix));
    if (tag === undefined) return;
    try {
      const until = record.iat + this.parts.lifetime.absolute + 1;
      await this.parts.revocations.add({ tag, before: now + 1, until });
    } catch (error) {
      if (!(error instanceof LogtoError)) throw error;
      this.parts.logger.warn(
        'Signed a session out, but could not share that with the other instances; a copy of its cookie is refused here, and elsewhere only once the revocation list is reachable again.',
        error,
      );
    }
  }

  #settle(record: SessionRecord | undefined, present: string[]): void {
    this.record = record;
    this.present = present;
    this.#data = undefined;
    this.#changed = false;
    this.#restart = false;
    this.#destroyed = false;
    this.#addedTags = new Set();
    this.#signedOut = undefined;
  }

  #writable(): Record<string, string> {
    this.#data ??= copyData(this.record?.data);
    return this.#data;
  }
}
