/**
 * `logto-ts/api/hono`: the Hono middleware. Hono is imported for its types only.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { authorizeBearer, type BearerOptions } from './bearer.js';
import { toVerifier, type VerifierSource } from './verifier-source.js';

/** The context variables set by {@link requireAccessTokenHono}: `c.get('auth')`. */
export interface AccessTokenVariables {
  /** The verified claims of the request's access token. */
  auth: Readonly<AccessTokenClaims>;
}

/** Route options of {@link requireAccessTokenHono}. */
export interface HonoBearerOptions extends BearerOptions {
  /** The organization ID this route is about (e.g. `(c) => c.req.param('id')`). */
  organizationFrom?: (context: Context) => string | undefined;
}

/**
 * Hono middleware: verifies `Authorization: Bearer <token>`, sets `c.get('auth')` to the claims,
 * and otherwise answers 401/403 per RFC 6750. Errors that are not about the token are thrown
 * (Hono's error handler answers them).
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: AccessTokenVariables }>();
 * app.use('/api/*', requireAccessTokenHono({ endpoint, audience: 'https://api.example.com' }));
 * app.get('/api/me', (c) => c.json({ sub: c.get('auth').sub }));
 * ```
 */
export function requireAccessTokenHono(
  source: VerifierSource,
  options: HonoBearerOptions = {},
): MiddlewareHandler<{
  /** The context variables the middleware sets. */
  Variables: AccessTokenVariables;
}> {
  const verifier = toVerifier(source);
  const { organizationFrom, ...bearerOptions } = options;
  return async (context, next) => {
    const organization = organizationFrom?.(context);
    const result = await authorizeBearer(
      verifier,
      context.req.header('authorization'),
      organization === undefined ? bearerOptions : { ...bearerOptions, organization },
    );
    if (!result.ok) return context.json(result.body, result.status, result.headers);
    context.set('auth', result.claims);
    await next();
    return undefined;
  };
}
