/**
 * Claim types of Logto's tokens, and a decoder that reads a JWT payload without verifying it.
 *
 * @module
 */
import { decodeJwt } from 'jose';
import { LogtoError } from '../errors.js';

/** Claims of a Logto ID token (OpenID Connect Core §2, plus Logto's profile claims). */
export interface IdTokenClaims {
  /** Issuer: `<endpoint>/oidc`. */
  iss: string;
  /** The user's ID. */
  sub: string;
  /** The application ID (or an array containing it). */
  aud: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issue time, in seconds since the epoch. */
  iat: number;
  azp?: string;
  nonce?: string;
  at_hash?: string;
  sid?: string;
  name?: string | null;
  username?: string | null;
  picture?: string | null;
  email?: string | null;
  email_verified?: boolean;
  phone_number?: string | null;
  phone_number_verified?: boolean;
  roles?: string[];
  organizations?: string[];
  organization_roles?: string[];
  /** Account creation time, in milliseconds since the epoch (Logto's convention). */
  created_at?: number;
  /** Last profile update, in milliseconds since the epoch (Logto's convention). */
  updated_at?: number;
  [claim: string]: unknown;
}

/** Claims of a Logto JWT access token (for an API resource or an organization). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  /** The API resource indicator, or `urn:logto:organization:<id>` for an organization token. */
  aud: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issue time, in seconds since the epoch. */
  iat: number;
  /** Granted scopes, space-separated. */
  scope?: string;
  client_id?: string;
  organization_id?: string;
  jti?: string;
  [claim: string]: unknown;
}

/** The userinfo response: the ID token's claims plus Logto's extended user data. */
export interface UserInfoResponse extends Partial<IdTokenClaims> {
  sub: string;
  custom_data?: unknown;
  identities?: Record<string, { userId: string; details?: Record<string, unknown> }>;
  sso_identities?: unknown[];
  organization_data?: Array<{ id: string; name: string; description?: string | null }>;
}

/** Options of {@link decodeJwtPayload}. */
export interface DecodeJwtOptions {
  /** The code thrown when the token is not a JWT. Default `'token.not_a_jwt'`. */
  errorCode?: 'token.not_a_jwt' | 'id_token.malformed' | 'access_token.malformed';
}

/**
 * Reads a JWT's payload WITHOUT verifying it. Only for tokens that were verified when they
 * arrived (the session is the trust boundary) or whose content is merely informative.
 *
 * @example
 * ```ts
 * const claims = decodeJwtPayload<IdTokenClaims>(storedIdToken);
 * ```
 * @throws LogtoError `token.not_a_jwt` (or `options.errorCode`) when the token is not a JWS
 *   with a JSON object payload.
 */
export function decodeJwtPayload<T>(token: string, options: DecodeJwtOptions = {}): T {
  try {
    return decodeJwt(token) as T;
  } catch (error) {
    throw new LogtoError(
      options.errorCode ?? 'token.not_a_jwt',
      'The token is not a JWT with a JSON payload.',
      { cause: error },
    );
  }
}
