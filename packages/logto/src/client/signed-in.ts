/**
 * The one rule for "signed in", used by `LogtoClient.isAuthenticated` and by the adapters'
 * context and guard alike.
 *
 * @module
 */
import type { IdTokenClaims } from '../tokens/claims.js';

/**
 * Whether a session is signed in: it holds a readable ID token, and either a refresh token (the
 * tokens can be renewed) or an ID token that has not expired (within `clockTolerance` seconds).
 * A session ended by sign-out or back-channel logout holds neither: its store gives it back empty.
 */
export const isSignedIn = (
  claims: IdTokenClaims | undefined,
  hasRefreshToken: boolean,
  clockTolerance: number,
  now = Date.now(),
): boolean => {
  if (claims === undefined) return false;
  if (hasRefreshToken) return true;
  return typeof claims.exp === 'number' && claims.exp + clockTolerance > now / 1000;
};
