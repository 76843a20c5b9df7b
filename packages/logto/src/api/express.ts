/**
 * `logto-ts/api/express`: the Express guard (Express 4 and 5). Express is imported for its types
 * only.
 *
 * ```ts
 * import { createAccessTokenVerifier } from 'logto-ts/api';
 * import { requireAccessToken } from 'logto-ts/api/express';
 *
 * const verifier = createAccessTokenVerifier({ endpoint, audience: 'https://api.example.com' });
 * app.get('/api/me', requireAccessToken(verifier), (req, res) => res.json({ sub: req.auth.sub }));
 * ```
 *
 * Importing this module types `req.auth` on every Express request, as `logto-ts/express` types
 * `req.logto`.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { BearerOptions } from './bearer.js';
import { bearerGuard, type VerifierSource } from './verifier-source.js';

declare module 'express-serve-static-core' {
  interface Request {
    /**
     * The verified claims of the access token, set by `requireAccessToken()` (`undefined` on
     * routes it does not guard). Libraries that declare their own global `req.auth`
     * (express-oauth2-jwt-bearer, `@clerk/express`) conflict with it; express-jwt does not.
     */
    auth: Readonly<AccessTokenClaims>;
  }
}

/** Route options of {@link requireAccessToken}. */
export interface ExpressBearerOptions extends BearerOptions {
  /**
   * The organization ID this route is about (e.g. `(req) => String(req.params.id)`): the token must be
   * for exactly that organization. Replaces `organization` when it returns a string.
   */
  organizationFrom?: (request: Request) => string | undefined;
}

/**
 * Express middleware: verifies `Authorization: Bearer <token>`, sets `req.auth` to the claims,
 * and otherwise answers 401/403 per RFC 6750. Errors that are not about the token (the provider's
 * keys cannot be fetched) go to `next(error)`.
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({ endpoint, audience: 'https://api.example.com' });
 * app.get('/messages', requireAccessToken(verifier, { requiredScopes: ['read:messages'] }), (req, res) => {
 *   res.json({ user: req.auth.sub });
 * });
 * ```
 */
export function requireAccessToken(
  verifierOrOptions: VerifierSource,
  routeOptions: ExpressBearerOptions = {},
): RequestHandler {
  const authorize = bearerGuard(verifierOrOptions, routeOptions);
  return (request: Request, response: Response, next: NextFunction) => {
    authorize(request.headers.authorization, request).then((result) => {
      if (result.ok) {
        request.auth = result.claims;
        next();
        return;
      }
      response.status(result.status).set(result.headers).json(result.body);
    }, next);
  };
}
