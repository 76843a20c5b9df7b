/**
 * `logto-ts`: Logto sign-in for server-side Node web apps.
 *
 * @module logto
 */
export * from './client/index.js';
export type {
  ClientAuthMethod,
  LogtoConfig,
  NormalizedLogtoConfig,
  Prompt,
} from './config/index.js';
export {
  buildOrganizationUrn,
  FirstScreen,
  getOrganizationIdFromUrn,
  normalizeLogtoConfig,
  organizationUrnPrefix,
  ReservedResource,
  ReservedScope,
  UserInfoScope,
} from './config/index.js';
export * from './errors.js';
export type { ProviderMetadata } from './oidc/discovery.js';
export * from './session/index.js';
export * from './storage.js';
export type {
  AccessTokenClaims,
  IdTokenClaims,
  OrganizationData,
  UserIdentity,
  UserInfoResponse,
} from './tokens/claims.js';
