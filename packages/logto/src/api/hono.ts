/**
 * `logto-ts/api/hono`: the Hono guard. Hono is imported for its types only.
 *
 * ```ts
 * import { Hono } from 'hono';
 * import { createAccessTokenVerifier } from 'logto-ts/api';
 * import { requireAccessToken } from 'logto-ts/api/hono';
 *
 * const verifier = createAccessTokenVerifier({ endpoint, audience: 'https://api.example.com' });
 * const app = new Hono();
 * app.get('/api/me', requireAccessToken(verifier), (c) => c.json({ sub: c.get('auth').sub }));
 * ```
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { BearerOptions } from './bearer.js';
import { bearerGuard, type VerifierSource } from './verifier-source.js';

/** The variables {@link requireAccessToken} sets on Hono's context. */
export interface AccessTokenVariables {
  /** The verified claims of the request's access token (`c.get('auth')`). */
  auth: Readonly<AccessTokenClaims>;
}

/**
 * Hono environment with {@link AccessTokenVariables}. A handler given after the guard in the same
 * route gets it by inference; for a guard mounted with `app.use`, declare it on the app:
 * `new Hono<AccessTokenEnv>()` (with `logto-ts/hono`: `new Hono<LogtoEnv & AccessTokenEnv>()`),
 * or chain the routes on what `app.use(...)` returns.
 */
export interface AccessTokenEnv {
  /** See {@link AccessTokenVariables}. */
  Variables: AccessTokenVariables;
}

/** Route options of {@link requireAccessToken}. */
export interface HonoBearerOptions extends BearerOptions {
  /** The organization ID this route is about (e.g. `(c) => c.req.param('id')`). */
  organizationFrom?: (context: Context) => string | undefined;
}

/**
 * Hono middleware: verifies `Authorization: Bearer <token>`, sets `c.get('auth')` to the claims,
 * and otherwise answers 401/403 per RFC 6750. Errors that are not about the token are thrown.
 *
 * @example
 * ```ts
 * // In one route: the handler's `c.get('auth')` is typed by inference.
 * app.get('/api/me', requireAccessToken(verifier), (c) => c.json({ sub: c.get('auth').sub }));
 *
 * // For every route under a path: the app declares the variables.
 * const api = new Hono<AccessTokenEnv>();
 * api.use('/api/*', requireAccessToken(verifier, { requiredScopes: ['read:messages'] }));
 * api.get('/api/messages', (c) => c.json({ user: c.get('auth').sub }));
 * ```
 */
export function requireAccessToken(
  verifierOrOptions: VerifierSource,
  routeOptions: HonoBearerOptions = {},
): MiddlewareHandler<AccessTokenEnv> {
  const authorize = bearerGuard(verifierOrOptions, routeOptions);
  return async (context, next) => {
    const result = await authorize(context.req.header('authorization'), context);
    if (!result.ok) return context.json(result.body, result.status, result.headers);
    context.set('auth', result.claims);
    await next();
    return undefined;
  };
}
