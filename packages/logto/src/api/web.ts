/**
 * Web-standard `Request`/`Response` guard (Node 20+, Deno, Bun, workers, Next.js route handlers).
 *
 * @module
 */
import type { AccessTokenClaims } from '../tokens/claims.js';
import { authorizeBearer, type BearerOptions } from './bearer.js';
import type { AccessTokenVerifier } from './verifier.js';

/**
 * Verifies the bearer token of a Web `Request`: the claims, or the RFC 6750 `Response` (401/403
 * with `WWW-Authenticate` and a JSON body) to return as is.
 *
 * @example
 * ```ts
 * const auth = await authorizeRequest(verifier, request);
 * if (auth instanceof Response) return auth;
 * return Response.json({ sub: auth.claims.sub });
 * ```
 * @throws LogtoError `provider.*` when the provider's keys cannot be fetched (not the token's fault).
 */
export async function authorizeRequest(
  verifier: AccessTokenVerifier,
  request: Request,
  options: BearerOptions = {},
): Promise<
  | {
      /** The verified claims of the request's access token. */
      claims: Readonly<AccessTokenClaims>;
    }
  | Response
> {
  const result = await authorizeBearer(verifier, request.headers.get('authorization'), options);
  if (result.ok) return { claims: result.claims };
  return Response.json(result.body, { status: result.status, headers: result.headers });
}
