/**
 * `logto-ts/express`: Logto sign-in for Express 4 and 5.
 *
 * ```ts
 * import express from 'express';
 * import { authenticated, logto } from 'logto-ts/express';
 *
 * const app = express();
 * app.use(logto({ endpoint, appId, appSecret, baseUrl: 'http://localhost:3000', secret }));
 * app.get('/protected', authenticated({ redirect: true }), (req, res) => {
 *   res.json(req.logto.user);
 * });
 * ```
 *
 * The middleware serves `/sign-in`, `/callback`, `/sign-out` and `/backchannel-logout`, and puts
 * a {@link LogtoRequestContext} on every request as `req.logto`. The type of `req.logto` comes
 * from a module augmentation of `express-serve-static-core` (the `Request` interface only; no
 * `declare global`, no `user` or `session` property, so it composes with express-session and
 * passport). The signed-in user is `req.logto.user` after {@link authenticated}.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isFormContentType, notAForm } from '../core/form.js';
import {
  type AdapterRequest,
  type AuthenticatedContext,
  type AuthenticatedFlags,
  type AuthenticatedOptions,
  checkAuthenticatedOptions,
  createLogtoCore,
  type GuardOutcome,
  type LogtoAdapterOptions,
  LogtoCore,
  type LogtoRequestContext,
  type RequestSignInOptions,
  type RequestSignOutOptions,
  type ResolvedGuardOptions,
  resolveGuardOptions,
  type TypedAuthenticatedOptions,
} from '../core/index.js';
import { formFromParsedBody, readNodeForm } from '../node/body.js';
import { holdUntilCommitted, writeAdapterResponse } from '../node/response.js';

export { LogtoRequestContext } from '../core/index.js';
export type * from '../core/public.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Logto's per-request context, set by the `logto()` middleware of `logto-ts/express`. */
    logto: LogtoRequestContext;
  }
}

/** The core's view of an Express request, read lazily: most requests need only the cookie. */
class ExpressAdapterRequest implements AdapterRequest {
  readonly #req: Request;
  readonly pathAndQuery: string;
  readonly onCommitNeeded?: () => void;

  constructor(req: Request, pathAndQuery: string, onCommitNeeded?: () => void) {
    this.#req = req;
    this.pathAndQuery = pathAndQuery;
    if (onCommitNeeded !== undefined) this.onCommitNeeded = onCommitNeeded;
  }

  get method(): string {
    return this.#req.method;
  }

  get cookieHeader(): string | undefined {
    return this.#req.headers.cookie;
  }

  get accept(): string | undefined {
    return this.#req.headers.accept;
  }

  async readForm(): Promise<URLSearchParams> {
    const req = this.#req;
    // Only a consumed stream was parsed: body-parser 1.x (Express 4) sets `req.body = {}` on
    // every request its parser skipped, so `express.json()` alone leaves a form unread.
    if (!req.readableEnded) return readNodeForm(req);
    if (!isFormContentType(req.headers['content-type'])) throw notAForm();
    return formFromParsedBody(req.body) ?? readNodeForm(req);
  }
}

/**
 * The Logto middleware: serves the auth routes (see {@link LogtoAdapterOptions.routes}) and puts
 * `req.logto` on every other request. Mount it once, before your routes, at the app's root (route
 * paths are matched against `req.originalUrl`). Every session change a route makes (a refreshed
 * token) is written as `Set-Cookie` before the response headers go out; every error goes to
 * `next(err)`, on Express 4 as on Express 5.
 *
 * @throws {@link logto!LogtoError} `config.invalid` at setup, naming the bad option.
 */
export function logto(options: LogtoAdapterOptions): RequestHandler {
  const core = createLogtoCore(options);
  return (req: Request, res: Response, next: NextFunction): void => {
    const pathAndQuery = req.originalUrl || req.url;
    const route = core.route(req.method, pathAndQuery);
    if (route !== undefined) {
      // The route commits the session itself, into the response it builds.
      const request = new ExpressAdapterRequest(req, pathAndQuery);
      const context = core.context(request);
      req.logto = context;
      // `.catch` after `.then`: a throw while writing (headers already sent) goes to `next` too.
      core
        .run(route, context, request)
        .then((result) => writeAdapterResponse(res, result))
        .catch(next);
      return;
    }
    // Only a request whose session changes (or is due to roll) needs its response held until
    // the session is committed; every other request passes through untouched.
    const context = core.context(
      new ExpressAdapterRequest(req, pathAndQuery, () =>
        holdUntilCommitted(
          res,
          () => context.commit(),
          next,
          // A response the core built (the signIn and signOut helpers) carries its cookies already.
          () => context.needsCommit && !context.committed,
        ),
      ),
    );
    req.logto = context;
    next();
  };
}

const coreOf = (req: Request, name: string): LogtoCore =>
  LogtoCore.of(
    req.logto,
    `${name}() needs the logto() middleware of logto-ts/express mounted before it.`,
  );

/**
 * Starts a sign-in with options of this request (an organization, a login hint, the registration
 * screen, where to return) and answers with the redirect to Logto, as the sign-in route does.
 * Rejects only on errors that are not a sign-in's (pass them to `next` on Express 4).
 *
 * @example
 * ```ts
 * app.get('/join/:organization', (req, res, next) => {
 *   signIn(req, res, {
 *     organizationId: req.params.organization,
 *     firstScreen: 'register',
 *     returnTo: '/welcome',
 *   }).catch(next);
 * });
 * ```
 */
export async function signIn(
  req: Request,
  res: Response,
  options: RequestSignInOptions = {},
): Promise<void> {
  const core = coreOf(req, 'signIn');
  const request = new ExpressAdapterRequest(req, req.originalUrl || req.url);
  writeAdapterResponse(res, await core.signIn(req.logto, request, options));
}

/**
 * Signs out as the sign-out route does, with options of this request (`returnTo`: where Logto
 * sends the browser afterwards, registered in Logto). Rejects only on unexpected errors.
 *
 * @example
 * ```ts
 * app.post('/account/close', (req, res, next) => {
 *   signOut(req, res, { returnTo: '/goodbye' }).catch(next);
 * });
 * ```
 */
export async function signOut(
  req: Request,
  res: Response,
  options: RequestSignOutOptions = {},
): Promise<void> {
  const core = coreOf(req, 'signOut');
  const request = new ExpressAdapterRequest(req, req.originalUrl || req.url);
  writeAdapterResponse(res, await core.signOut(req.logto, request, options));
}

/**
 * An Express request that passed `authenticated(options)`: `req.logto.user` (and
 * `req.logto.accessToken` with `getAccessToken: true`) typed by the options.
 */
export type AuthenticatedRequest<
  Options extends AuthenticatedOptions<never> = AuthenticatedOptions<never>,
> = Request & {
  /** Logto's per-request context, with the signed-in user. */
  logto: AuthenticatedContext<Options>;
};

/** A route handler behind `authenticated(options, handler)`. */
export type AuthenticatedHandler<Options extends AuthenticatedOptions<never>> = (
  req: AuthenticatedRequest<Options>,
  res: Response,
  next: NextFunction,
) => unknown;

/**
 * The guard of protected routes (what it answers: {@link AuthenticatedOptions}); needs
 * {@link logto} before it. As middleware, `req.logto.user` has either user type; with the route's
 * handler as the second argument it is typed by the options, and the handler's errors (rejections
 * too, on Express 4) go to `next`.
 *
 * @example
 * ```ts
 * app.get('/protected', authenticated({ redirect: true }), (req, res) => res.json(req.logto.user));
 * app.get(
 *   '/organizations/:id/members',
 *   authenticated(
 *     { getAccessToken: true, organizationId: (req) => String(req.params.id) },
 *     async (req, res) => res.json(await listMembers(req.logto.accessToken)),
 *   ),
 * );
 * ```
 *
 * @throws {@link logto!LogtoError} `config.invalid` at setup, for inconsistent options.
 */
export function authenticated(options?: AuthenticatedOptions<Request>): RequestHandler;
export function authenticated<
  FetchUserInfo extends boolean = false,
  GetAccessToken extends boolean = false,
>(
  options: TypedAuthenticatedOptions<Request, FetchUserInfo, GetAccessToken>,
  handler: AuthenticatedHandler<AuthenticatedFlags<FetchUserInfo, GetAccessToken>>,
): RequestHandler;
export function authenticated(
  options: AuthenticatedOptions<Request> = {},
  handler?: AuthenticatedHandler<AuthenticatedOptions<never>>,
): RequestHandler {
  checkAuthenticatedOptions(options);
  return (req: Request, res: Response, next: NextFunction): void => {
    let core: LogtoCore;
    try {
      core = coreOf(req, 'authenticated');
    } catch (error) {
      next(error);
      return;
    }
    const guardOptions = resolveGuardOptions(options, req);
    core
      .guard(req.logto, guardOptions)
      .then((outcome) => follow(outcome, { req, res, next, handler, guardOptions, core }), next);
  };
}

/** One guarded request, for {@link follow}. */
interface GuardedCall {
  readonly req: Request;
  readonly res: Response;
  readonly next: NextFunction;
  readonly handler: AuthenticatedHandler<AuthenticatedOptions<never>> | undefined;
  readonly guardOptions: ResolvedGuardOptions;
  readonly core: LogtoCore;
}

/** Acts on the guard's outcome: the answer to a denied request, or the route (`next` or `handler`). */
const follow = (outcome: GuardOutcome, call: GuardedCall): void => {
  const { req, res, next, handler } = call;
  if (!outcome.allow) {
    // A throw while writing (headers already sent) goes to `next`, not to an unhandled rejection.
    try {
      writeAdapterResponse(res, outcome.response);
    } catch (error) {
      next(error);
    }
    return;
  }
  if (handler === undefined) {
    next();
    return;
  }
  try {
    const result = handler(req as AuthenticatedRequest, res, next);
    if (result instanceof Promise) result.catch((error: unknown) => handlerFailed(error, call));
  } catch (error) {
    handlerFailed(error, call);
  }
};

/**
 * A handler's error: when Logto refused the session while it ran (the client signed it out), the
 * answer for anyone signed out, with the cleared session's cookies; anything else to `next`.
 */
const handlerFailed = (error: unknown, { req, res, next, guardOptions, core }: GuardedCall) => {
  const answer = res.headersSent ? undefined : core.signedOutAnswer(error, req.logto, guardOptions);
  if (answer === undefined) {
    next(error);
    return;
  }
  try {
    writeAdapterResponse(res, answer);
  } catch (writeError) {
    next(writeError);
  }
};
