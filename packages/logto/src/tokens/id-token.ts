/**
 * ID token validation (OpenID Connect Core §3.1.3.7 and §12.2), strict by default.
 *
 * @module
 */
import type { JWTPayload } from 'jose';
import type { LogtoErrorCode } from '../errors.js';
import type { ProviderMetadata } from '../oidc/discovery.js';
import type { HttpOptions } from '../oidc/http.js';
import type { IdTokenClaims } from './claims.js';
import { allowedAlgorithms, tokenError, verifyJwt } from './jwt.js';

/** Options of {@link verifyIdToken}. */
export interface VerifyIdTokenOptions {
  /** The provider's discovery document: issuer, `jwks_uri`, allowed algorithms. */
  metadata: ProviderMetadata;
  /** The application ID: must be in `aud`, and equal `azp` when present. */
  clientId: string;
  /** How the JWKS is fetched when it is not cached. */
  http: HttpOptions;
  /** Allowed clock difference (in seconds) for `exp` and `iat`. The client's default is 60. */
  clockTolerance: number;
  /** The nonce sent with the authorization request; required to match when given. */
  nonce?: string;
  /** The `sub` of the ID token already held (refresh grant): the new token must keep it. */
  expectedSub?: string;
  /** The time to check against. Default: now. */
  currentDate?: Date;
}

/**
 * Verifies an ID token and returns its claims: {@link verifyJwt}'s checks with `aud` containing the
 * client ID, then a non-empty `sub`, `azp` (required with several audiences), `nonce` and
 * `expectedSub` when given.
 *
 * @throws LogtoError with an `id_token.*` code naming the failed check, or `provider.*` when the
 *   JWKS cannot be fetched. Messages never contain the token.
 */
export async function verifyIdToken(
  idToken: string,
  options: VerifyIdTokenOptions,
): Promise<IdTokenClaims> {
  const payload = await verifyJwt(idToken, {
    kind: 'id_token',
    jwksUri: options.metadata.jwks_uri,
    http: options.http,
    algorithms: allowedAlgorithms(options.metadata),
    issuer: options.metadata.issuer,
    audience: options.clientId,
    requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
    clockTolerance: options.clockTolerance,
    currentDate: options.currentDate,
  });
  return checkOidcClaims(payload, options);
}

function checkOidcClaims(payload: JWTPayload, options: VerifyIdTokenOptions): IdTokenClaims {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw fail('id_token.missing_sub', 'The ID token has no "sub" (user ID).');
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (payload.azp !== undefined && payload.azp !== options.clientId) {
    throw fail('id_token.invalid_azp', 'The ID token was issued to another party ("azp").');
  }
  if (audiences.length > 1 && payload.azp === undefined) {
    throw fail(
      'id_token.invalid_azp',
      'The ID token has several audiences and no "azp" naming this application.',
    );
  }
  if (options.nonce !== undefined && payload.nonce !== options.nonce) {
    throw fail(
      'id_token.nonce_mismatch',
      'The ID token nonce does not match the sign-in request. Start a new sign-in.',
    );
  }
  if (options.expectedSub !== undefined && payload.sub !== options.expectedSub) {
    throw fail(
      'id_token.sub_mismatch',
      'The refreshed ID token is for another user than the session. Sign in again.',
    );
  }
  return payload as IdTokenClaims;
}

const fail = (code: LogtoErrorCode, message: string): Error =>
  tokenError('id_token', code, message);
