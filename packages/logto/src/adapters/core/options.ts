/**
 * The options every adapter takes, and their validation into what the core uses.
 *
 * @module
 */
import type { SignInOptions } from '../../client/types.js';
import { normalizeLogtoConfig } from '../../config/normalize.js';
import type { LogtoConfig, NormalizedLogtoConfig } from '../../config/types.js';
import { LogtoError } from '../../errors.js';
import { createCookieSessionStore } from '../../session/cookie-store.js';
import { createRateLimitedLogger } from '../../session/logger.js';
import type { SessionLogger, SessionStore } from '../../session/types.js';
import type { LogtoErrorRenderer } from './error-renderer.js';

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
   * `baseUrl + routes.callback`, the post-logout redirect URI `baseUrl + '/'`; register both in Logto.
   * Requests are never trusted to say where the app lives (no `Host` header reading).
   */
  baseUrl: string;
  /**
   * The session store. Default: encrypted cookie sessions keyed by {@link LogtoAdapterOptions.secret}.
   * Use `createRedisSessionStore` from `logto-ts/redis` for revocable, server-side sessions.
   */
  session?: SessionStore;
  /** The cookie sessions' secret (or secrets, first encrypts, all decrypt), each at least 32 characters. Needed unless `session` is given. */
  secret?: string | readonly string[];
  /** Route paths; see {@link LogtoRoutes}. */
  routes?: LogtoRoutes;
  /** Options of every sign-in started by the sign-in route (`firstScreen`, `extraParams`, …). */
  signInOptions?: AdapterSignInOptions;
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
    return options.session;
  }
  if (options.secret === undefined) {
    throw invalid(
      'Logto adapter: give a `secret` (at least 32 random characters) for cookie sessions, or a `session` store.',
    );
  }
  return createCookieSessionStore({ secret: options.secret, logger });
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
    postLogoutRedirectUri: `${baseUrl}/`,
    store: resolveStore(options, logger),
    routes,
    signInOptions,
    logger,
    fetch: options.fetch,
    logoutTokenMaxAge: maxAge,
    onError: options.onError,
  };
};
