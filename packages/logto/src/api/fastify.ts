/**
 * `logto-ts/api/fastify`: the Fastify hook (Fastify 4 and 5). Fastify is imported for its types only.
 *
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { authorizeBearer, type BearerOptions } from './bearer.js';
import { toVerifier, type VerifierSource } from './verifier-source.js';

/** A Fastify request that passed {@link requireAccessTokenFastify}: `request.auth` holds the claims. */
export type FastifyRequestWithAuth = FastifyRequest & {
  /** The verified claims of the request's access token. */
  auth: Readonly<AccessTokenClaims>;
};

/** Route options of {@link requireAccessTokenFastify}. */
export interface FastifyBearerOptions extends BearerOptions {
  /** The organization ID this route is about (e.g. `(r) => (r.params as { id: string }).id`). */
  organizationFrom?: (request: FastifyRequest) => string | undefined;
}

/**
 * A Fastify `preHandler` (or `onRequest`) hook: verifies `Authorization: Bearer <token>`, sets
 * `request.auth` to the claims, and otherwise answers 401/403 per RFC 6750. Errors that are not
 * about the token are thrown (Fastify's error handler answers them).
 *
 * @example
 * ```ts
 * app.get('/api/me', { preHandler: requireAccessTokenFastify(verifier) }, async (request) => ({
 *   sub: (request as FastifyRequestWithAuth).auth.sub,
 * }));
 * ```
 */
export function requireAccessTokenFastify(
  source: VerifierSource,
  options: FastifyBearerOptions = {},
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const verifier = toVerifier(source);
  const { organizationFrom, ...bearerOptions } = options;
  return async (request, reply) => {
    const organization = organizationFrom?.(request);
    const result = await authorizeBearer(
      verifier,
      request.headers.authorization,
      organization === undefined ? bearerOptions : { ...bearerOptions, organization },
    );
    if (!result.ok) return reply.code(result.status).headers(result.headers).send(result.body);
    (request as FastifyRequestWithAuth).auth = result.claims;
    return undefined;
  };
}
