/**
 * Logout token validation (OpenID Connect Back-Channel Logout 1.0 §2.6), beside the ID token's:
 * the token Logto POSTs to the app when a user's Logto session ends.
 *
 * @module
 */
import type { JWTPayload } from 'jose';
import { LogtoError } from '../errors.js';
import { discover } from '../oidc/discovery.js';
import type { HttpOptions } from '../oidc/http.js';
import { allowedAlgorithms, assertCompactJws, verifyJwt } from './jwt.js';

/** The `events` member a logout token must carry. */
export const backchannelLogoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

/** What a valid logout token names: the provider session and/or the user, and when. */
export interface LogoutTarget {
  /** The Logto session that ended; only when the app's "session required" switch is on. */
  readonly sid?: string;
  /** The user; Logto always sends it. */
  readonly sub?: string;
  /** The token's id (replay protection). */
  readonly jti: string;
  /** When Logto issued the token (seconds since the epoch): sessions begun before it end. */
  readonly iat: number;
}

/** What {@link verifyLogoutToken} needs. */
export interface LogoutTokenCheck {
  readonly endpoint: string;
  readonly clientId: string;
  readonly http: HttpOptions;
  /** Allowed age of `iat` and clock tolerance, in seconds. */
  readonly maxAge: number;
  readonly clockTolerance: number;
}

/** The longest logout token accepted (in characters). */
const MAX_LOGOUT_TOKEN_LENGTH = 16_384;

const invalid = (message: string, cause?: unknown) =>
  new LogtoError('logout_token.invalid', message, { cause });

const checkClaims = (payload: JWTPayload): LogoutTarget => {
  const events = payload.events as Record<string, unknown> | null | undefined;
  const event = events?.[backchannelLogoutEvent];
  if (typeof event !== 'object' || event === null) {
    throw invalid('The logout token has no back-channel logout event in "events".');
  }
  if ('nonce' in payload) throw invalid('A logout token must not carry a "nonce".');
  const { sid, sub, jti, iat } = payload as Record<string, unknown>;
  // jose checked iat's presence and age; a logout token without exp is bounded by it alone.
  if (typeof iat !== 'number') throw invalid('The logout token has no numeric "iat".');
  if (typeof jti !== 'string' || jti.length === 0) throw invalid('The logout token has no "jti".');
  const hasSid = typeof sid === 'string' && sid.length > 0;
  const hasSub = typeof sub === 'string' && sub.length > 0;
  if (!hasSid && !hasSub) throw invalid('The logout token names neither a "sid" nor a "sub".');
  if ((sid !== undefined && !hasSid) || (sub !== undefined && !hasSub)) {
    throw invalid('The logout token has an empty or non-string "sid" or "sub".');
  }
  return { jti, iat, ...(hasSid ? { sid } : {}), ...(hasSub ? { sub } : {}) };
};

/**
 * Verifies a logout token: {@link verifyJwt}'s checks (`typ` `logout+jwt`, `aud` the app, `iat`
 * within `maxAge`), then the back-channel event, no `nonce`, `sid` and/or `sub`, and a `jti`.
 * Replay is checked by the caller.
 *
 * @throws {@link LogtoError} `logout_token.invalid`, or `provider.*` when discovery or the JWKS fails.
 */
export const verifyLogoutToken = async (
  token: string,
  check: LogoutTokenCheck,
): Promise<LogoutTarget> => {
  assertCompactJws(token, 'logout_token', MAX_LOGOUT_TOKEN_LENGTH);
  const metadata = await discover(check.endpoint, check.http);
  const payload = await verifyJwt(token, {
    kind: 'logout_token',
    jwksUri: metadata.jwks_uri,
    http: check.http,
    algorithms: allowedAlgorithms(metadata),
    issuer: metadata.issuer,
    audience: check.clientId,
    requiredClaims: ['iss', 'aud', 'iat', 'jti'],
    clockTolerance: check.clockTolerance,
    maxTokenAge: check.maxAge,
    types: ['logout+jwt', 'application/logout+jwt'],
    maxLength: MAX_LOGOUT_TOKEN_LENGTH,
  });
  return checkClaims(payload);
};
