/**
 * `logto-ts/fastify`: Logto sign-in for Fastify 5.
 *
 * ```ts
 * import Fastify from 'fastify';
 * import { authenticated, logto } from 'logto-ts/fastify';
 *
 * const app = Fastify();
 * await app.register(logto({ endpoint, appId, appSecret, baseUrl: 'http://localhost:3000', secret }));
 * app.get('/protected', { preHandler: authenticated({ redirect: true }) }, async (request) => request.logto.user);
 * ```
 *
 * The plugin is not encapsulated (`Symbol.for('skip-override')`, like fastify-plugin), so
 * `request.logto` and the cookie hook reach every route of the app; the back-channel logout
 * route's form parser stays in its own child context and does not clash with `@fastify/formbody`.
 *
 * @module
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import { isFormContentType, MAX_FORM_BYTES, notAForm } from '../core/form.js';
import { sessionCacheControl } from '../core/http.js';
import {
  type AdapterRequest,
  type AdapterResponse,
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
  type RouteName,
  resolveGuardOptions,
  routeMethods,
  type TypedAuthenticatedOptions,
} from '../core/index.js';
import { formFromParsedBody } from '../node/body.js';

export { LogtoRequestContext } from '../core/index.js';
export type * from '../core/public.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Logto's per-request context, set by the plugin of `logto-ts/fastify`. */
    logto: LogtoRequestContext;
  }
}

/** The Fastify plugin returned by {@link logto}. */
export type LogtoFastifyPlugin = ((instance: FastifyInstance) => Promise<void>) & {
  [key: symbol]: unknown;
};

const adapterRequest = (request: FastifyRequest): AdapterRequest => ({
  method: request.method,
  pathAndQuery: request.url,
  cookieHeader: request.headers.cookie,
  accept: request.headers.accept,
  readForm: async () => {
    const form = isFormContentType(request.headers['content-type'])
      ? formFromParsedBody(request.body)
      : undefined;
    if (form === undefined) throw notAForm();
    return form;
  },
});

const send = (reply: FastifyReply, result: AdapterResponse): FastifyReply => {
  reply.code(result.status);
  for (const [name, value] of result.headers) reply.header(name, value);
  return reply.send(result.body ?? '');
};

/**
 * The Logto plugin: decorates every request with `request.logto`, serves the auth routes, and
 * adds the session's `Set-Cookie` in `onSend` when a route changed it. Errors go to Fastify's
 * error handler.
 *
 * @throws {@link logto!LogtoError} `config.invalid`, naming the bad option.
 */
export function logto(options: LogtoAdapterOptions): LogtoFastifyPlugin {
  const core = createLogtoCore(options);
  /** Requests served by an auth route. */
  const routed = new WeakSet<FastifyRequest>();
  const plugin = async (fastify: FastifyInstance): Promise<void> => {
    fastify.decorateRequest('logto', null as unknown as LogtoRequestContext);
    fastify.addHook('onRequest', async (request) => {
      request.logto = core.context(adapterRequest(request));
    });
    fastify.addHook('onSend', async (request, reply, payload) => {
      const context = request.logto;
      // An auth route committed what it meant to (a failed callback writes nothing on purpose).
      if (!context?.needsCommit || context.committed || routed.has(request)) return payload;
      const cookies = await context.commit();
      for (const cookie of cookies) reply.header('set-cookie', cookie);
      if (cookies.length > 0 && !reply.hasHeader('cache-control')) {
        reply.header('cache-control', sessionCacheControl);
      }
      return payload;
    });
    await fastify.register(async (routes) => {
      routes.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: MAX_FORM_BYTES },
        (_request, body, done) => done(null, body),
      );
      for (const [name, path] of Object.entries(core.options.routes)) {
        if (path === undefined) continue;
        const route = name as RouteName;
        routes.route({
          method: [...routeMethods[route]],
          // Fastify would add HEAD to every GET route: a link prefetch must not sign out.
          exposeHeadRoute: false,
          url: path,
          handler: async (request, reply) => {
            routed.add(request);
            return send(reply, await core.run(route, request.logto, adapterRequest(request)));
          },
        });
      }
    });
  };
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'logto',
  });
}

const contextOf = (request: FastifyRequest, name: string): [LogtoRequestContext, LogtoCore] => [
  request.logto,
  LogtoCore.of(
    request.logto,
    `${name}() needs the logto() plugin of logto-ts/fastify registered before the route.`,
  ),
];

/**
 * Starts a sign-in with options of this request (an organization, a login hint, the registration
 * screen, where to return) and sends the redirect to Logto, as the sign-in route does.
 *
 * @example
 * ```ts
 * app.get<{ Params: { organization: string } }>('/join/:organization', (request, reply) =>
 *   signIn(request, reply, { organizationId: request.params.organization, firstScreen: 'register' }),
 * );
 * ```
 */
export async function signIn(
  request: FastifyRequest,
  reply: FastifyReply,
  options: RequestSignInOptions = {},
): Promise<FastifyReply> {
  const [context, core] = contextOf(request, 'signIn');
  return send(reply, await core.signIn(context, adapterRequest(request), options));
}

/**
 * Signs out as the sign-out route does, with options of this request (`returnTo`: where Logto
 * sends the browser afterwards, registered in Logto), and sends the redirect.
 *
 * @example
 * ```ts
 * app.post('/account/close', (request, reply) => signOut(request, reply, { returnTo: '/goodbye' }));
 * ```
 */
export async function signOut(
  request: FastifyRequest,
  reply: FastifyReply,
  options: RequestSignOutOptions = {},
): Promise<FastifyReply> {
  const [context, core] = contextOf(request, 'signOut');
  return send(reply, await core.signOut(context, adapterRequest(request), options));
}

/**
 * A Fastify request that passed `authenticated(options)`: `request.logto.user` (and
 * `request.logto.accessToken` with `getAccessToken: true`) typed by the options.
 */
export type AuthenticatedFastifyRequest<
  Options extends AuthenticatedOptions<never> = AuthenticatedOptions<never>,
> = FastifyRequest & {
  /** Logto's per-request context, with the signed-in user. */
  logto: AuthenticatedContext<Options>;
};

/** A route handler behind `authenticated(options, handler)`. */
export type AuthenticatedRouteHandler<Options extends AuthenticatedOptions<never>> = (
  request: AuthenticatedFastifyRequest<Options>,
  reply: FastifyReply,
) => unknown;

const contextFor = (request: FastifyRequest): [LogtoRequestContext, LogtoCore] =>
  contextOf(request, 'authenticated');

/**
 * The guard of protected routes (what it answers: {@link AuthenticatedOptions}); needs
 * {@link logto}. As a `preHandler`, `request.logto.user` has either user type; with the route's
 * handler as the second argument it is typed by the options.
 *
 * @example
 * ```ts
 * app.get('/protected', { preHandler: authenticated({ redirect: true }) }, async (request) =>
 *   request.logto.user,
 * );
 * app.get(
 *   '/me',
 *   authenticated({ fetchUserInfo: true }, async (request) => ({ email: request.logto.user.email })),
 * );
 * ```
 *
 * @throws {@link logto!LogtoError} `config.invalid` at setup, for inconsistent options.
 */
export function authenticated(
  options?: AuthenticatedOptions<FastifyRequest>,
): preHandlerAsyncHookHandler;
export function authenticated<
  FetchUserInfo extends boolean = false,
  GetAccessToken extends boolean = false,
>(
  options: TypedAuthenticatedOptions<FastifyRequest, FetchUserInfo, GetAccessToken>,
  handler: AuthenticatedRouteHandler<AuthenticatedFlags<FetchUserInfo, GetAccessToken>>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
export function authenticated(
  options: AuthenticatedOptions<FastifyRequest> = {},
  handler?: AuthenticatedRouteHandler<AuthenticatedOptions<never>>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  checkAuthenticatedOptions(options);
  if (handler === undefined) {
    return async function logtoAuthenticated(request, reply) {
      const [context, core] = contextFor(request);
      const outcome = await core.guard(context, resolveGuardOptions(options, request));
      return outcome.allow ? undefined : send(reply, outcome.response);
    };
  }
  return async function logtoAuthenticatedRoute(request, reply) {
    const [context, core] = contextFor(request);
    const guardOptions = resolveGuardOptions(options, request);
    const outcome = await core.guard(context, guardOptions);
    if (!outcome.allow) return send(reply, outcome.response);
    try {
      return await handler(request as AuthenticatedFastifyRequest, reply);
    } catch (error) {
      // Logto refused the session while the handler ran (the client signed it out): answer as
      // for anyone signed out, with the cleared session's cookies (added in `onSend`).
      const answer = reply.sent ? undefined : core.signedOutAnswer(error, context, guardOptions);
      if (answer === undefined) throw error;
      return send(reply, answer);
    }
  };
}
