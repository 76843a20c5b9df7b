/**
 * The guard behind every adapter's `authenticated()`, framework-neutral: who is signed in, with
 * the user and (when asked) an access token put on the request's context.
 *
 * @module
 */
import { LogtoError } from '../../errors.js';
import type { IdTokenClaims, UserInfoResponse } from '../../tokens/claims.js';
import { isStoreOutage, type LogtoRequestContext } from './context.js';
import { type AdapterResponse, errorResponse, jsonResponse, redirectResponse } from './http.js';

/**
 * Options of every adapter's `authenticated()`, the guard of protected routes. Signed in: the
 * context gets `user` (and `accessToken` with `getAccessToken`), typed by these options. Not
 * signed in, or Logto refused the session: `302` to sign-in with `returnTo` (`redirect: true`) or
 * `401` JSON `{ "error": "not_authenticated" }`. Logto refusing the access token (not a member of
 * the organization): `403` `{ "error": "access_denied" }`. The session store down: `503`.
 * `Request` is the adapter's request type, which an `organizationId` function receives.
 */
export interface AuthenticatedOptions<Request = unknown> {
  /**
   * Not signed in: `true` sends a `302` to the sign-in route with `returnTo` set to the current
   * path and query; `false` (default) answers `401` JSON `{ "error": "not_authenticated" }`.
   */
  redirect?: boolean;
  /**
   * Signed in: `true` fetches the user from Logto's userinfo endpoint (one provider call, plus a
   * refresh when the access token expired) instead of using the ID token claims. Default `false`.
   */
  fetchUserInfo?: boolean;
  /**
   * Signed in: `true` also gets an access token (from the session's cache, or one refresh grant)
   * for {@link AuthenticatedOptions.resource} and/or {@link AuthenticatedOptions.organizationId},
   * and puts it on the context as `accessToken`. Without either, the token is the one for Logto's
   * userinfo endpoint. A user who is not a member of the organization (or lacks the permission) is
   * answered `403` (`{ "error": "access_denied" }`). Default `false`.
   */
  getAccessToken?: boolean;
  /** The API resource indicator of the access token, e.g. `https://api.example.com`. */
  resource?: string;
  /**
   * The organization of the access token: an ID, or a function of the request that returns it
   * (e.g. from a route parameter). Without `resource` the token is the organization token.
   */
  organizationId?: string | ((request: Request) => string | undefined);
}

/**
 * The signed-in user `authenticated(options)` puts on the context: the ID token claims, or the
 * userinfo response with `fetchUserInfo: true` (either, when the option is a `boolean`).
 */
export type AuthenticatedUser<Options extends AuthenticatedOptions<never>> = Options extends {
  /** Asked for. */
  fetchUserInfo: true;
}
  ? UserInfoResponse
  : Options extends {
        /** Not asked for. */
        fetchUserInfo?: false;
      }
    ? IdTokenClaims
    : IdTokenClaims | UserInfoResponse;

/**
 * The access token `authenticated(options)` puts on the context: a string with
 * `getAccessToken: true`, else `undefined`.
 */
export type AuthenticatedAccessToken<Options extends AuthenticatedOptions<never>> =
  Options extends {
    /** Asked for. */
    getAccessToken: true;
  }
    ? string
    : Options extends {
          /** Not asked for. */
          getAccessToken?: false;
        }
      ? undefined
      : string | undefined;

/**
 * The request's context after `authenticated(options)` let it through: `user` (and `accessToken`
 * when asked for) are set and typed by the options.
 */
export type AuthenticatedContext<
  Options extends AuthenticatedOptions<never> = AuthenticatedOptions<never>,
> = LogtoRequestContext & {
  /** The signed-in user: the ID token claims, or the userinfo response with `fetchUserInfo: true`. */
  readonly user: AuthenticatedUser<Options>;
  /** The access token asked for with `getAccessToken: true`; `undefined` otherwise. */
  readonly accessToken: AuthenticatedAccessToken<Options>;
};

/**
 * {@link AuthenticatedOptions} with the two options that type the user and the token as type
 * parameters, which is how every adapter's `authenticated()` takes them.
 */
export type TypedAuthenticatedOptions<
  Request,
  FetchUserInfo extends boolean,
  GetAccessToken extends boolean,
> = AuthenticatedOptions<Request> & {
  /** See {@link AuthenticatedOptions.fetchUserInfo}. */
  fetchUserInfo?: FetchUserInfo;
  /** See {@link AuthenticatedOptions.getAccessToken}. */
  getAccessToken?: GetAccessToken;
};

/** The options shape {@link AuthenticatedContext} reads the two flags from. */
export interface AuthenticatedFlags<FetchUserInfo extends boolean, GetAccessToken extends boolean> {
  /** See {@link AuthenticatedOptions.fetchUserInfo}. */
  fetchUserInfo: FetchUserInfo;
  /** See {@link AuthenticatedOptions.getAccessToken}. */
  getAccessToken: GetAccessToken;
}

/** The guard's options once the adapter has read the organization from its request. */
export interface ResolvedGuardOptions {
  readonly redirect?: boolean | undefined;
  readonly fetchUserInfo?: boolean | undefined;
  readonly getAccessToken?: boolean | undefined;
  readonly resource?: string | undefined;
  readonly organizationId?: string | undefined;
}

/** What the guard decided: let the request through (its context now carries the user), or answer it. */
export type GuardOutcome =
  | { readonly allow: true; readonly user: IdTokenClaims | UserInfoResponse }
  | { readonly allow: false; readonly response: AdapterResponse };

/**
 * Checks options at setup, so that a mistake fails when the app starts, not on a request.
 *
 * @throws {@link LogtoError} `config.invalid`.
 */
export const checkAuthenticatedOptions = <Request>(
  options: AuthenticatedOptions<Request>,
): void => {
  if (typeof options !== 'object' || options === null) {
    throw new LogtoError('config.invalid', 'authenticated(): options must be an object.');
  }
  const { resource, organizationId, getAccessToken } = options;
  if (resource !== undefined && (typeof resource !== 'string' || resource === '')) {
    throw new LogtoError('config.invalid', 'authenticated(): resource must be a non-empty string.');
  }
  if (
    organizationId !== undefined &&
    typeof organizationId !== 'function' &&
    (typeof organizationId !== 'string' || organizationId === '')
  ) {
    throw new LogtoError(
      'config.invalid',
      'authenticated(): organizationId must be a non-empty string or a function of the request.',
    );
  }
  if ((resource !== undefined || organizationId !== undefined) && getAccessToken !== true) {
    throw new LogtoError(
      'config.invalid',
      'authenticated(): resource and organizationId only say which access token to get; add getAccessToken: true to get it.',
    );
  }
};

/** The options with the organization read from `request`. */
export const resolveGuardOptions = <Request>(
  options: AuthenticatedOptions<Request>,
  request: Request,
): ResolvedGuardOptions =>
  typeof options.organizationId === 'function'
    ? { ...options, organizationId: options.organizationId(request) }
    : (options as ResolvedGuardOptions);

/** Codes that mean "this session cannot act for a user any more". */
const signedOutCodes: ReadonlySet<string> = new Set([
  'token.not_authenticated',
  'token.invalid_grant',
]);

/**
 * True when `error` means the session is signed out (none, or Logto refused it: the client then
 * removed its tokens), so that it is answered as for anyone signed out, not as a failure.
 */
export const meansSignedOut = (error: unknown): boolean =>
  error instanceof LogtoError && signedOutCodes.has(error.code);

/** The guard's answer to a signed-out request: a redirect to sign-in, or a 401. */
export const denied = (
  options: ResolvedGuardOptions,
  signInPath: string | undefined,
  returnTo: string,
): AdapterResponse => {
  if (options.redirect === true && signInPath !== undefined) {
    return redirectResponse(`${signInPath}?returnTo=${encodeURIComponent(returnTo)}`, []);
  }
  return jsonResponse(401, { error: 'not_authenticated' });
};

const forbiddenHint =
  'Ask an administrator for a role that grants this permission, or for membership of the organization.';

/**
 * Checks the request's session. Signed in: the user (ID token claims, decoded once, no provider
 * I/O; or userinfo) and, when asked, the access token, both put on the context. Not signed in
 * (or Logto refused the session): a redirect to sign-in or a 401. Logto refused the access
 * token (`token.access_denied`): 403. The session store down: 503. Other failures (Logto down
 * during `fetchUserInfo`, a resource Logto does not know) are thrown.
 */
export const guard = async (
  context: LogtoRequestContext,
  options: ResolvedGuardOptions,
  signInPath: string | undefined,
): Promise<GuardOutcome> => {
  try {
    const claims = await context.getSignedInClaims();
    if (!claims) {
      return { allow: false, response: denied(options, signInPath, context.pathAndQuery) };
    }
    const user = options.fetchUserInfo === true ? await context.client.fetchUserInfo() : claims;
    if (options.getAccessToken === true) {
      context.accessToken = await context.client.getAccessToken(
        options.resource,
        options.organizationId,
      );
    }
    context.user = user;
    return { allow: true, user };
  } catch (error) {
    if (isStoreOutage(error)) {
      return {
        allow: false,
        response: jsonResponse(503, {
          error: 'session_unavailable',
          message: 'The session store is unavailable. Try again in a moment.',
        }),
      };
    }
    if (meansSignedOut(error)) {
      return { allow: false, response: denied(options, signInPath, context.pathAndQuery) };
    }
    if (error instanceof LogtoError && error.code === 'token.access_denied') {
      return {
        allow: false,
        response:
          options.redirect === true
            ? errorResponse(403, error, forbiddenHint, context.accept, [], 'Access denied')
            : jsonResponse(403, { error: 'access_denied', message: error.message }),
      };
    }
    throw error;
  }
};
