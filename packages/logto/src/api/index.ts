/**
 * `logto-ts/api`: verify Logto access tokens in your API, and guard Web `Request`s with them.
 *
 * Framework-neutral, types included: the Express, Hono and Fastify guards are in
 * `logto-ts/api/express`, `logto-ts/api/hono` and `logto-ts/api/fastify`, so an app compiles
 * with only its own framework's types installed.
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
