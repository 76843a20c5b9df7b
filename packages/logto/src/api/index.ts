/**
 * `logto-ts/api`: verify Logto access tokens in your API, and guard routes with them.
 *
 * Imports no web framework at runtime: the Express, Hono and Fastify middlewares use their types
 * only.
 *
 * @module
 */
export type { AccessTokenClaims } from '../tokens/claims.js';
export {
  authorizeBearer,
  type BearerAccepted,
  type BearerErrorBody,
  type BearerOptions,
  type BearerRefused,
  type BearerResult,
  readBearerToken,
} from './bearer.js';
export {
  missingScopesOf,
  ORGANIZATION_AUDIENCE_PREFIX,
  organizationIdOf,
} from './claim-checks.js';
export { type ExpressBearerOptions, type RequestWithAuth, requireAccessToken } from './express.js';
export {
  type FastifyBearerOptions,
  type FastifyRequestWithAuth,
  requireAccessTokenFastify,
} from './fastify.js';
export {
  type AccessTokenVariables,
  type HonoBearerOptions,
  requireAccessTokenHono,
} from './hono.js';
export type {
  AccessTokenVerifierOptions,
  OrganizationRule,
  ResolvedVerifierOptions,
} from './options.js';
export {
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  MAX_TOKEN_LENGTH,
  type VerifyOptions,
} from './verifier.js';
export type { VerifierSource } from './verifier-source.js';
export { authorizeRequest } from './web.js';
