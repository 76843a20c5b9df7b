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
   * True when the app is served over https (decides `Secure` when `secure` is `'auto'`). Adapters
   * pass whether `baseUrl` is https, so a TLS-terminating proxy still gets `Secure` cookies.
   */
  secure: boolean;
}

/**
 * A place where sessions live. An adapter calls {@link SessionStore.load} once per request and
 * gives the {@link RequestSession} to `LogtoClient` as its storage; at the end of the request it
 * sends each string of {@link RequestSession.commit} as a `Set-Cookie` header.
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
   * Reads the session the request's cookies point at. A bad cookie gives an empty session (and a
   * logger warning); throws `LogtoError` `session.store_unavailable` only when a server-side store
   * cannot be reached. A request without a session cookie costs no I/O.
   */
  load(cookieHeader: string | undefined, context: SessionLoadContext): Promise<RequestSession>;
  /**
   * Ends every session tagged with `tag` (see {@link RequestSession.addTags}) that began before
   * `options.before`, for back-channel logout. Returns how many records a server-side store
   * deleted; the cookie store records the end in its revocation list and returns 0.
   *
   * @throws {@link LogtoError} `session.store_unavailable` when the end could not be recorded.
   */
  destroyByTag?(tag: string, options?: DestroyByTagOptions): Promise<number>;
  /**
   * Records `key` as used for `ttl` seconds: `true` the first time, `false` while it is recorded
   * (a replay check shared by every instance; server-side stores only).
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
 * lifecycle operations adapters need. Writes are buffered until {@link RequestSession.commit}.
 */
export interface RequestSession extends CoordinatedStorage {
  /** True when the request brought no valid session (none, or one that was rejected). */
  readonly isNew: boolean;
  /**
   * Whether {@link RequestSession.commit} would write anything now; `false` means it would return
   * `[]`. Adapters treat a missing value as `true`.
   */
  readonly needsCommit?: boolean;
  /** The value stored under `key`, or `null`. */
  getItem(key: string): Promise<string | null>;
  /** Stores `value` under `key`. */
  setItem(key: string, value: string): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  removeItem(key: string): Promise<void>;
  /**
   * Moves the session to a new identity at sign-in (against session fixation), keeping the data
   * and restarting the absolute lifetime.
   */
  regenerate(): Promise<void>;
  /** Tags the session (e.g. `sub:<sub>`) so that {@link SessionStore.destroyByTag} can end it. */
  addTags?(tags: readonly string[]): Promise<void>;
  /** Ends the session at sign-out: the data is dropped and the commit clears the cookies. */
  destroy(): Promise<void>;
  /**
   * Writes what changed and returns the `Set-Cookie` header values to send (possibly none).
   * Cookies are cleared only when this request ended the session, never for a rejected cookie (a
   * concurrent response may have set a newer one). Call it once, before the headers are sent.
   * Throws `LogtoError` `session.store_unavailable` or `session.too_large`.
   */
  commit(): Promise<string[]>;
}

/** Where stores report rejected cookies and other non-fatal events (never with secrets). */
export interface SessionLogger {
  /** A non-fatal problem; `error` carries a stable code such as `session.decrypt_failed`. */
  warn(message: string, error?: LogtoError): void;
}

/** Cookie attributes shared by every store. */
export interface SessionCookieOptions {
  /** Cookie name. Chunks are named `<name>.0`, `<name>.1`, …. Default `logto_session`. */
  name?: string;
  /**
   * `Secure`: `true`, `false`, or `'auto'` (per {@link SessionLoadContext.secure}). A `__Host-` or
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
  /** Idle lifetime: a session not used for this long expires. Default 86,400 (24 h). */
  rollingDuration?: number;
  /** Absolute lifetime counted from sign-in (or regeneration). Default 604,800 (7 days). */
  absoluteDuration?: number;
  /**
   * How far the rolling expiry must move before an unchanged session is written again. Default:
   * a tenth of `rollingDuration`, at most 3,600 (1 h).
   */
  touchAfter?: number;
}

/** Options shared by every store. */
export interface SessionStoreOptions extends SessionCookieOptions, SessionLifetimeOptions {
  /** Receives rejected cookies and warnings. Default: `console.warn`, at most once a minute per code. */
  logger?: SessionLogger;
  /** The clock, in milliseconds since the epoch. Default `Date.now` (tests inject their own). */
  now?: () => number;
}
