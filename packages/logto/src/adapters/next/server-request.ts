/**
 * The core's view of a Server Component render or a Server Action, which have cookies but no
 * `Request`.
 *
 * @module
 */
import type { AdapterRequest } from '../core/index.js';

/**
 * A request with the given cookies and path (for the guard's `returnTo`) and no body. (`Secure`
 * cookies are decided by `baseUrl` in the core, as for every adapter.)
 */
export const serverRequest = (cookieHeader: string, pathAndQuery: string): AdapterRequest => ({
  method: 'GET',
  pathAndQuery,
  cookieHeader: cookieHeader === '' ? undefined : cookieHeader,
  readForm: async () => new URLSearchParams(),
});
