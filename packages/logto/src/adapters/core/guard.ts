/**
 * The guard behind every adapter's `authenticated()`: the seed's decorator, framework-neutral.
 *
 * @module
 */
import { LogtoError } from '../../errors.js';
import type { IdTokenClaims, UserInfoResponse } from '../../tokens/claims.js';
import { isStoreOutage, type LogtoRequestContext } from './context.js';
import { type AdapterResponse, jsonResponse, redirectResponse } from './http.js';

/** Options of `authenticated()`. */
export interface AuthenticatedOptions {
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
}

/** What the guard decided: let the request through with its user, or answer it. */
export type GuardOutcome =
  | { readonly allow: true; readonly user: IdTokenClaims | UserInfoResponse }
  | { readonly allow: false; readonly response: AdapterResponse };

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
  options: AuthenticatedOptions,
  signInPath: string | undefined,
  returnTo: string,
) => {
  if (options.redirect === true && signInPath !== undefined) {
    return redirectResponse(`${signInPath}?returnTo=${encodeURIComponent(returnTo)}`, []);
  }
  return jsonResponse(401, { error: 'not_authenticated' });
};

/**
 * Checks the request's session. Signed in: the user (ID token claims, decoded once, no provider
 * I/O; or userinfo). Not signed in: a redirect to sign-in or a 401. The session store down: 503.
 * Other failures (the provider down during `fetchUserInfo`) are thrown.
 */
export const guard = async (
  context: LogtoRequestContext,
  options: AuthenticatedOptions,
  signInPath: string | undefined,
): Promise<GuardOutcome> => {
  try {
    const claims = await context.getSignedInClaims();
    if (!claims)
      return { allow: false, response: denied(options, signInPath, context.pathAndQuery) };
    const user = options.fetchUserInfo === true ? await context.client.fetchUserInfo() : claims;
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
    throw error;
  }
};
