/**
 * The framework-neutral contract between session stores and adapters: strings in (the request's
 * `Cookie` header), strings out (`Set-Cookie` header values).
 *
 * @module
 */
import type { LogtoError } from '../errors.js';
import type { CoordinatedStorage } from '../storage.js';

/** What a store needs to know about the request it loads a session for. */
export interface SessionLoadContext {
  /**
   * True when the app is served over https: decides `Secure` when the store's `secure` is
   * `'auto'`. Adapters pass whether `baseUrl` is https, not what the request says, so a proxy that
   * terminates TLS and forwards plain http still gets `Secure` cookies.
   */
  secure: boolean;
}

/**
 * A place where sessions live. An adapter calls {@link SessionStore.load} once per request with
 * the raw `Cookie` header and gives the resulting {@link RequestSession} to `LogtoClient` as its
 * storage; at the end of the request it sends every string of {@link RequestSession.commit} as a
 * `Set-Cookie` header.
 *
 * @example
 * ```ts
 * const session = await store.load(request.headers.get('cookie') ?? undefined, { secure: true });
 * const client = new LogtoClient(config, { storage: session });
 * // … handle the request …
 * for (const value of await session.commit()) response.headers.append('set-cookie', value);
 * ```
 */
export interface SessionStore {
  /**
   * Reads the session the request's cookies point at. Never throws for a bad cookie (a tampered,
   * foreign, malformed or expired cookie gives an empty session and is reported to the logger);
   * throws `LogtoError` `session.store_unavailable` only when a server-side store cannot be reached.
   * A request without a session cookie costs no I/O.
   */
  load(cookieHeader: string | undefined, context: SessionLoadContext): Promise<RequestSession>;
  /**
   * Optional: {@link SessionStore.load} without waiting, for a store that can load a session
   * with no I/O (the cookie store). `undefined` when it cannot this time; then `load` is called.
   * The session it returns answers {@link RequestSession.getItemSync}. Adapters use it to let a
   * signed-in request through without a promise.
   */
  loadSync?(
    cookieHeader: string | undefined,
    context: SessionLoadContext,
  ): RequestSession | undefined;
  /**
   * Ends every session tagged with `tag` (see {@link RequestSession.addTags}) that began before
   * `options.before` (seconds since the epoch; default: every one), for back-channel logout
   * (`sub:<sub>`, `sid:<sid>`, `nosid:<sub>`). Server-side stores delete the records and return
   * how many there were; the cookie store records the end in its revocation list (its sessions
   * live in browsers) and returns 0.
   *
   * @throws {@link LogtoError} `session.store_unavailable` when the end could not be recorded.
   */
  destroyByTag?(tag: string, options?: DestroyByTagOptions): Promise<number>;
  /**
   * Records `key` as used for `ttl` seconds: `true` the first time, `false` while it is recorded.
   * A replay check shared by every instance on the store (back-channel logout `jti`s). Only
   * server-side stores offer it.
   */
  claimOnce?(key: string, ttl: number): Promise<boolean>;
}

/** Options of {@link SessionStore.destroyByTag}. */
export interface DestroyByTagOptions {
  /** Only sessions that began before this time (seconds since the epoch) end. Default: all. */
  before?: number;
}

/**
 * One request's view of one session: a {@link CoordinatedStorage} for `LogtoClient` plus the
 * lifecycle operations adapters need. Keys are free strings (the client's `StorageKey`s and any
 * adapter key); values are strings, given back exactly.
 *
 * Writes are buffered in the request and reach the cookie or the server-side store in
 * {@link RequestSession.commit} (and, for server-side stores, when a `withLock` task ends).
 */
export interface RequestSession extends CoordinatedStorage {
  /** True when the request brought no valid session (none, or one that was rejected). */
  readonly isNew: boolean;
  /**
   * Whether {@link RequestSession.commit} would write anything if called now: `true` after a
   * change (a set or removed item, {@link RequestSession.regenerate},
   * {@link RequestSession.destroy}, new tags) not yet written, or when the rolling expiry is due to
   * be moved (see `touchAfter`). `false` means a commit now returns `[]` and writes nothing, so an
   * adapter may send its response without waiting for one. Synchronous and cheap. Optional for
   * stores written before it existed: adapters treat a missing value as `true`.
   */
  readonly needsCommit?: boolean;
  /** The value stored under `key`, or `null`. */
  getItem(key: string): Promise<string | null>;
  /** Optional: {@link RequestSession.getItem} without waiting, on sessions whose reads are in memory. */
  getItemSync?(key: string): string | null;
  /** Stores `value` under `key`. */
  setItem(key: string, value: string): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  removeItem(key: string): Promise<void>;
  /**
   * Moves the session to a new identity at sign-in, so that a session id planted before sign-in
   * (session fixation) is worthless afterwards. Keeps the data and restarts the absolute lifetime.
   * Server-side stores delete the old record on commit.
   */
  regenerate(): Promise<void>;
  /**
   * Tags the session (for example `sub:<sub>` and `sid:<sid>` at sign-in) so that
   * {@link SessionStore.destroyByTag} can end it later. Written at commit (into the cookie, for
   * cookie sessions).
   */
  addTags?(tags: readonly string[]): Promise<void>;
  /**
   * Ends the session at sign-out: all data is dropped, server-side records are deleted, and the
   * commit clears the cookies. Writes made after `destroy` start a new session with a new id.
   */
  destroy(): Promise<void>;
  /**
   * Writes what changed and returns the `Set-Cookie` header values to send (possibly none). An
   * unchanged session writes nothing, except when using it moved its idle expiry by at least
   * `touchAfter` (the cookie store re-issues the cookie; server-side stores refresh the record's
   * TTL and leave the id cookie as it is). A request that never had or created a session sets no
   * cookie. Cookies are cleared only when this request ended the session
   * ({@link RequestSession.destroy}, or it removed the last item): a rejected or orphaned cookie is
   * left alone, since clearing it could delete a newer cookie set by a concurrent response. Call it
   * once, before the response headers are sent. Throws `LogtoError` `session.store_unavailable` when a server-side store cannot be
   * written, `session.too_large` when a cookie session outgrows its chunk limit.
   */
  commit(): Promise<string[]>;
}

/**
 * Where stores report cookies they reject and other non-fatal events. Messages and errors never
 * contain a cookie value, token or secret.
 */
export interface SessionLogger {
  /** A non-fatal problem; `error` carries a stable code such as `session.decrypt_failed`. */
  warn(message: string, error?: LogtoError): void;
}

/** Cookie attributes shared by every store. */
export interface SessionCookieOptions {
  /** Cookie name. Chunks are named `<name>.0`, `<name>.1`, …. Default `logto_session`. */
  name?: string;
  /**
   * `Secure` attribute: `true`, `false`, or `'auto'` (set when the app is served over https, per
   * {@link SessionLoadContext.secure}: with an adapter, when `baseUrl` is https). A `__Host-` or
   * `__Secure-` name always gets `Secure`. Default `'auto'`.
   */
  secure?: boolean | 'auto';
  /** `SameSite` attribute. Default `'lax'` (the callback is a top-level GET from the provider). */
  sameSite?: 'lax' | 'strict' | 'none';
  /** `Domain` attribute. Default: none (host-only cookie). */
  domain?: string;
  /** `Path` attribute. Default `/`. */
  path?: string;
}

/** Session lifetimes, in seconds. */
export interface SessionLifetimeOptions {
  /**
   * Idle lifetime (seconds): a session not used for this long expires. Every use moves the expiry,
   * but the cookie is re-issued only when it moved by at least `touchAfter`. Default 86,400 (24 h).
   */
  rollingDuration?: number;
  /** Absolute lifetime (seconds) counted from sign-in (or regeneration). Default 604,800 (7 days). */
  absoluteDuration?: number;
  /**
   * Minimum step (seconds) by which the rolling expiry must move before an unchanged session is
   * written again. Default: a tenth of `rollingDuration`, at most 3,600 (1 h).
   */
  touchAfter?: number;
}

/** Options shared by every store. */
export interface SessionStoreOptions extends SessionCookieOptions, SessionLifetimeOptions {
  /** Receives rejected cookies and warnings. Default: `console.warn`, at most once a minute per error code, with a count of the repeats. */
  logger?: SessionLogger;
  /** The clock, in milliseconds since the epoch. Default `Date.now` (tests inject their own). */
  now?: () => number;
}
