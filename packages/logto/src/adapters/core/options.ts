/**
 * The options every adapter takes, and their validation into what the core uses.
 *
 * @module
 */
import type { SignInOptions } from '../../client/types.js';
import { normalizeLogtoConfig } from '../../config/normalize.js';
import type { LogtoConfig, NormalizedLogtoConfig } from '../../config/types.js';
import { LogtoError } from '../../errors.js';
import {
  type CookieSessionStoreOptions,
  createCookieSessionStore,
} from '../../session/cookie-store.js';
import { createRateLimitedLogger } from '../../session/logger.js';
import type { SessionLogger, SessionStore } from '../../session/types.js';
import type { LogtoErrorRenderer } from './error-renderer.js';
import { type SignInQueryParam, signInQueryParams } from './sign-in-query.js';

/** Paths of the routes an adapter serves. Each can be set to `false` to leave it to the app. */
export interface LogtoRoutes {
  /** Starts a sign-in (GET; accepts a same-origin `returnTo` query parameter). Default `/sign-in`. */
  signIn?: string | false;
  /** Where Logto sends the browser back (GET); registered in Logto as `baseUrl + callback`. Default `/callback`. */
  callback?: string | false;
  /** Ends the local session and redirects to Logto's end-session endpoint (GET or POST). Default `/sign-out`. */
  signOut?: string | false;
  /** OpenID Connect Back-Channel Logout endpoint (POST from Logto). Default `/backchannel-logout`. */
  backchannelLogout?: string | false;
}

/** Sign-in options an app may fix for its sign-in route (the adapter sets the redirect URIs). */
export type AdapterSignInOptions = Omit<SignInOptions, 'redirectUri' | 'postRedirectUri'>;

/** Options of one sign-in started by an adapter's `signIn` helper. */
export interface RequestSignInOptions extends AdapterSignInOptions {
  /**
   * Where the user lands after the callback: a path on the app's origin (`/protected?tab=2`).
   * Anything else is ignored and the user lands on `/`.
   */
  returnTo?: string;
}

/** Options of one sign-out started by an adapter's `signOut` helper. */
export interface RequestSignOutOptions {
  /**
   * Where Logto sends the browser after signing out: a path on the app's origin, used as
   * `post_logout_redirect_uri` (register `baseUrl + returnTo` in Logto). Anything else is ignored
   * and {@link LogtoAdapterOptions.postSignOutRedirectUri} is used.
   */
  returnTo?: string;
}

/**
 * Options of the cookie sessions that the adapter builds from {@link LogtoAdapterOptions.secret}:
 * cookie attributes (`name`, `sameSite`, `secure`, `domain`, `path`) and lifetimes
 * (`rollingDuration`, `absoluteDuration`, `touchAfter`), as {@link createCookieSessionStore} takes them.
 */
export type AdapterCookieOptions = Omit<CookieSessionStoreOptions, 'secret' | 'logger' | 'now'>;

/** Where an adapter reports what is worth knowing but is not an error response. */
export interface AdapterLogger extends SessionLogger {
  /** A non-fatal problem (a failed revocation, a rejected logout token). Never receives a token, cookie or secret. */
  warn(message: string, error?: LogtoError): void;
}

/**
 * Options of every adapter (`logto-ts/express`, `logto-ts/hono`, `logto-ts/fastify`, `logto-ts/web`).
 *
 * Give your Logto application either as `config` or as {@link LogtoConfig} fields at the top level.
 *
 * @example
 * ```ts
 * const options: LogtoAdapterOptions = {
 *   endpoint: 'https://tenant.logto.app',
 *   appId: process.env.LOGTO_APP_ID!,
 *   appSecret: process.env.LOGTO_APP_SECRET,
 *   baseUrl: 'https://app.example.com',
 *   secret: process.env.SESSION_SECRET!,
 * };
 * ```
 */
export interface LogtoAdapterOptions extends Partial<LogtoConfig> {
  /** Your Logto application, instead of the top-level fields. */
  config?: LogtoConfig;
  /**
   * The app's public origin, e.g. `https://app.example.com` (no path). The redirect URI is
   * `baseUrl + routes.callback`; register it in Logto. Requests are never trusted to say where the
   * app lives (no `Host` header reading).
   */
  baseUrl: string;
  /**
   * Where Logto sends the browser after sign-out, unless the sign-out names a `returnTo`: a path on
   * `baseUrl` (`/goodbye`) or an absolute http(s) URL. Register it in Logto as a post sign-out
   * redirect URI. Default `baseUrl + '/'`.
   */
  postSignOutRedirectUri?: string;
  /**
   * The session store. Default: encrypted cookie sessions keyed by {@link LogtoAdapterOptions.secret}.
   * Use `createRedisSessionStore` from `logto-ts/redis` for revocable, server-side sessions.
   */
  session?: SessionStore;
  /** The cookie sessions' secret (or secrets, first encrypts, all decrypt), each at least 32 characters. Needed unless `session` is given. */
  secret?: string | readonly string[];
  /**
   * The cookie sessions' options besides `secret`, e.g. `{ name: 'app_session', sameSite: 'strict',
   * absoluteDuration: 86_400 }`; see {@link AdapterCookieOptions}. Only with `secret`: a store given
   * as `session` takes its options itself.
   */
  cookie?: AdapterCookieOptions;
  /** Route paths; see {@link LogtoRoutes}. */
  routes?: LogtoRoutes;
  /** Options of every sign-in started by the sign-in route (`firstScreen`, `extraParams`, …). */
  signInOptions?: AdapterSignInOptions;
  /**
   * Query parameters of the sign-in route that may set one sign-in's options, on top of
   * `signInOptions`: e.g. `['login_hint', 'first_screen']` lets a link to
   * `/sign-in?login_hint=alice@example.com&first_screen=register` pre-fill the identifier and open
   * the registration screen. Parameters not listed, and values Logto would not accept, are ignored;
   * the parameters the client sets itself (`client_id`, `redirect_uri`, `state`, `scope`, …) can
   * never be set this way. Default: none.
   */
  signInQueryParams?: readonly SignInQueryParam[];
  /** Receives warnings. Default: `console.warn`, at most once a minute per error code, with a count of the repeats. */
  logger?: AdapterLogger;
  /** The `fetch` used to talk to Logto. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Allowed age (seconds) of a back-channel logout token's `iat`, and the clock tolerance for its
   * `exp`. Default 300.
   */
  logoutTokenMaxAge?: number;
  /**
   * Your own page for a failed sign-in, callback or sign-out: `(error, request) => Response |
   * undefined`. Return `undefined` for the default page. See {@link LogtoErrorRenderer}.
   */
  onError?: LogtoErrorRenderer;
}

/** Validated adapter options: what the core works with. */
export interface ResolvedAdapterOptions {
  readonly config: LogtoConfig;
  readonly normalized: NormalizedLogtoConfig;
  /** The public origin, without a trailing slash. */
  readonly baseUrl: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly store: SessionStore;
  readonly routes: Readonly<Record<keyof LogtoRoutes, string | undefined>>;
  readonly signInOptions: AdapterSignInOptions;
  readonly signInQueryParams: ReadonlySet<SignInQueryParam>;
  readonly logger: AdapterLogger;
  readonly fetch: typeof fetch | undefined;
  readonly logoutTokenMaxAge: number;
  readonly onError: LogtoErrorRenderer | undefined;
}

const configKeys = [
  'endpoint',
  'appId',
  'appSecret',
  'scopes',
  'resources',
  'prompt',
  'includeReservedScopes',
  'clockTolerance',
  'timeout',
  'clientAuth',
  'allowInsecureEndpoint',
] as const satisfies ReadonlyArray<keyof LogtoConfig>;

const defaultRoutes = {
  signIn: '/sign-in',
  callback: '/callback',
  signOut: '/sign-out',
  backchannelLogout: '/backchannel-logout',
} as const;

const routePattern = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

const invalid = (message: string) => new LogtoError('config.invalid', message);

const resolveConfig = (options: LogtoAdapterOptions): LogtoConfig => {
  if (options.config !== undefined) {
    if (typeof options.config !== 'object' || options.config === null) {
      throw invalid('Logto adapter: config must be a LogtoConfig object.');
    }
    return options.config;
  }
  const config: Record<string, unknown> = {};
  for (const key of configKeys) if (options[key] !== undefined) config[key] = options[key];
  return config as unknown as LogtoConfig;
};

const resolveBaseUrl = (value: unknown): string => {
  const problem =
    'Logto adapter: baseUrl must be the app\'s public origin, an http(s) URL with no path, query or fragment (e.g. "https://app.example.com").';
  if (typeof value !== 'string' || !URL.canParse(value)) throw invalid(problem);
  const url = new URL(value);
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw invalid(problem);
  }
  return url.origin;
};

const resolveRoutes = (routes: LogtoRoutes = {}): ResolvedAdapterOptions['routes'] => {
  if (typeof routes !== 'object' || routes === null) {
    throw invalid('Logto adapter: routes must be an object of paths.');
  }
  const resolved: Record<keyof LogtoRoutes, string | undefined> = { ...defaultRoutes };
  const seen = new Set<string>();
  for (const name of Object.keys(defaultRoutes) as Array<keyof LogtoRoutes>) {
    const value = routes[name];
    if (value === false) {
      resolved[name] = undefined;
      continue;
    }
    const path = value ?? defaultRoutes[name];
    if (typeof path !== 'string' || !routePattern.test(path) || path.startsWith('//')) {
      throw invalid(
        `Logto adapter: routes.${name} must be a path starting with "/" (no query), or false.`,
      );
    }
    if (seen.has(path)) throw invalid(`Logto adapter: routes.${name} repeats the path ${path}.`);
    seen.add(path);
    resolved[name] = path;
  }
  return resolved;
};

const resolveStore = (options: LogtoAdapterOptions, logger: AdapterLogger): SessionStore => {
  if (options.session !== undefined) {
    if (typeof options.session?.load !== 'function') {
      throw invalid('Logto adapter: session must be a SessionStore (an object with load()).');
    }
    if (options.cookie !== undefined) {
      throw invalid(
        'Logto adapter: cookie options go with `secret`; give them to the store passed as `session` instead.',
      );
    }
    return options.session;
  }
  if (options.secret === undefined) {
    throw invalid(
      'Logto adapter: give a `secret` (at least 32 random characters) for cookie sessions, or a `session` store.',
    );
  }
  const cookie = options.cookie ?? {};
  if (typeof cookie !== 'object' || cookie === null) {
    throw invalid('Logto adapter: cookie must be an object of cookie session options.');
  }
  return createCookieSessionStore({ ...cookie, secret: options.secret, logger });
};

const resolvePostSignOutRedirectUri = (value: unknown, baseUrl: string): string => {
  if (value === undefined) return `${baseUrl}/`;
  const problem =
    'Logto adapter: postSignOutRedirectUri must be a path starting with "/" or an absolute http(s) URL, without a fragment.';
  if (typeof value !== 'string' || value.startsWith('//') || value.includes('\\')) {
    throw invalid(problem);
  }
  const relative = value.startsWith('/');
  if (!URL.canParse(value, baseUrl) || (!relative && !URL.canParse(value))) throw invalid(problem);
  const url = new URL(value, baseUrl);
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.hash !== '' ||
    (relative && url.origin !== baseUrl)
  ) {
    throw invalid(problem);
  }
  return url.href;
};

const resolveSignInQueryParams = (value: unknown): ReadonlySet<SignInQueryParam> => {
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || !value.every((name) => signInQueryParams.has(name))) {
    throw invalid(
      `Logto adapter: signInQueryParams must be a list of ${[...signInQueryParams].join(', ')}.`,
    );
  }
  return new Set(value as SignInQueryParam[]);
};

/**
 * Validates adapter options.
 *
 * @throws {@link LogtoError} `config.invalid`, naming the bad option.
 */
export const resolveAdapterOptions = (options: LogtoAdapterOptions): ResolvedAdapterOptions => {
  if (typeof options !== 'object' || options === null) {
    throw invalid('Logto adapter: options are required (Logto config, baseUrl, secret).');
  }
  const config = resolveConfig(options);
  const normalized = normalizeLogtoConfig(config);
  const baseUrl = resolveBaseUrl(options.baseUrl);
  const routes = resolveRoutes(options.routes);
  const logger: AdapterLogger = options.logger ?? createRateLimitedLogger();
  if (typeof logger.warn !== 'function') throw invalid('Logto adapter: logger must have warn().');
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw invalid('Logto adapter: fetch must be a function.');
  }
  const maxAge = options.logoutTokenMaxAge ?? 300;
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0 || maxAge > 3600) {
    throw invalid('Logto adapter: logoutTokenMaxAge must be a number of seconds from 1 to 3600.');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw invalid(
      'Logto adapter: onError must be a function (error, request) => Response | undefined.',
    );
  }
  const signInOptions = options.signInOptions ?? {};
  if (typeof signInOptions !== 'object' || signInOptions === null) {
    throw invalid('Logto adapter: signInOptions must be an object.');
  }
  return {
    config,
    normalized,
    baseUrl,
    redirectUri: `${baseUrl}${routes.callback ?? defaultRoutes.callback}`,
    postLogoutRedirectUri: resolvePostSignOutRedirectUri(options.postSignOutRedirectUri, baseUrl),
    store: resolveStore(options, logger),
    routes,
    signInOptions,
    signInQueryParams: resolveSignInQueryParams(options.signInQueryParams),
    logger,
    fetch: options.fetch,
    logoutTokenMaxAge: maxAge,
    onError: options.onError,
  };
};
