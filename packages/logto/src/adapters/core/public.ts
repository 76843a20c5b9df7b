/**
 * The types every adapter exports to apps, in one list: each adapter re-exports this module.
 *
 * @module
 */
export type { FailedRoute, LogtoErrorRenderer, LogtoErrorRequest } from './error-renderer.js';
export type {
  AuthenticatedAccessToken,
  AuthenticatedContext,
  AuthenticatedFlags,
  AuthenticatedOptions,
  AuthenticatedUser,
  TypedAuthenticatedOptions,
} from './guard.js';
export type {
  AdapterCookieOptions,
  AdapterLogger,
  AdapterSignInOptions,
  LogtoAdapterOptions,
  LogtoRoutes,
  RequestSignInOptions,
  RequestSignOutOptions,
} from './options.js';
export type { SignInQueryParam } from './sign-in-query.js';
