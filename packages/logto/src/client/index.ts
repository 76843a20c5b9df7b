/**
 * The client layer: {@link LogtoClient} and its option types.
 *
 * @module
 */
export type { AccessTokenEntry } from './access-token-map.js';
export { LogtoClient } from './logto-client.js';
export {
  type GrantOutcome,
  RefreshRegistry,
  type RefreshRequest,
  type Rotation,
} from './refresh-registry.js';
export type {
  DirectSignInOptions,
  LogtoClientOptions,
  LogtoLogger,
  SignInCallbackResult,
  SignInIdentifier,
  SignInOptions,
} from './types.js';
