/**
 * Every failure this SDK reports is a {@link LogtoError} with a stable {@link LogtoErrorCode}.
 *
 * Codes are `<area>.<reason>`; a program branches on `error.code`, a person reads `error.message`
 * (which says what went wrong and what to do). Messages never contain tokens or secrets.
 *
 * @module
 */

/**
 * The documented, stable list of error codes. Adding a code is a minor change; renaming or
 * removing one is a breaking change.
 */
export const LogtoErrorCodes = [
  // Configuration given to LogtoClient, a session store, an adapter or a verifier.
  'config.invalid',
  // Options passed to signIn (open redirect in postRedirectUri, extraParams overriding a core parameter).
  'sign_in.invalid_options',
  // The sign-in session stored between signIn and the callback.
  'sign_in_session.not_found',
  'sign_in_session.expired',
  // The authorization response (callback URL).
  'callback.invalid_url',
  'callback.redirect_uri_mismatch',
  'callback.error_response',
  'callback.missing_state',
  'callback.state_mismatch',
  'callback.issuer_mismatch',
  'callback.missing_code',
  // ID token validation.
  'id_token.malformed',
  'id_token.unsupported_algorithm',
  'id_token.no_matching_key',
  'id_token.invalid_signature',
  'id_token.unsupported_critical_header',
  'id_token.invalid_issuer',
  'id_token.invalid_audience',
  'id_token.invalid_azp',
  'id_token.expired',
  'id_token.invalid_iat',
  'id_token.missing_sub',
  'id_token.sub_mismatch',
  'id_token.nonce_mismatch',
  'id_token.missing',
  // Talking to the provider: discovery, JWKS, token, userinfo, revocation endpoints.
  'provider.unreachable',
  'provider.timeout',
  'provider.invalid_response',
  'provider.issuer_mismatch',
  'provider.missing_endpoint',
  'provider.error_response',
  // Tokens held by the client.
  'token.not_authenticated',
  'token.invalid_grant',
  'token.invalid_target',
  'token.access_denied',
  'token.missing_organizations_scope',
  'token.not_a_jwt',
  // The userinfo endpoint.
  'userinfo.sub_mismatch',
  // The Storage given to LogtoClient.
  'storage.failed',
  // Session stores (cookie, Redis, memory).
  'session.decrypt_failed',
  'session.malformed',
  'session.expired',
  'session.too_large',
  'session.store_unavailable',
  'session.lock_timeout',
  'session.revocations_full',
  // Back-channel logout tokens.
  'logout_token.invalid',
  'logout_token.replayed',
  // Access tokens presented to an API (logto-ts/api).
  'access_token.missing',
  'access_token.malformed',
  'access_token.unsupported_algorithm',
  'access_token.no_matching_key',
  'access_token.invalid_signature',
  'access_token.invalid_issuer',
  'access_token.invalid_audience',
  'access_token.invalid_organization',
  'access_token.expired',
  'access_token.not_yet_valid',
  'access_token.invalid_type',
  'access_token.insufficient_scope',
] as const;

/** A stable error code: see {@link LogtoErrorCodes} for the full list. */
export type LogtoErrorCode = (typeof LogtoErrorCodes)[number];

/** Details attached to a {@link LogtoError}. */
export interface LogtoErrorOptions {
  /** The underlying error, kept for debugging (never shown to end users). */
  cause?: unknown;
  /** The OAuth `error` value returned by the provider, e.g. `invalid_grant`. */
  error?: string;
  /** The provider's `error_description`, kept verbatim. */
  errorDescription?: string;
  /** The HTTP status of the provider's (or store's) response, when there was one. */
  status?: number;
}

/**
 * The one error class of this SDK.
 *
 * @example
 * ```ts
 * try {
 *   await client.handleSignInCallback(request.url);
 * } catch (error) {
 *   if (error instanceof LogtoError && error.code === 'callback.state_mismatch') {
 *     // start a new sign-in
 *   }
 * }
 * ```
 */
export class LogtoError extends Error {
  /** Always `'LogtoError'`. */
  override readonly name = 'LogtoError';
  /** The stable code a program can branch on. */
  readonly code: LogtoErrorCode;
  /** The provider's OAuth `error`, when the provider answered with one. */
  readonly error?: string;
  /** The provider's `error_description`, when the provider gave one. */
  readonly errorDescription?: string;
  /** The HTTP status involved, when there was one. */
  readonly status?: number;

  constructor(code: LogtoErrorCode, message: string, options: LogtoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.error !== undefined) this.error = options.error;
    if (options.errorDescription !== undefined) this.errorDescription = options.errorDescription;
    if (options.status !== undefined) this.status = options.status;
  }
}

/** True when `value` is a {@link LogtoError}, optionally with the given code. */
export const isLogtoError = (value: unknown, code?: LogtoErrorCode): value is LogtoError =>
  value instanceof LogtoError && (code === undefined || value.code === code);
