/**
 * The auth routes in terms of plain values: sign-in, callback, sign-out and back-channel logout.
 *
 * @module
 */
import { LogtoError } from '../../errors.js';
import { type BackchannelMemory, backchannelLogout, sessionTags } from './backchannel-logout.js';
import { isStoreOutage, type LogtoRequestContext } from './context.js';
import { type FailedRoute, fromWebResponse } from './error-renderer.js';
import {
  type AdapterRequest,
  type AdapterResponse,
  errorResponse,
  redirectResponse,
} from './http.js';
import type {
  RequestSignInOptions,
  RequestSignOutOptions,
  ResolvedAdapterOptions,
} from './options.js';
import { safeReturnTo } from './return-to.js';
import { signInOptionsFromQuery } from './sign-in-query.js';

/** The name of an auth route. */
export type RouteName = 'signIn' | 'callback' | 'signOut' | 'backchannelLogout';

/** Process-wide memories of one adapter instance. */
export type RouteMemory = BackchannelMemory;

const hints: Partial<Record<string, string>> = {
  'sign_in_session.not_found':
    'The sign-in was already completed, or the session cookie was lost (cookies blocked, or a different host name than the one the sign-in started on). Start a new sign-in.',
  'sign_in_session.expired': 'Start a new sign-in.',
  'callback.state_mismatch': 'Start a new sign-in from this browser.',
  'callback.error_response':
    'Logto refused the sign-in; the message above has its reason. Try again, or check the application settings in Logto.',
  'callback.redirect_uri_mismatch':
    'Check that baseUrl and the callback route match the redirect URI registered in Logto.',
};

const hintFor = (error: LogtoError) =>
  (error.code === 'callback.error_response' && error.error === 'invalid_target'
    ? 'Register each API resource named above in Logto (API resources, with that exact identifier), or remove it from the resources option; then sign in again.'
    : hints[error.code]) ??
  (error.code.startsWith('provider.')
    ? 'Logto could not be reached or answered unexpectedly. Try again in a moment.'
    : 'Start a new sign-in. If this keeps happening, check the Logto configuration.');

/** Which route is answering, for whom, under which options: what an error answer needs. */
interface RouteCall {
  readonly route: FailedRoute;
  readonly request: AdapterRequest;
  readonly options: ResolvedAdapterOptions;
}

/** Commits, turning a store failure into a clear 503 (the caller keeps `response` otherwise). */
const finish = async (
  context: LogtoRequestContext,
  call: RouteCall,
  build: (cookies: string[]) => AdapterResponse,
): Promise<AdapterResponse> => {
  let cookies: string[];
  try {
    cookies = await context.commit();
  } catch (error) {
    if (error instanceof LogtoError) return failure(error, call);
    throw error;
  }
  return build(cookies);
};

/** Logto could not be reached or answered garbage: not the request's fault. */
const providerOutages: ReadonlySet<string> = new Set([
  'provider.unreachable',
  'provider.timeout',
  'provider.invalid_response',
]);

/**
 * The error answer of a route: 503 when the session store is down, 502 when Logto is unreachable
 * or answered garbage, 400 for everything else (a stale, replayed, forged or refused sign-in).
 * The app's `onError` renders it when it returns a `Response`; a renderer that throws is logged
 * and the default page is sent.
 */
const failure = async (
  error: LogtoError,
  { route, request, options }: RouteCall,
  cookies: string[] = [],
): Promise<AdapterResponse> => {
  const outage = isStoreOutage(error);
  const status = outage ? 503 : providerOutages.has(error.code) ? 502 : 400;
  const hint = outage ? 'The session store is unavailable. Try again in a moment.' : hintFor(error);
  if (options.onError !== undefined) {
    try {
      const response = await options.onError(error, {
        route,
        method: request.method,
        url: `${options.baseUrl}${request.pathAndQuery}`,
        cookieHeader: request.cookieHeader,
        accept: request.accept,
        status,
        hint,
      });
      if (response !== undefined) return await fromWebResponse(response, cookies);
    } catch (renderError) {
      options.logger.warn(
        `The onError renderer failed (${renderError instanceof Error ? renderError.message : String(renderError)}); the default error page was sent.`,
        error,
      );
    }
  }
  return errorResponse(status, error, hint, request.accept, cookies);
};

/** Everything after the first `?`: a `returnTo`'s own query (`/a?b=1`) is part of its value. */
const queryOf = (request: AdapterRequest) => {
  const start = request.pathAndQuery.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : request.pathAndQuery.slice(start + 1));
};

/**
 * Starts a sign-in with `perRequest` on top of the adapter's `signInOptions` (its `extraParams`
 * merged into theirs) and answers the redirect to Logto, or the error page.
 */
export const startSignIn = async (
  context: LogtoRequestContext,
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
  perRequest: RequestSignInOptions = {},
): Promise<AdapterResponse> => {
  const call: RouteCall = { route: 'signIn', request, options };
  const { returnTo: requested, ...signInOptions } = perRequest;
  const returnTo = safeReturnTo(requested, options.baseUrl);
  const extraParams =
    signInOptions.extraParams === undefined
      ? options.signInOptions.extraParams
      : { ...options.signInOptions.extraParams, ...signInOptions.extraParams };
  try {
    const url = await context.client.signIn({
      ...options.signInOptions,
      ...signInOptions,
      ...(extraParams === undefined ? {} : { extraParams }),
      redirectUri: options.redirectUri,
      ...(returnTo === undefined ? {} : { postRedirectUri: returnTo }),
    });
    return finish(context, call, (cookies) => redirectResponse(url, cookies));
  } catch (error) {
    if (error instanceof LogtoError) return failure(error, call);
    throw error;
  }
};

const signIn = (
  context: LogtoRequestContext,
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
): Promise<AdapterResponse> => {
  const query = queryOf(request);
  const returnTo = query.get('returnTo');
  return startSignIn(context, request, options, {
    ...signInOptionsFromQuery(query, options.signInQueryParams),
    ...(returnTo === null ? {} : { returnTo }),
  });
};

/** Callback failures that end the pending sign-in itself: no other copy of it can succeed. */
const endedHere: ReadonlySet<string> = new Set([
  'callback.error_response',
  'sign_in_session.expired',
]);

const callback = async (
  context: LogtoRequestContext,
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
): Promise<AdapterResponse> => {
  const call: RouteCall = { route: 'callback', request, options };
  try {
    const { postRedirectUri } = await context.client.handleSignInCallback(
      `${options.baseUrl}${request.pathAndQuery}`,
    );
    const session = await context.getSession();
    await session.regenerate();
    if (typeof session.addTags === 'function') {
      const tags = sessionTags(await context.getIdTokenClaims());
      if (tags.length > 0) await session.addTags(tags);
    }
    const location = safeReturnTo(postRedirectUri, options.baseUrl) ?? '/';
    return finish(context, call, (cookies) => redirectResponse(location, cookies));
  } catch (error) {
    if (!(error instanceof LogtoError)) throw error;
    // Only a sign-in that ended here (Logto refused it, or it expired) is written away, so that
    // it cannot be replayed. Any other failure writes nothing: a replayed or concurrent copy of a
    // callback that succeeded carries the old cookie, and writing (or clearing) it would undo
    // that sign-in in the browser. Such a copy cannot spend the sign-in again anyway: it is
    // claimed once per process, and Logto's code works once.
    let cookies: string[] = [];
    if (endedHere.has(error.code)) {
      try {
        cookies = await context.commit();
      } catch {
        // The error below is what the user needs to see.
      }
    }
    return failure(error, call, cookies);
  }
};

/**
 * Ends the session (revoking the refresh token) and answers the redirect to Logto's end-session
 * page, which sends the browser to `returnTo` (a path on the app) or the configured post sign-out
 * URI. When Logto cannot be reached, the local session still ends and the browser goes to
 * `returnTo` or `/`.
 */
export const startSignOut = async (
  context: LogtoRequestContext,
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
  perRequest: RequestSignOutOptions = {},
): Promise<AdapterResponse> => {
  const call: RouteCall = { route: 'signOut', request, options };
  // A fragment has no place in a redirect URI registered at Logto.
  const returnTo = safeReturnTo(perRequest.returnTo, options.baseUrl)?.split('#')[0];
  let location = returnTo ?? '/';
  try {
    location = await context.client.signOut(
      returnTo === undefined ? options.postLogoutRedirectUri : `${options.baseUrl}${returnTo}`,
    );
  } catch (error) {
    if (!(error instanceof LogtoError)) throw error;
    if (isStoreOutage(error)) return failure(error, call);
    // The local session ends anyway; the provider's session could not be ended from here.
    options.logger.warn(
      'Signing out at Logto failed; the local session was ended and the user sent back to the app.',
      error,
    );
  }
  try {
    await (await context.getSession()).destroy();
  } catch (error) {
    if (error instanceof LogtoError) return failure(error, call);
    throw error;
  }
  return finish(context, call, (cookies) => redirectResponse(location, cookies));
};

const signOut = (
  context: LogtoRequestContext,
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
): Promise<AdapterResponse> => {
  const returnTo = queryOf(request).get('returnTo');
  return startSignOut(context, request, options, returnTo === null ? {} : { returnTo });
};

/** Runs the route `name`. Errors that are not `LogtoError`s are thrown (to the framework's error path). */
export const runRoute = (
  name: RouteName,
  context: LogtoRequestContext,
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
  memory: RouteMemory,
): Promise<AdapterResponse> => {
  switch (name) {
    case 'signIn':
      return signIn(context, request, options);
    case 'callback':
      return callback(context, request, options);
    case 'signOut':
      return signOut(context, request, options);
    case 'backchannelLogout':
      return backchannelLogout(request, options, memory);
  }
};

/** An HTTP method an auth route answers. */
export type RouteMethod = 'GET' | 'HEAD' | 'POST';

/** Methods each route answers (every adapter serves exactly these). */
export const routeMethods: Readonly<Record<RouteName, readonly RouteMethod[]>> = {
  // No HEAD: a link prefetcher's HEAD must not start (or store) anything.
  signIn: ['GET'],
  callback: ['GET'],
  signOut: ['GET', 'POST'],
  backchannelLogout: ['POST'],
};
