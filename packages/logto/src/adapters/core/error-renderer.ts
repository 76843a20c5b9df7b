/**
 * The app's own error page for a failed auth route: the `onError` option, called with the error
 * and a framework-neutral view of the request, answering with a Web `Response` that every adapter
 * can send.
 *
 * @module
 */
import type { LogtoError } from '../../errors.js';
import type { AdapterResponse } from './http.js';

/** The auth route that failed. */
export type FailedRoute = 'signIn' | 'callback' | 'signOut';

/** What an error renderer knows about the request whose auth route failed. */
export interface LogtoErrorRequest {
  /** The route that failed. */
  readonly route: FailedRoute;
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The request's URL on the app's `baseUrl`, e.g. `https://app.example.com/callback?code=…`. */
  readonly url: string;
  /** The raw `Cookie` header. */
  readonly cookieHeader: string | undefined;
  /** The `Accept` header. */
  readonly accept: string | undefined;
  /** The status of the default answer: 400, 502 (Logto unreachable or garbled) or 503 (session store down). */
  readonly status: number;
  /** What the default page advises, in one or two sentences. */
  readonly hint: string;
}

/**
 * Renders an auth route's failure as the app's own page: return a `Response` to send (a page of
 * your layout, a redirect), or `undefined` for the default page. The response is sent with the
 * session's `Set-Cookie` headers appended, and `Cache-Control: no-store` unless it sets its own.
 * Its body is read as text.
 *
 * @example
 * ```ts
 * const onError: LogtoErrorRenderer = (error, request) =>
 *   new Response(myLayout(`Sign-in failed: ${escape(error.message)}`), {
 *     status: request.status,
 *     headers: { 'content-type': 'text/html; charset=utf-8' },
 *   });
 * ```
 */
export type LogtoErrorRenderer = (
  error: LogtoError,
  request: LogtoErrorRequest,
) => Response | undefined | Promise<Response | undefined>;

/** A core response from the app's `Response`, with the session's cookies appended. */
export const fromWebResponse = async (
  response: Response,
  cookies: readonly string[],
): Promise<AdapterResponse> => {
  const headers: Array<readonly [string, string]> = [];
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.push([name, value]);
  });
  if (!response.headers.has('cache-control')) headers.push(['cache-control', 'no-store']);
  for (const cookie of [...response.headers.getSetCookie(), ...cookies]) {
    headers.push(['set-cookie', cookie]);
  }
  const body = await response.text();
  return { status: response.status, headers, ...(body === '' ? {} : { body }) };
};
