/**
 * `logto-ts/api/express`: the Express middleware (Express 4 and 5). Express is imported for its
 * types only.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { authorizeBearer, type BearerOptions } from './bearer.js';
import { toVerifier, type VerifierSource } from './verifier-source.js';

/** An Express request that passed {@link requireAccessToken}: `req.auth` holds the claims. */
export type RequestWithAuth = Request & {
  /** The verified claims of the request's access token. */
  auth: Readonly<AccessTokenClaims>;
};

/** Route options of {@link requireAccessToken}. */
export interface ExpressBearerOptions extends BearerOptions {
  /**
   * The organization ID this route is about (e.g. `(req) => req.params.id`): the token must be
   * for exactly that organization. Replaces `organization` when it returns a string.
   */
  organizationFrom?: (request: Request) => string | undefined;
}

/**
 * Express middleware: verifies `Authorization: Bearer <token>`, sets `req.auth` to the claims,
 * and otherwise answers 401/403 per RFC 6750 (`WWW-Authenticate`, JSON `{ error,
 * error_description }`). Errors that are not about the token (the provider's keys cannot be
 * fetched) go to `next(error)`.
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({ endpoint, audience: 'https://api.example.com' });
 * app.get('/messages', requireAccessToken(verifier, { requiredScopes: ['read:messages'] }), (req, res) => {
 *   res.json({ user: (req as RequestWithAuth).auth.sub });
 * });
 * ```
 */
export function requireAccessToken(
  source: VerifierSource,
  options: ExpressBearerOptions = {},
): RequestHandler {
  const verifier = toVerifier(source);
  const { organizationFrom, ...bearerOptions } = options;
  return (request: Request, response: Response, next: NextFunction) => {
    const organization = organizationFrom?.(request);
    authorizeBearer(
      verifier,
      request.headers.authorization,
      organization === undefined ? bearerOptions : { ...bearerOptions, organization },
    ).then((result) => {
      if (result.ok) {
        (request as RequestWithAuth).auth = result.claims;
        next();
        return;
      }
      response.status(result.status).set(result.headers).json(result.body);
    }, next);
  };
}
