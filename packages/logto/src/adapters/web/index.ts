/**
 * `logto-ts/web`: Logto sign-in for anything that speaks Web `Request`/`Response`: Next.js route
 * handlers, Bun, Deno, Cloudflare-style `fetch` handlers.
 *
 * ```ts
 * import { createLogto } from 'logto-ts/web';
 *
 * const logto = createLogto({ endpoint, appId, appSecret, baseUrl: 'https://app.example.com', secret });
 *
 * export default {
 *   async fetch(request: Request) {
 *     return (
 *       (await logto.handle(request)) ??   // /sign-in, /callback, /sign-out, /backchannel-logout
 *       logto.authenticated(request, { redirect: true }, (context) => Response.json(context.user))
 *     );
 *   },
 * };
 * ```
 *
 * @module
 */
import {
  type AuthenticatedContext,
  type AuthenticatedFlags,
  type AuthenticatedOptions,
  checkAuthenticatedOptions,
  createLogtoCore,
  type LogtoAdapterOptions,
  type LogtoCore,
  type LogtoRequestContext,
  type RequestSignInOptions,
  type RequestSignOutOptions,
  resolveGuardOptions,
  type TypedAuthenticatedOptions,
} from '../core/index.js';
import { adapterRequestOf, toWebResponse, withSetCookies } from './response.js';

export { LogtoRequestContext } from '../core/index.js';
export type * from '../core/public.js';

/** A handler of an app route, given the request's Logto context. */
export type LogtoWebHandler = (
  context: LogtoRequestContext,
  request: Request,
) => Response | Promise<Response>;

/** A handler behind `authenticated(request, options, handler)`. */
export type AuthenticatedWebHandler<Options extends AuthenticatedOptions<never>> = (
  context: AuthenticatedContext<Options>,
  request: Request,
) => Response | Promise<Response>;

/** The Web adapter of one configured Logto app. */
export interface WebLogto {
  /** Serves the auth routes; `undefined` for any other request (serve it yourself). */
  handle(request: Request): Promise<Response | undefined>;
  /**
   * Runs `handler` with the request's Logto context and returns its response with the session's
   * `Set-Cookie` appended (a refreshed token is kept). Errors of `handler` are thrown as they are.
   */
  withLogto(request: Request, handler: LogtoWebHandler): Promise<Response>;
  /**
   * Starts a sign-in with options of this request (an organization, a login hint, the
   * registration screen, where to return): the redirect to Logto, as the sign-in route answers it.
   *
   * @example
   * ```ts
   * // /join?organization=acme
   * const organizationId = new URL(request.url).searchParams.get('organization') ?? undefined;
   * return logto.signIn(request, { organizationId, firstScreen: 'register', returnTo: '/welcome' });
   * ```
   */
  signIn(request: Request, options?: RequestSignInOptions): Promise<Response>;
  /**
   * Signs out as the sign-out route does, with options of this request (`returnTo`: where Logto
   * sends the browser afterwards, registered in Logto).
   */
  signOut(request: Request, options?: RequestSignOutOptions): Promise<Response>;
  /**
   * The guard around `handler` (what it answers: {@link AuthenticatedOptions}): `handler` gets
   * `context.user` (and `context.accessToken`) typed by `options`. When Logto refuses the session
   * while `handler` runs, the answer is the signed-out one too.
   *
   * @example
   * ```ts
   * logto.authenticated(request, { fetchUserInfo: true }, (context) =>
   *   Response.json({ email: context.user.email }),
   * );
   * ```
   *
   * @throws {@link logto!LogtoError} `config.invalid`, for inconsistent options.
   */
  authenticated<FetchUserInfo extends boolean = false, GetAccessToken extends boolean = false>(
    request: Request,
    options: TypedAuthenticatedOptions<Request, FetchUserInfo, GetAccessToken>,
    handler: AuthenticatedWebHandler<AuthenticatedFlags<FetchUserInfo, GetAccessToken>>,
  ): Promise<Response>;
}

/**
 * Creates the Web adapter.
 *
 * @throws {@link logto!LogtoError} `config.invalid`, naming the bad option.
 */
export function createLogto(options: LogtoAdapterOptions): WebLogto {
  return webLogtoOn(createLogtoCore(options));
}

/**
 * The Web adapter over an existing core (the Next.js adapter shares its core, and so its
 * back-channel logout memory, with the Web adapter underneath).
 *
 * @internal
 */
export function webLogtoOn(core: LogtoCore): WebLogto {
  const withLogto = async (request: Request, handler: LogtoWebHandler): Promise<Response> => {
    const context = core.context(adapterRequestOf(request));
    const response = await handler(context, request);
    return withSetCookies(response, await context.commit());
  };
  return {
    async handle(request) {
      const adapterRequest = adapterRequestOf(request);
      const route = core.route(adapterRequest.method, adapterRequest.pathAndQuery);
      if (route === undefined) return undefined;
      return toWebResponse(await core.run(route, core.context(adapterRequest), adapterRequest));
    },
    withLogto,
    async signIn(request, signInOptions) {
      const adapterRequest = adapterRequestOf(request);
      const context = core.context(adapterRequest);
      return toWebResponse(await core.signIn(context, adapterRequest, signInOptions));
    },
    async signOut(request, signOutOptions) {
      const adapterRequest = adapterRequestOf(request);
      const context = core.context(adapterRequest);
      return toWebResponse(await core.signOut(context, adapterRequest, signOutOptions));
    },
    authenticated(request, options, handler) {
      checkAuthenticatedOptions(options);
      const guardOptions = resolveGuardOptions<Request>(options, request);
      return withLogto(request, async (context) => {
        const outcome = await core.guard(context, guardOptions);
        if (!outcome.allow) return toWebResponse(outcome.response);
        try {
          return await (handler as AuthenticatedWebHandler<AuthenticatedOptions<never>>)(
            context as AuthenticatedContext,
            request,
          );
        } catch (error) {
          // A thrown error would leave no response to carry the cleared session's cookies.
          const answer = core.signedOutAnswer(error, context, guardOptions);
          if (answer === undefined) throw error;
          return toWebResponse(answer);
        }
      });
    },
  };
}

/**
 * Only the auth routes: `(request) => Response | undefined`, e.g. for a Next.js catch-all route
 * handler. Use {@link createLogto} to guard your own routes as well.
 *
 * @throws {@link logto!LogtoError} `config.invalid`, naming the bad option.
 */
export function createLogtoHandler(
  options: LogtoAdapterOptions,
): (request: Request) => Promise<Response | undefined> {
  return createLogto(options).handle;
}
