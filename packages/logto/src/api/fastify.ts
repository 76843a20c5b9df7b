/**
 * `logto-ts/api/fastify`: the Fastify guard (Fastify 4 and 5). Fastify is imported for its types
 * only.
 *
 * ```ts
 * import { createAccessTokenVerifier } from 'logto-ts/api';
 * import { requireAccessToken } from 'logto-ts/api/fastify';
 *
 * const verifier = createAccessTokenVerifier({ endpoint, audience: 'https://api.example.com' });
 * app.get('/api/me', { preHandler: requireAccessToken(verifier) }, async (request) => ({
 *   sub: request.auth.sub,
 * }));
 * ```
 *
 * Importing this module types `request.auth` on every Fastify request, as `logto-ts/fastify`
 * types `request.logto`.
 *
 * @module
 */
import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { BearerOptions } from './bearer.js';
import { bearerGuard, type VerifierSource } from './verifier-source.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified claims of the access token, set by `requireAccessToken()` (`undefined` elsewhere). */
    auth: Readonly<AccessTokenClaims>;
  }
}

/** Route options of {@link requireAccessToken}; `Route` types the request as the route does. */
export interface FastifyBearerOptions<Route extends RouteGenericInterface = RouteGenericInterface>
  extends BearerOptions {
  /** The organization ID this route is about (e.g. `(request) => request.params.id`). */
  organizationFrom?: (request: FastifyRequest<Route>) => string | undefined;
}

/**
 * A Fastify `preHandler` (or `onRequest`) hook: verifies `Authorization: Bearer <token>`, sets
 * `request.auth` to the claims, and otherwise answers 401/403 per RFC 6750. Errors that are not
 * about the token are thrown.
 *
 * @example
 * ```ts
 * app.get(
 *   '/api/messages',
 *   { preHandler: requireAccessToken(verifier, { requiredScopes: ['read:messages'] }) },
 *   async (request) => ({ user: request.auth.sub }),
 * );
 * app.get<{ Params: { id: string } }>(
 *   '/api/organizations/:id/members',
 *   { preHandler: requireAccessToken(verifier, { organizationFrom: (request) => request.params.id }) },
 *   async (request) => ({ organization: request.params.id, user: request.auth.sub }),
 * );
 * ```
 */
export function requireAccessToken<Route extends RouteGenericInterface = RouteGenericInterface>(
  verifierOrOptions: VerifierSource,
  routeOptions: FastifyBearerOptions<Route> = {},
): (request: FastifyRequest<Route>, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const authorize = bearerGuard(verifierOrOptions, routeOptions);
  return async (request, reply) => {
    const result = await authorize(request.headers.authorization, request);
    if (!result.ok) return reply.code(result.status).headers(result.headers).send(result.body);
    request.auth = result.claims;
    return undefined;
  };
}
