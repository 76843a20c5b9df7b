/**
 * `logto`: Logto sign-in for server-side Node web apps.
 *
 * @module
 */
export * from './errors.js';
export * from './storage.js';
