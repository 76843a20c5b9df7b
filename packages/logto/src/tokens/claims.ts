/**
 * Claim types of Logto's tokens, a decoder that reads a JWT payload without verifying it, and
 * the freezing of claims that are shared.
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
  /** Authorized party: the application ID, when present. */
  azp?: string;
  /** The nonce sent with the authorization request (checked on arrival). */
  nonce?: string;
  /** Access-token hash (OpenID Connect Core §3.1.3.6). */
  at_hash?: string;
  /** The provider's session ID (used by back-channel logout). */
  sid?: string;
  /** Full name (scope `profile`); `null` when the user has none. */
  name?: string | null;
  /** Username (scope `profile`); `null` when the user has none. */
  username?: string | null;
  /** Avatar URL (scope `profile`); `null` when the user has none. */
  picture?: string | null;
  /** Email address (scope `email`). */
  email?: string | null;
  /** Whether the email address is verified (scope `email`). */
  email_verified?: boolean;
  /** Phone number (scope `phone`). */
  phone_number?: string | null;
  /** Whether the phone number is verified (scope `phone`). */
  phone_number_verified?: boolean;
  /** The user's role names (scope `roles`). */
  roles?: string[];
  /** IDs of the organizations the user belongs to (scope `urn:logto:scope:organizations`). */
  organizations?: string[];
  /** Organization roles as `<organizationId>:<roleName>` (scope `urn:logto:scope:organization_roles`). */
  organization_roles?: string[];
  /** Account creation time, in milliseconds since the epoch (Logto's convention). */
  created_at?: number;
  /** Last profile update, in milliseconds since the epoch (Logto's convention). */
  updated_at?: number;
  [claim: string]: unknown;
}

/** Claims of a Logto JWT access token (for an API resource or an organization). */
export interface AccessTokenClaims {
  /** Issuer: `<endpoint>/oidc`. */
  iss: string;
  /** The user's ID (or the client ID for a machine-to-machine token). */
  sub: string;
  /** The API resource indicator, or `urn:logto:organization:<id>` for an organization token. */
  aud: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issue time, in seconds since the epoch. */
  iat: number;
  /** Granted scopes, space-separated. */
  scope?: string;
  /** The application the token was issued to. */
  client_id?: string;
  /** The organization of an organization-scoped API token. */
  organization_id?: string;
  /** Unique token ID. */
  jti?: string;
  [claim: string]: unknown;
}

/** A social identity of the user, in {@link UserInfoResponse.identities}. */
export interface UserIdentity {
  /** The user's ID at the social provider (not the Logto user ID). */
  userId: string;
  /** The profile the connector received from the social provider, as the connector stored it. */
  details?: Record<string, unknown>;
}

/** An organization the user belongs to, in {@link UserInfoResponse.organization_data}. */
export interface OrganizationData {
  /** The organization ID. */
  id: string;
  /** The organization's display name. */
  name: string;
  /** The organization's description; `null` or absent when it has none. */
  description?: string | null;
}

/** The userinfo response: the ID token's claims plus Logto's extended user data. */
export interface UserInfoResponse extends Partial<IdTokenClaims> {
  /** The user's ID; must equal the ID token's `sub`. */
  sub: string;
  /** Arbitrary data stored on the user (scope `custom_data`; userinfo only). */
  custom_data?: unknown;
  /** Social identities by connector target (scope `identities`; userinfo only). */
  identities?: Record<string, UserIdentity>;
  /** Enterprise SSO identities (scope `identities`; userinfo only). */
  sso_identities?: unknown[];
  /** The user's organizations with names (scope `urn:logto:scope:organizations`; userinfo only). */
  organization_data?: OrganizationData[];
}

/**
 * Reads a JWT's payload WITHOUT verifying it. Only for tokens that were verified when they
 * arrived (the session is the trust boundary) or whose content is merely informative.
 *
 * @example
 * ```ts
 * const claims = decodeJwtPayload<IdTokenClaims>(storedIdToken);
 * ```
 * @throws LogtoError `token.not_a_jwt` when the token is not a JWS with a JSON object payload.
 */
export function decodeJwtPayload<T>(token: string): T {
  try {
    return decodeJwt(token) as T;
  } catch (error) {
    throw new LogtoError('token.not_a_jwt', 'The token is not a JWT with a JSON payload.', {
      cause: error,
    });
  }
}

/**
 * Freezes `value` and everything reachable from it, and returns it: claims shared by several
 * requests or callers (decoded once, cached) must not be changed by any of them.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
