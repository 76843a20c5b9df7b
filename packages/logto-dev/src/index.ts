/**
 * `logto-dev`: a local Logto-compatible OpenID Connect provider on oidc-provider, for development
 * and tests.
 *
 * @module
 */
export { completeSignIn } from './complete-sign-in.js';
export type {
  ApplicationConfig,
  IdentityConfig,
  LogtoDevConfig,
  OrganizationConfig,
  OrganizationMemberConfig,
  OrganizationRoleConfig,
  ResourceConfig,
  ResourceScopeConfig,
  RoleConfig,
  UserConfig,
} from './config.js';
export { demoConfig, LogtoDevConfigError, validateConfig } from './config.js';
export type { LogtoDev, StartLogtoDevOptions } from './start.js';
export { startLogtoDev } from './start.js';
