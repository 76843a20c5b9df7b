/**
 * Session stores: where each request's {@link RequestSession} (the `Storage` given to
 * `LogtoClient`) comes from. The Redis store is in `logto-ts/redis`.
 *
 * @module
 */
export { type CookieSessionStoreOptions, createCookieSessionStore } from './cookie-store.js';
export type { LockOptions } from './lock.js';
export { defaultSessionLogger } from './logger.js';
export { createMemorySessionStore, type MemorySessionStoreOptions } from './memory-store.js';
export {
  createMemoryRevocations,
  type MemoryRevocationsOptions,
  type SessionRevocation,
  type SessionRevocations,
} from './revocations.js';
export type {
  DestroyByTagOptions,
  RequestSession,
  SessionCookieOptions,
  SessionLifetimeOptions,
  SessionLoadContext,
  SessionLogger,
  SessionStore,
  SessionStoreOptions,
} from './types.js';
