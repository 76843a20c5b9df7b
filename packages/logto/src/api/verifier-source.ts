/**
 * What the framework guards share: a verifier or the options to create one, and the organization
 * read from the request.
 *
 * @module
 */
import { authorizeBearer, type BearerOptions, type BearerResult } from './bearer.js';
import type { AccessTokenVerifierOptions } from './options.js';
import { type AccessTokenVerifier, createAccessTokenVerifier } from './verifier.js';

/** A verifier (share one between routes: it caches verified tokens), or the options of a new one. */
export type VerifierSource = AccessTokenVerifier | AccessTokenVerifierOptions;

/** A guard's route options: `organizationFrom(request)`, when a string, replaces `organization`. */
type GuardOptions<R> = BearerOptions & { organizationFrom?: (request: R) => string | undefined };

/** The check a guard runs on each request, with the verifier of `source` created once. */
export function bearerGuard<R>(
  source: VerifierSource,
  { organizationFrom, ...options }: GuardOptions<R>,
): (authorization: string | null | undefined, request: R) => Promise<BearerResult> {
  const verifier =
    'verify' in source && typeof source.verify === 'function'
      ? source
      : createAccessTokenVerifier(source as AccessTokenVerifierOptions);
  return (authorization, request) => {
    const organization = organizationFrom?.(request);
    return authorizeBearer(
      verifier,
      authorization,
      organization === undefined ? options : { ...options, organization },
    );
  };
}
