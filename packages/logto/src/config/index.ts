/**
 * Configuration of the client: types, normalisation and Logto's constants.
 *
 * @module
 */
export * from './normalize.js';
export * from './scopes.js';
export type * from './types.js';
