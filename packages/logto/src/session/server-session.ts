/**
 * A request's session for stores that keep the data server-side (memory, Redis) behind a random
 * id in a cookie. The store-specific part is a {@link SessionBackend}.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { LogtoErrorCode } from '../errors.js';
import { clearSessionCookies, readSessionCookie, writeSessionCookie } from './cookies.js';
import { expiryAt, type Lifetime, startTimes, toSeconds } from './lifetime.js';
import { warnWithCode } from './logger.js';
import { copyData, isEmpty, readItem, type SessionRecord } from './payload.js';
import { LoadedSession, type RequestSessionParts } from './request-session.js';
import type {
  DestroyByTagOptions,
  RequestSession,
  SessionLoadContext,
  SessionStore,
} from './types.js';

/** The keys a request changed: values to set, keys to remove. */
export interface SessionPatch {
  set: Record<string, string>;
  remove: string[];
}

/** What a merge found: written, the record was gone (destroyed or expired), or the merge emptied it. */
export type MergeOutcome = 'written' | 'gone' | 'emptied';

/** Storage operations of a server-side store. Every method throws `LogtoError` only. */
export interface SessionBackend {
  /** The record, `undefined` when there is none, `'malformed'` when it cannot be parsed. */
  read(id: string): Promise<SessionRecord | undefined | 'malformed'>;
  /** Writes a whole new record, living until `record.exp`. */
  create(id: string, record: SessionRecord): Promise<void>;
  /**
   * Applies `patch` onto the record as it is now in the store (per-key last writer wins), moves
   * `uat`/`exp` to `now`, and never recreates a record that is gone.
   */
  merge(id: string, patch: SessionPatch, now: number, lifetime: Lifetime): Promise<MergeOutcome>;
  /** Deletes the record. */
  remove(id: string): Promise<void>;
  /**
   * Adds session `id`, begun at `began` (s), to the index of each tag; an index keeps a session
   * for at most the absolute lifetime. `now` (s) is the time of the commit.
   */
  tag(
    id: string,
    tags: readonly string[],
    began: number,
    now: number,
    lifetime: Lifetime,
  ): Promise<void>;
  /** Deletes the records indexed under `tag` begun before `before` (s; all when `undefined`); returns how many. */
  destroyByTag(tag: string, before: number | undefined): Promise<number>;
  /** Records `key` for `ttl` seconds; `false` when it was already recorded. */
  claimOnce(key: string, ttl: number): Promise<boolean>;
  /** Takes the lock `name` of session `id` (bounded wait) and returns its release. */
  lock(id: string, name: string): Promise<() => Promise<void>>;
}

/** Everything a server-side request session needs from its store. */
export interface ServerSessionParts extends RequestSessionParts {
  readonly backend: SessionBackend;
}

const idPattern = /^[A-Za-z0-9_-]{43}$/;

/** A new random 256-bit session id (base64url). */
export const newSessionId = (): string => randomBytes(32).toString('base64url');

/** Loads server-side sessions: the id comes from the cookie, the data from the backend. */
export class ServerSessionStore implements SessionStore {
  readonly #parts: ServerSessionParts;

  constructor(parts: ServerSessionParts) {
    this.#parts = parts;
  }

  /** @inheritDoc */
  async load(
    cookieHeader: string | undefined,
    context: SessionLoadContext,
  ): Promise<RequestSession> {
    const parts = this.#parts;
    const { value, present } = readSessionCookie(cookieHeader, parts.settings.name);
    const signedOut = (code?: LogtoErrorCode, message = '') => {
      if (code !== undefined) warnWithCode(parts.logger, code, message);
      return new ServerRequestSession(parts, undefined, present, context);
    };
    if (value === undefined && present.length === 0) return signedOut();
    if (value === undefined || !idPattern.test(value)) {
      return signedOut(
        'session.malformed',
        'Ignored a session cookie that is not a session id; the request continues signed out.',
      );
    }
    const record = await parts.backend.read(value);
    if (record === 'malformed') {
      return signedOut(
        'session.malformed',
        'Ignored a stored session that cannot be parsed; the request continues signed out.',
      );
    }
    // A missing record is an ordinary end of life (expired by TTL, or signed out elsewhere).
    if (record === undefined) return signedOut();
    if (record.exp <= toSeconds(parts.now())) {
      return signedOut(
        'session.expired',
        'Ignored an expired session; the request continues signed out.',
      );
    }
    return new ServerRequestSession(parts, record, present, context, value);
  }

  /** @inheritDoc */
  async destroyByTag(tag: string, options: DestroyByTagOptions = {}): Promise<number> {
    return this.#parts.backend.destroyByTag(tag, options.before);
  }

  /** @inheritDoc */
  async claimOnce(key: string, ttl: number): Promise<boolean> {
    return this.#parts.backend.claimOnce(key, ttl);
  }
}

class ServerRequestSession extends LoadedSession<ServerSessionParts> implements RequestSession {
  /** This request's changes: a value to set, or `null` to remove. */
  readonly #pending = new Map<string, string | null>();
  /** Ids to delete at commit (regenerated or destroyed). */
  readonly #obsolete: string[] = [];
  /** True once the stored record turned out to be gone (destroyed or expired elsewhere). */
  #gone = false;
  /** Tags to index the session under at commit. */
  readonly #tags = new Set<string>();
  /** True once this request called destroy (its commit clears the cookie). */
  #destroyed = false;

  /** The id of the stored record this request works on; `undefined` until one is created. */
  #id: string | undefined;

  constructor(
    parts: ServerSessionParts,
    record: SessionRecord | undefined,
    present: string[],
    context: SessionLoadContext,
    id?: string,
  ) {
    super(parts, record, present, context);
    this.#id = id;
  }

  get needsCommit(): boolean {
    if (this.#pending.size > 0 || this.#tags.size > 0 || this.#obsolete.length > 0) return true;
    if (this.#destroyed) return true;
    // A regenerated session moves to a new id at commit.
    if (this.#id === undefined) return this.record !== undefined;
    return !this.#gone && this.isDue();
  }

  async getItem(key: string): Promise<string | null> {
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    return this.record ? readItem(this.record.data, key) : null;
  }

  async setItem(key: string, value: string): Promise<void> {
    if ((await this.getItem(key)) !== value) this.#pending.set(key, String(value));
  }

  async removeItem(key: string): Promise<void> {
    if ((await this.getItem(key)) !== null) this.#pending.set(key, null);
  }

  async regenerate(): Promise<void> {
    if (this.#id === undefined) return;
    // The data moves to a new id at commit; the old record is deleted then.
    this.record = this.record && { ...this.record, data: this.#view() };
    this.#pending.clear();
    this.#obsolete.push(this.#id);
    this.#id = undefined;
  }

  async addTags(tags: readonly string[]): Promise<void> {
    for (const tag of tags) this.#tags.add(String(tag));
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    this.#tags.clear();
    if (this.#id !== undefined) this.#obsolete.push(this.#id);
    this.#id = undefined;
    this.record = undefined;
    this.#pending.clear();
  }

  async reload(): Promise<void> {
    if (this.#id === undefined) return;
    const record = await this.parts.backend.read(this.#id);
    this.record = typeof record === 'object' ? record : undefined;
    this.#gone = this.record === undefined;
  }

  async withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
    const id = this.#id;
    // A session that is not stored yet is not shared with anyone: nothing to coordinate.
    if (id === undefined) return task();
    const release = await this.parts.backend.lock(id, name);
    try {
      const result = await task();
      // Publish what the task wrote (a refreshed token) before anyone else can take the lock.
      if (this.#pending.size > 0) await this.#flush();
      return result;
    } finally {
      await release();
    }
  }

  async commit(): Promise<string[]> {
    const { backend, settings, lifetime } = this.parts;
    const now = this.nowSeconds();
    let cookies: string[] = [];
    if (this.#id === undefined) {
      const data = this.#view();
      if (isEmpty(data)) {
        // Clear only on this request's own sign-out: clearing a cookie whose record was merely
        // missing could delete a newer cookie a concurrent response (a sign-in) just set.
        if (this.#destroyed) {
          cookies = clearSessionCookies(settings, this.present, this.secure);
          this.present = [];
          this.#destroyed = false;
        }
      } else {
        const id = newSessionId();
        const record: SessionRecord = { ...startTimes(lifetime, now), data };
        await backend.create(id, record);
        // The id cookie lives as long as the session can (the store's TTL enforces the idle limit).
        const written = writeSessionCookie(
          settings,
          id,
          lifetime.absolute,
          this.secure,
          this.present,
        );
        cookies = written.cookies;
        this.present = written.names;
        this.#id = id;
        this.record = record;
        this.#pending.clear();
        // A sign-out earlier in this request is written over by the new session.
        this.#destroyed = false;
      }
    } else {
      let outcome: MergeOutcome | undefined = this.#gone ? 'gone' : undefined;
      if (outcome === undefined && (this.#pending.size > 0 || this.isDue(now))) {
        outcome = await this.#flush(now);
      }
      // A record gone meanwhile (signed out elsewhere) is not recreated; its cookie is left for
      // the same reason as above. A record this request emptied is its own sign-out.
      if (outcome === 'emptied') {
        cookies = clearSessionCookies(settings, this.present, this.secure);
        this.present = [];
      }
      if (outcome === 'gone' || outcome === 'emptied') {
        this.#id = undefined;
        this.#gone = false;
      }
    }
    if (this.#tags.size > 0 && this.#id !== undefined) {
      await backend.tag(this.#id, [...this.#tags], this.record?.iat ?? now, now, lifetime);
      this.#tags.clear();
    }
    for (const id of this.#obsolete.splice(0)) await backend.remove(id);
    return cookies;
  }

  /** Merges the pending changes into the stored record. */
  async #flush(now = this.nowSeconds()): Promise<MergeOutcome> {
    const id = this.#id;
    if (id === undefined) return 'gone';
    const patch: SessionPatch = { set: copyData(undefined), remove: [] };
    for (const [key, value] of this.#pending) {
      if (value === null) patch.remove.push(key);
      else patch.set[key] = value;
    }
    const outcome = await this.parts.backend.merge(id, patch, now, this.parts.lifetime);
    if (outcome === 'written') {
      const iat = this.record?.iat ?? now;
      const exp = expiryAt(this.parts.lifetime, iat, now);
      this.record = { iat, uat: now, exp, data: this.#view() };
    } else {
      this.record = undefined;
      this.#gone = true;
    }
    this.#pending.clear();
    return outcome;
  }

  /** The data as this request sees it: the stored record with the pending changes applied. */
  #view(): Record<string, string> {
    const data = copyData(this.record?.data);
    for (const [key, value] of this.#pending) {
      if (value === null) delete data[key];
      else data[key] = value;
    }
    return data;
  }
}
