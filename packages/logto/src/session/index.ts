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
export type {
  RequestSession,
  SessionCookieOptions,
  SessionLifetimeOptions,
  SessionLoadContext,
  SessionLogger,
  SessionStore,
  SessionStoreOptions,
} from './types.js';
