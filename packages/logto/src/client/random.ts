/**
 * Random values and PKCE for the authorization request, and hashed keys for the secrets that
 * process-wide registries remember.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url without padding (43 characters): state, nonce and PKCE verifier. */
export const generateRandomString = (): string => randomBytes(32).toString('base64url');

/** The PKCE `S256` challenge of `verifier`: base64url(SHA-256(verifier)). */
export const codeChallengeS256 = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');

/**
 * A map key for a secret (a refresh token, a state) within a namespace: SHA-256 hex of
 * `namespace \0 value`, so process-wide registries never hold the secret itself.
 */
export const namespacedKey = (namespace: string, value: string): string =>
  createHash('sha256').update(namespace).update('\u0000').update(value).digest('hex');
