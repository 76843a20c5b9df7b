/**
 * `logto-ts/next`: Logto sign-in for the Next.js App Router (Next.js 15.5 and 16, Node.js runtime),
 * on the Web adapter.
 *
 * ```ts
 * // logto.ts
 * import { createLogto } from 'logto-ts/next';
 * export const logto = createLogto({ endpoint, appId, appSecret, baseUrl, secret });
 *
 * // app/sign-in/route.ts, app/callback/route.ts, app/sign-out/route.ts, app/backchannel-logout/route.ts
 * export const { GET, POST } = logto.handlers;
 *
 * // proxy.ts (Next.js 16; `middleware.ts` on 15.5): refreshes what is due and writes the cookies
 * export const proxy = logto.proxy;
 *
 * // app/protected/page.tsx (a Server Component)
 * const user = await logto.requireUser({ returnTo: '/protected' });
 * ```
 *
 * @module
 */

// The server half of `next/navigation` (what Next.js maps it to for server code): the full module
// also loads the client router's contexts, which route handlers and the proxy cannot resolve.
import { redirect } from 'next/dist/client/components/navigation.react-server.js';
import { cookies, headers } from 'next/headers.js';
import { NextResponse } from 'next/server.js';
import { LogtoError, type LogtoErrorCode, LogtoErrorCodes } from '../../errors.js';
import {
  type AdapterResponse,
  type AuthenticatedFlags,
  type AuthenticatedUser,
  createLogtoCore,
  type LogtoAdapterOptions,
  type LogtoCore,
  type LogtoRequestContext,
  type RequestSignInOptions,
  type RequestSignOutOptions,
} from '../core/index.js';
import { safeReturnTo } from '../core/return-to.js';
import { type WebLogto, webLogtoOn } from '../web/index.js';
import { adapterRequestOf, withSetCookies } from '../web/response.js';
import { refreshDueTokens } from './refresh-due.js';
import { serverRequest } from './server-request.js';
import { applySetCookies, parseSetCookie } from './set-cookie.js';

export { LogtoRequestContext } from '../core/index.js';
export type * from '../core/public.js';
export type { AuthenticatedWebHandler, LogtoWebHandler } from '../web/index.js';

/**
 * The request header in which {@link NextLogto.proxy} passes the page's path and query to the
 * render, for {@link NextLogto.requireUser}'s `returnTo` (a Server Component has no URL).
 */
export const returnToHeader = 'x-logto-return-to';

/** Options of {@link NextLogto.requireUser}. */
export interface RequireUserOptions {
  /**
   * Where to come back after signing in. Default: the page's path and query as passed by
   * {@link NextLogto.proxy}, else `/`.
   */
  returnTo?: string;
  /** Fetch the user from Logto's userinfo endpoint instead of using the ID token claims. */
  fetchUserInfo?: boolean;
}

/** The auth routes as Next.js route handler exports. */
export interface NextRouteHandlers {
  /** `GET /sign-in`, `/callback`, `/sign-out`; `404` on any other path. */
  GET(request: Request): Promise<Response>;
  /** `POST /sign-out`, `/backchannel-logout`; `404` on any other path. */
  POST(request: Request): Promise<Response>;
}

/** The Next.js adapter of one configured Logto app. Every member can be used detached. */
export interface NextLogto {
  /**
   * The auth routes: export them from `app/sign-in/route.ts`, `app/callback/route.ts`,
   * `app/sign-out/route.ts` and `app/backchannel-logout/route.ts` (the paths of
   * {@link LogtoAdapterOptions.routes}).
   */
  readonly handlers: NextRouteHandlers;
  /**
   * The current request's Logto context, over its cookies: `isAuthenticated()`,
   * `getIdTokenClaims()`, and `client` for userinfo, access and organization tokens. One per
   * request, shared by every Server Component of the render.
   *
   * A Server Component cannot set cookies, so what changes here (a token refreshed because no
   * proxy refreshed it first) is kept in memory for this render only; concurrent renders share one
   * refresh grant per refresh token. Server-side stores (Redis) save it themselves.
   */
  getContext(): Promise<LogtoRequestContext>;
  /**
   * The guard of a page: the signed-in user (ID token claims, or userinfo with
   * `fetchUserInfo: true`, typed by the options); not signed in, a redirect to the sign-in route
   * with `returnTo`.
   *
   * @throws {@link logto!LogtoError} `session.store_unavailable` when the session store is down.
   */
  requireUser<FetchUserInfo extends boolean = false>(
    options?: RequireUserOptions & {
      /** See {@link RequireUserOptions.fetchUserInfo}. */
      fetchUserInfo?: FetchUserInfo;
    },
  ): Promise<AuthenticatedUser<AuthenticatedFlags<FetchUserInfo, false>>>;
  /**
   * Starts a sign-in from a Server Action, with per-request options (`returnTo`, `firstScreen`,
   * `organizationId`, …, on top of `signInOptions`): writes the pending sign-in cookie and
   * redirects to Logto. Call it from your own `'use server'` function, e.g. a `<form action>`.
   *
   * @throws {@link logto!LogtoError} `sign_in.invalid_options`, `provider.*`,
   *   `session.store_unavailable`: what the sign-in route answers with an error page.
   */
  signIn(options?: RequestSignInOptions): Promise<never>;
  /**
   * Signs out from a Server Action: revokes the refresh token, destroys the session and
   * redirects to Logto's end-session page, which sends the browser to `returnTo` (a path of the
   * app, registered in Logto) or `postSignOutRedirectUri`. When Logto cannot be reached, the
   * session still ends and the browser goes to `returnTo` or `/`.
   *
   * @throws {@link logto!LogtoError} `session.store_unavailable`.
   */
  signOut(options?: RequestSignOutOptions): Promise<never>;
  /**
   * Guards a route handler, as {@link WebLogto.authenticated} does; a token refreshed in `handler`
   * is written to the response's cookies.
   */
  authenticated: WebLogto['authenticated'];
  /** Runs a route handler with the request's context and writes the session's cookies to its response. */
  withLogto: WebLogto['withLogto'];
  /**
   * The proxy (`proxy.ts` on Next.js 16, `middleware.ts` with `runtime: 'nodejs'` on 15.5): before
   * a page renders, refreshes every cached access token that is due, writes the session's
   * cookies to the response, and hands the new cookies to the render. Requests to the auth routes
   * pass through untouched.
   */
  proxy(request: Request): Promise<Response>;
}

/** The `Cookie` header of the current request, as `cookies()` sees it. */
const cookieHeaderOf = (store: Awaited<ReturnType<typeof cookies>>) =>
  store
    .getAll()
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join('; ');

/**
 * Creates the Next.js adapter. `options` may be a function: it is then called on first use, so that
 * `next build`, which loads route modules without the app's run-time environment, never needs the
 * secrets (its `config.invalid` is thrown by that first use instead of here).
 *
 * @throws {@link logto!LogtoError} `config.invalid`, naming the bad option.
 */
export function createLogto(options: LogtoAdapterOptions | (() => LogtoAdapterOptions)): NextLogto {
  let built: { core: LogtoCore; web: WebLogto } | undefined;
  const adapter = () => {
    if (built === undefined) {
      const core = createLogtoCore(typeof options === 'function' ? options() : options);
      built = { core, web: webLogtoOn(core) };
    }
    return built;
  };
  if (typeof options !== 'function') adapter();
  const baseUrl = () => adapter().core.options.baseUrl;
  /** One context per request: keyed by the request's cookie store, which Next.js keeps per request. */
  const contexts = new WeakMap<object, LogtoRequestContext>();

  const contextOver = (cookieHeader: string, pathAndQuery: string): LogtoRequestContext =>
    adapter().core.context(serverRequest(cookieHeader, pathAndQuery));

  const getContext = async (): Promise<LogtoRequestContext> => {
    const store = await cookies();
    let context = contexts.get(store);
    if (context === undefined) {
      const path = safeReturnTo((await headers()).get(returnToHeader), baseUrl()) ?? '/';
      context = contextOver(cookieHeaderOf(store), path);
      contexts.set(store, context);
    }
    return context;
  };

  /**
   * Finishes a Server Action with the core's answer: its cookies through `cookies().set()` (an
   * action cannot set a raw header), then the redirect, or the error the answer reports.
   */
  const finishAction = async (answer: AdapterResponse): Promise<never> => {
    const store = await cookies();
    for (const [name, header] of answer.headers) {
      if (name !== 'set-cookie') continue;
      const { name: cookieName, value, ...attributes } = parseSetCookie(header) ?? {};
      if (cookieName !== undefined && value !== undefined) store.set(cookieName, value, attributes);
    }
    const location = answer.headers.find(([name]) => name === 'location')?.[1];
    if (answer.status >= 300 && answer.status < 400 && location !== undefined) redirect(location);
    throw actionError(answer);
  };

  /** A fresh context for a Server Action (it writes, so it must not share a render's), asking for JSON errors. */
  const action = async () => {
    const request = {
      ...serverRequest(cookieHeaderOf(await cookies()), '/'),
      accept: 'application/json',
    };
    return { core: adapter().core, context: adapter().core.context(request), request };
  };

  const route = async (request: Request) =>
    (await adapter().web.handle(request)) ?? new Response('Not Found', { status: 404 });

  return {
    handlers: { GET: route, POST: route },
    getContext,
    async requireUser<FetchUserInfo extends boolean = false>(
      requested?: RequireUserOptions & { fetchUserInfo?: FetchUserInfo },
    ): Promise<AuthenticatedUser<AuthenticatedFlags<FetchUserInfo, false>>> {
      const guardOptions: RequireUserOptions = requested ?? {};
      const context = await getContext();
      const outcome = await adapter().core.guard(context, {
        redirect: true,
        fetchUserInfo: guardOptions.fetchUserInfo === true,
      });
      if (outcome.allow)
        return outcome.user as AuthenticatedUser<AuthenticatedFlags<FetchUserInfo, false>>;
      const location = outcome.response.headers.find(([name]) => name === 'location')?.[1];
      const signInPath = adapter().core.options.routes.signIn;
      if (
        location !== undefined &&
        guardOptions.returnTo !== undefined &&
        signInPath !== undefined
      ) {
        const returnTo = safeReturnTo(guardOptions.returnTo, baseUrl()) ?? '/';
        redirect(`${signInPath}?returnTo=${encodeURIComponent(returnTo)}`);
      }
      if (location !== undefined) redirect(location);
      if (outcome.response.status === 503) {
        throw new LogtoError(
          'session.store_unavailable',
          'The session store is unavailable. Try again in a moment.',
        );
      }
      throw new LogtoError(
        'token.not_authenticated',
        'Not signed in, and the sign-in route is disabled (routes.signIn: false).',
      );
    },
    async signIn(signInOptions) {
      const { core, context, request } = await action();
      return finishAction(await core.signIn(context, request, signInOptions));
    },
    async signOut(signOutOptions) {
      const { core, context, request } = await action();
      return finishAction(await core.signOut(context, request, signOutOptions));
    },
    authenticated: (request, guardOptions, handler) =>
      adapter().web.authenticated(request, guardOptions, handler),
    withLogto: (request, handler) => adapter().web.withLogto(request, handler),
    async proxy(request) {
      const { core } = adapter();
      const { logger } = core.options;
      const adapterRequest = adapterRequestOf(request);
      const pathAndQuery = withoutRscParameter(adapterRequest.pathAndQuery);
      if (core.route(adapterRequest.method, pathAndQuery) !== undefined) return NextResponse.next();
      const requestHeaders = new Headers(request.headers);
      requestHeaders.set(returnToHeader, pathAndQuery);
      const context = core.context(adapterRequest);
      let setCookies: string[] = [];
      try {
        await refreshDueTokens(context, logger);
        setCookies = await context.commit();
      } catch (error) {
        if (!(error instanceof LogtoError)) throw error;
        // The page renders on what the request carried; it meets the problem itself if it must.
        logger.warn('The proxy could not refresh the session before rendering.', error);
      }
      if (setCookies.length > 0) {
        requestHeaders.set('cookie', applySetCookies(request.headers.get('cookie'), setCookies));
      }
      return withSetCookies(
        NextResponse.next({ request: { headers: requestHeaders } }),
        setCookies,
      );
    },
  };
}

/**
 * The `LogtoError` an error answer of the core reports (its JSON body: `{ error, message }`), or a
 * plain `Error` when the app's `onError` rendered something else.
 */
const actionError = (answer: AdapterResponse): Error => {
  try {
    const body = JSON.parse(answer.body ?? '') as { error?: unknown; message?: unknown };
    if ((LogtoErrorCodes as readonly unknown[]).includes(body.error)) {
      return new LogtoError(body.error as LogtoErrorCode, String(body.message ?? ''));
    }
  } catch {
    // Not the core's JSON: said below.
  }
  return new Error(`The Logto Server Action failed with status ${answer.status}.`);
};

/** The path and query without Next.js's `_rsc` cache-busting parameter (not part of the page's address). */
const withoutRscParameter = (pathAndQuery: string): string => {
  const query = pathAndQuery.indexOf('?');
  if (query === -1 || !pathAndQuery.includes('_rsc=')) return pathAndQuery;
  const params = new URLSearchParams(pathAndQuery.slice(query + 1));
  params.delete('_rsc');
  const rest = params.toString();
  return `${pathAndQuery.slice(0, query)}${rest === '' ? '' : `?${rest}`}`;
};
