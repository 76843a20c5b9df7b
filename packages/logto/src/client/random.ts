/**
 * Random values and PKCE for the authorization request.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url without padding (43 characters): state, nonce and PKCE verifier. */
export const generateRandomString = (): string => randomBytes(32).toString('base64url');

/** The PKCE `S256` challenge of `verifier`: base64url(SHA-256(verifier)). */
export const codeChallengeS256 = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');
