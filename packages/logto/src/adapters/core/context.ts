/**
 * The per-request context an adapter puts on the request (`req.logto`, `c.get('logto')`, …):
 * the session loaded once and lazily, a `LogtoClient` built lazily over it, and the signed-in
 * user once a guard has run.
 *
 * @module
 */
import { BoundedCache } from '../../bounded-cache.js';
import { LogtoClient } from '../../client/logto-client.js';
import { isSignedIn } from '../../client/signed-in.js';
import { LogtoError } from '../../errors.js';
import type { RequestSession } from '../../session/types.js';
import type { CoordinatedStorage } from '../../storage.js';
import type { IdTokenClaims, UserInfoResponse } from '../../tokens/claims.js';
import { decodeJwtPayload, deepFreeze } from '../../tokens/claims.js';
import type { AdapterRequest } from './http.js';
import type { ResolvedAdapterOptions } from './options.js';
import { TrackedSession } from './tracked-session.js';

/** Decoded ID token claims by token, shared by requests of the same session (1000 recently used). */
const claimsCache = new BoundedCache<string, IdTokenClaims | null>(1000);

/**
 * The claims of a stored ID token, decoded once per process and token (`null` when unreadable).
 * The result is frozen: it is shared by every request carrying the same token.
 */
const decodeClaims = (idToken: string): IdTokenClaims | null => {
  const cached = claimsCache.get(idToken);
  if (cached !== undefined) return cached;
  let claims: IdTokenClaims | null;
  try {
    const decoded = decodeJwtPayload<IdTokenClaims>(idToken);
    claims = typeof decoded?.sub === 'string' ? deepFreeze(decoded) : null;
  } catch {
    claims = null;
  }
  claimsCache.set(idToken, claims);
  return claims;
};

/** Where a context keeps a reference to the core that built it. */
export const coreSlot: unique symbol = Symbol('logto.core');

/** A `Storage` that loads the request's session on first use, so building a client costs nothing. */
class LazySessionStorage implements CoordinatedStorage {
  readonly #session: () => Promise<RequestSession>;

  constructor(session: () => Promise<RequestSession>) {
    this.#session = session;
  }

  async getItem(key: string): Promise<string | null> {
    return (await this.#session()).getItem(key);
  }

  async setItem(key: string, value: string): Promise<void> {
    await (await this.#session()).setItem(key, value);
  }

  async removeItem(key: string): Promise<void> {
    await (await this.#session()).removeItem(key);
  }

  async withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
    const session = await this.#session();
    return typeof session.withLock === 'function' ? session.withLock(name, task) : task();
  }

  async reload(): Promise<void> {
    const session = await this.#session();
    if (typeof session.reload === 'function') await session.reload();
  }
}

/**
 * One request's Logto state. Nothing is read until something asks: a request that never touches
 * it costs no session load and sets no cookie.
 *
 * @example
 * ```ts
 * // in a route, after the adapter's middleware:
 * const token = await req.logto.client.getAccessToken('https://api.example.com');
 * ```
 */
export class LogtoRequestContext {
  /**
   * The signed-in user, set by `authenticated()`: the ID token claims, or the userinfo response
   * with `fetchUserInfo: true`. `undefined` before a guard ran. ID token claims are shared by the
   * requests of one session and frozen: copy them to change them.
   */
  user: IdTokenClaims | UserInfoResponse | undefined;
  /**
   * The access token `authenticated({ getAccessToken: true })` got for its resource and/or
   * organization; `undefined` otherwise.
   */
  accessToken: string | undefined;
  readonly #options: ResolvedAdapterOptions;
  readonly #request: AdapterRequest;
  #session: Promise<RequestSession> | undefined;
  /** The session once loaded; `null` when the load failed. */
  #loaded: RequestSession | null | undefined;
  #client: LogtoClient | undefined;
  /** The ID token the claims below were decoded from. */
  #claimsOf: string | undefined;
  #claims: IdTokenClaims | undefined;
  #committed = false;

  /** The adapter core that built this context (read through `LogtoCore.of`). */
  readonly [coreSlot]: unknown;

  /**
   * Built by the adapters; apps get it from the request.
   *
   * @internal
   */
  constructor(options: ResolvedAdapterOptions, request: AdapterRequest, core?: unknown) {
    this.#options = options;
    this.#request = request;
    this[coreSlot] = core;
  }

  /** The request's path and query (what the guard sends back to as `returnTo`). */
  get pathAndQuery(): string {
    return this.#request.pathAndQuery;
  }

  /** The request's `Accept` header (an HTML or a JSON error page). */
  get accept(): string | undefined {
    return this.#request.accept;
  }

  /**
   * A {@link LogtoClient} over this request's session, for access tokens, userinfo and claims.
   * Built on first use; the session loads on the client's first storage read.
   */
  get client(): LogtoClient {
    this.#client ??= new LogtoClient(this.#options.config, {
      storage: new LazySessionStorage(() => this.getSession()),
      logger: this.#options.logger,
      ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
    });
    return this.#client;
  }

  /**
   * The request's session, loaded on first call (one cookie decrypt or one store read).
   *
   * @throws {@link logto!LogtoError} `session.store_unavailable` when a server-side store is down.
   */
  getSession(): Promise<RequestSession> {
    this.#session ??= this.#load();
    return this.#session;
  }

  async #load(): Promise<RequestSession> {
    try {
      const session = new TrackedSession(
        // `baseUrl` (trusted configuration), not the request, says whether the app is on https:
        // behind a proxy that terminates TLS the request itself is plain http.
        await this.#options.store.load(this.#request.cookieHeader, {
          secure: this.#options.baseUrl.startsWith('https:'),
        }),
        this.#request.onCommitNeeded,
      );
      this.#loaded = session;
      return session;
    } catch (error) {
      this.#loaded = null;
      throw error;
    }
  }

  /**
   * Whether {@link LogtoRequestContext.commit} would write anything if called now: `false` when the
   * session was never loaded, failed to load, or is loaded and unchanged (its rolling expiry not
   * due); `true` while a load is still pending. Synchronous: an adapter asks it when the response
   * headers go out, and sends them at once when it is `false`.
   */
  get needsCommit(): boolean {
    if (this.#session === undefined) return false;
    const loaded = this.#loaded;
    if (loaded === undefined) return true;
    return loaded !== null && loaded.needsCommit !== false;
  }

  /**
   * The stored ID token's claims (not verified again: it was verified when it arrived), or
   * `undefined` when there is none or it cannot be read. No provider I/O; decoded once per token
   * and process, so the object is frozen (copy it to change it).
   */
  async getIdTokenClaims(): Promise<IdTokenClaims | undefined> {
    return this.#claimsOfToken(await (await this.getSession()).getItem('idToken'));
  }

  #claimsOfToken(idToken: string | null): IdTokenClaims | undefined {
    if (!idToken) return undefined;
    if (idToken !== this.#claimsOf) {
      this.#claimsOf = idToken;
      this.#claims = decodeClaims(idToken) ?? undefined;
    }
    return this.#claims;
  }

  /**
   * Whether the session is signed in, by the one rule `client.isAuthenticated()` and the guard use
   * too: an ID token, and either a refresh token or an unexpired ID token. No provider I/O. A
   * session ended by sign-out or back-channel logout is empty whatever the store (its cookies are
   * cleared at commit), so every API agrees that it is signed out.
   */
  async isAuthenticated(): Promise<boolean> {
    return (await this.getSignedInClaims()) !== undefined;
  }

  /**
   * The ID token claims when the session is signed in by the rule of
   * {@link LogtoRequestContext.isAuthenticated} (which it applies, with the same effects), else
   * `undefined`: both answers from one session read. No provider I/O.
   */
  async getSignedInClaims(): Promise<IdTokenClaims | undefined> {
    const session = await this.getSession();
    const claims = this.#claimsOfToken(await session.getItem('idToken'));
    if (!claims) return undefined;
    const hasRefreshToken = Boolean(await session.getItem('refreshToken'));
    return isSignedIn(claims, hasRefreshToken, this.#options.normalized.clockTolerance)
      ? claims
      : undefined;
  }

  /**
   * Writes the session if it changed and returns the `Set-Cookie` values to send. Adapters call
   * it once before the response headers go out; a request that never loaded the session costs
   * nothing and gets `[]`.
   *
   * @throws {@link logto!LogtoError} `session.store_unavailable`, `session.too_large`.
   */
  async commit(): Promise<string[]> {
    if (this.#session === undefined) return [];
    this.#committed = true;
    let session: RequestSession;
    try {
      session = await this.#session;
    } catch {
      // The load failed (a store outage, already answered): there is nothing to write.
      return [];
    }
    return session.commit();
  }

  /** True once {@link LogtoRequestContext.commit} ran. */
  get committed(): boolean {
    return this.#committed;
  }
}

/** True when `error` says the session store cannot be reached (answered with 503). */
export const isStoreOutage = (error: unknown): boolean =>
  error instanceof LogtoError &&
  (error.code === 'session.store_unavailable' ||
    error.code === 'session.lock_timeout' ||
    (error.code === 'storage.failed' &&
      error.cause instanceof LogtoError &&
      error.cause.code === 'session.store_unavailable'));
