/**
 * `logto-ts/hono`: Logto sign-in for Hono.
 *
 * ```ts
 * import { Hono } from 'hono';
 * import { authenticated, logto, type LogtoEnv } from 'logto-ts/hono';
 *
 * const app = new Hono<LogtoEnv>();
 * app.use(logto({ endpoint, appId, appSecret, baseUrl: 'http://localhost:3000', secret }));
 * app.get('/protected', authenticated({ redirect: true }), (c) => c.json(c.get('logto').user));
 * ```
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import { sessionCacheControl } from '../core/http.js';
import {
  type AuthenticatedContext,
  type AuthenticatedFlags,
  type AuthenticatedOptions,
  checkAuthenticatedOptions,
  createLogtoCore,
  type LogtoAdapterOptions,
  LogtoCore,
  type LogtoRequestContext,
  type RequestSignInOptions,
  type RequestSignOutOptions,
  resolveGuardOptions,
  type TypedAuthenticatedOptions,
} from '../core/index.js';
import { adapterRequestOf, toWebResponse } from '../web/response.js';

export { LogtoRequestContext } from '../core/index.js';
export type * from '../core/public.js';

/** The variables this adapter sets on Hono's context. */
export interface LogtoVariables {
  /** The request's Logto context (`c.get('logto')`); `c.get('logto').user` after {@link authenticated}. */
  logto: LogtoRequestContext;
}

/** Hono environment with {@link LogtoVariables}: `new Hono<LogtoEnv>()`. */
export interface LogtoEnv {
  /** See {@link LogtoVariables}. */
  Variables: LogtoVariables;
}

/**
 * The Logto middleware: serves the auth routes and sets `c.get('logto')` for every other request;
 * after the route, the session's `Set-Cookie` is appended when it changed. Errors go to
 * `app.onError`.
 *
 * @throws {@link logto!LogtoError} `config.invalid` at setup, naming the bad option.
 */
export function logto(options: LogtoAdapterOptions): MiddlewareHandler<LogtoEnv> {
  const core = createLogtoCore(options);
  return async (c, next) => {
    const request = adapterRequestOf(c.req.raw);
    const context = core.context(request);
    c.set('logto', context);
    const route = core.route(request.method, request.pathAndQuery);
    if (route !== undefined) return toWebResponse(await core.run(route, context, request));
    await next();
    if (!context.needsCommit || context.committed) return;
    // Appended through `c.header`, which copies a finalized response: assigning a copy to `c.res`
    // would lose them, as Hono's setter keeps the old response's Set-Cookie (a proxied `fetch`
    // response with its own Set-Cookie) over the new one's.
    const cookies = await context.commit();
    for (const cookie of cookies) c.header('set-cookie', cookie, { append: true });
    if (cookies.length > 0 && !c.res.headers.has('cache-control')) {
      c.header('cache-control', sessionCacheControl);
    }
  };
}

const contextOf = (c: Context, name: string): [LogtoRequestContext, LogtoCore] => {
  const context = c.get('logto') as LogtoRequestContext | undefined;
  const missing = `${name}() needs the logto() middleware of logto-ts/hono mounted before it.`;
  return [context as LogtoRequestContext, LogtoCore.of(context, missing)];
};

/**
 * Starts a sign-in with options of this request (an organization, a login hint, the registration
 * screen, where to return): the redirect to Logto, as the sign-in route answers it.
 *
 * @example
 * ```ts
 * app.get('/join/:organization', (c) =>
 *   signIn(c, { organizationId: c.req.param('organization'), firstScreen: 'register' }),
 * );
 * ```
 */
export function signIn(c: Context, options: RequestSignInOptions = {}): Promise<Response> {
  const [context, core] = contextOf(c, 'signIn');
  return core.signIn(context, adapterRequestOf(c.req.raw), options).then(toWebResponse);
}

/**
 * Signs out as the sign-out route does, with options of this request (`returnTo`: where Logto
 * sends the browser afterwards, registered in Logto).
 *
 * @example
 * ```ts
 * app.post('/account/close', (c) => signOut(c, { returnTo: '/goodbye' }));
 * ```
 */
export function signOut(c: Context, options: RequestSignOutOptions = {}): Promise<Response> {
  const [context, core] = contextOf(c, 'signOut');
  return core.signOut(context, adapterRequestOf(c.req.raw), options).then(toWebResponse);
}

/**
 * The Hono environment of a route behind `authenticated(options)`: `c.get('logto').user` (and
 * `.accessToken` with `getAccessToken: true`) typed by the options.
 */
export interface AuthenticatedEnv<Options extends AuthenticatedOptions<never>> {
  /** The variables of {@link LogtoVariables}, with the signed-in context. */
  Variables: {
    /** The request's Logto context, with the signed-in user. */
    logto: AuthenticatedContext<Options>;
  };
}

/**
 * The guard of protected routes (what it answers: {@link AuthenticatedOptions}); needs
 * {@link logto} before it. The route's next handler gets `c.get('logto').user` (and
 * `.accessToken`) typed by the options.
 *
 * @example
 * ```ts
 * app.get(
 *   '/organizations/:id',
 *   authenticated({ getAccessToken: true, organizationId: (c) => c.req.param('id') }),
 *   (c) => c.json({ user: c.get('logto').user.sub, token: c.get('logto').accessToken }),
 * );
 * ```
 *
 * @throws {@link logto!LogtoError} `config.invalid` at setup, for inconsistent options.
 */
export function authenticated<
  FetchUserInfo extends boolean = false,
  GetAccessToken extends boolean = false,
>(
  options?: TypedAuthenticatedOptions<Context, FetchUserInfo, GetAccessToken>,
): MiddlewareHandler<AuthenticatedEnv<AuthenticatedFlags<FetchUserInfo, GetAccessToken>>> {
  const guardOptions: AuthenticatedOptions<Context> = options ?? {};
  checkAuthenticatedOptions(guardOptions);
  return async (c, next) => {
    const [context, core] = contextOf(c, 'authenticated');
    const resolved = resolveGuardOptions(guardOptions, c);
    const outcome = await core.guard(context, resolved);
    if (!outcome.allow) return toWebResponse(outcome.response);
    await next();
    // Logto refused the session while the handler ran: the signed-out answer, not the error page.
    const answer = c.error && core.signedOutAnswer(c.error, context, resolved);
    if (answer) {
      c.res = undefined as unknown as Response; // so the error page's headers are not merged in
      c.res = toWebResponse(answer);
      c.error = undefined;
    }
    return undefined;
  };
}
