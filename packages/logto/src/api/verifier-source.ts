/**
 * Lets every middleware take either a verifier (to share its cache between routes) or the
 * options to create one.
 *
 * @module
 */
import type { AccessTokenVerifierOptions } from './options.js';
import { type AccessTokenVerifier, createAccessTokenVerifier } from './verifier.js';

/** A verifier, or the options of a new one. */
export type VerifierSource = AccessTokenVerifier | AccessTokenVerifierOptions;

/** The verifier of `source`, created once when `source` holds options. */
export function toVerifier(source: VerifierSource): AccessTokenVerifier {
  return 'verify' in source && typeof source.verify === 'function'
    ? source
    : createAccessTokenVerifier(source as AccessTokenVerifierOptions);
}
