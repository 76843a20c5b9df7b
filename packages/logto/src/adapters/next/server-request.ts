/**
 * The core's view of a Server Component render or a Server Action, which have cookies but no
 * `Request`.
 *
 * @module
 */
import type { AdapterRequest } from '../core/index.js';

/** Whether cookies get `Secure`: decided by the app's public origin, as a render has no URL. */
export const secureOf = (baseUrl: string): boolean => baseUrl.startsWith('https:');

/**
 * A request with the given cookies and path (for the guard's `returnTo`), no body, and `Secure`
 * cookies when `baseUrl` is https.
 */
export const serverRequest = (
  cookieHeader: string,
  pathAndQuery: string,
  baseUrl: string,
): AdapterRequest => ({
  method: 'GET',
  pathAndQuery,
  cookieHeader: cookieHeader === '' ? undefined : cookieHeader,
  secure: secureOf(baseUrl),
  readForm: async () => new URLSearchParams(),
});
