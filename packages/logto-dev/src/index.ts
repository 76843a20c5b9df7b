/**
 * `logto-dev`: a local Logto-compatible OpenID Connect provider.
 *
 * @module
 */
export {};
