/**
 * What every store's request session shares: the record the request loaded, the session cookie
 * names it carried, and the rules for `Secure` and for re-issuing an unchanged session.
 *
 * @module
 */
import { type CookieSettings, isSecureCookie, resolveCookieSettings } from './cookies.js';
import { type Lifetime, needsTouch, resolveLifetime, toSeconds } from './lifetime.js';
import { defaultSessionLogger } from './logger.js';
import type { SessionRecord } from './payload.js';
import type { SessionLoadContext, SessionLogger, SessionStoreOptions } from './types.js';

/** What every request session needs from its store. */
export interface RequestSessionParts {
  readonly settings: CookieSettings;
  readonly lifetime: Lifetime;
  readonly logger: SessionLogger;
  readonly now: () => number;
}

/** What every store resolves from its options: cookie attributes, lifetimes, logger and clock. */
export const resolveSessionParts = (options: SessionStoreOptions): RequestSessionParts => ({
  settings: resolveCookieSettings(options),
  lifetime: resolveLifetime(options),
  logger: options.logger ?? defaultSessionLogger,
  now: options.now ?? Date.now,
});

/** The base of the cookie store's and the server-side stores' request sessions. */
export abstract class LoadedSession<Parts extends RequestSessionParts> {
  readonly #context: SessionLoadContext;

  /**
   * @param record - The session the request brought, `undefined` when none (or a rejected one).
   * @param present - The names of this session's cookies in the request.
   */
  constructor(
    protected readonly parts: Parts,
    protected record: SessionRecord | undefined,
    protected present: string[],
    context: SessionLoadContext,
  ) {
    this.#context = context;
  }

  get isNew(): boolean {
    return this.record === undefined;
  }

  /** Whether cookies get `Secure`: decided at commit, since most requests never write a cookie. */
  protected get secure(): boolean {
    return isSecureCookie(this.parts.settings, this.#context);
  }

  /** The store's clock, in seconds. */
  protected nowSeconds(): number {
    return toSeconds(this.parts.now());
  }

  /** True when the loaded record is unchanged but due to have its idle expiry moved at `now`. */
  protected isDue(now = this.nowSeconds()): boolean {
    return this.record !== undefined && needsTouch(this.parts.lifetime, this.record, now);
  }
}
