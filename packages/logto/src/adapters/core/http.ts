/**
 * The framework-neutral request and response the core works with: plain values that every
 * adapter can build from, and write to, its framework's objects.
 *
 * @module
 */
import type { LogtoError } from '../../errors.js';

/** What the core needs to know about a request. */
export interface AdapterRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The path and query as the client sent them, e.g. `/protected?page=2`. */
  readonly pathAndQuery: string;
  /** The raw `Cookie` header. */
  readonly cookieHeader: string | undefined;
  /** The `Accept` header, to choose between an HTML and a JSON error. */
  readonly accept?: string | undefined;
  /** Reads the `application/x-www-form-urlencoded` body (only the back-channel logout route calls it). */
  readonly readForm: () => Promise<URLSearchParams>;
  /**
   * Called once, when the request's session first needs committing (it changed, or its rolling
   * expiry is due): from then on an adapter must commit it before the response headers go out.
   * Requests that never load or change their session never call it, and cost the adapter nothing.
   */
  readonly onCommitNeeded?: () => void;
}

/** A response the core built: the adapter writes it as is. */
export interface AdapterResponse {
  readonly status: number;
  /** Header name/value pairs; a name may repeat (`set-cookie`). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The body, when there is one. */
  readonly body?: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ??
      character,
  );

/**
 * The `Cache-Control` an app's response gets when it carries the session's `Set-Cookie` and the
 * app set none: a shared cache must never store one user's session cookie and hand it to another.
 */
export const sessionCacheControl = 'private, no-store';

/** A `302` to `location`, never cached. */
export const redirectResponse = (
  location: string,
  cookies: readonly string[],
): AdapterResponse => ({
  status: 302,
  headers: [
    ['location', location],
    ['cache-control', 'no-store'],
    ...cookies.map((cookie) => ['set-cookie', cookie] as const),
  ],
});

/** A JSON response, never cached. */
export const jsonResponse = (
  status: number,
  body: unknown,
  cookies: readonly string[] = [],
  extraHeaders: ReadonlyArray<readonly [string, string]> = [],
): AdapterResponse => ({
  status,
  headers: [
    ['content-type', 'application/json; charset=utf-8'],
    ['cache-control', 'no-store'],
    ...extraHeaders,
    ...cookies.map((cookie) => ['set-cookie', cookie] as const),
  ],
  body: JSON.stringify(body),
});

// A constant, never input: safe inside the page.
const errorPageStyle =
  'body{margin:0;font:16px/1.55 system-ui,sans-serif;color:#1d1d2c;background:#f7f7fb}' +
  'main{max-width:40rem;margin:3rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #e3e4ec;border-radius:10px}' +
  'h1{font-size:1.4rem;margin:0 0 1rem;color:#b3261e}.message{font-weight:600;overflow-wrap:anywhere}' +
  '.code{color:#5d6072}code{font-family:ui-monospace,Menlo,Consolas,monospace}a{color:#5d34f2}';

const prefersJson = (accept: string | undefined) =>
  accept !== undefined && /\bjson\b/i.test(accept) && !/\btext\/html\b/i.test(accept);

/**
 * A clear error for a person (HTML) or a program (JSON, when `Accept` asks for it): the
 * `LogtoError` code, its message and a hint. Never a stack trace, never a token.
 */
export const errorResponse = (
  status: number,
  error: LogtoError,
  hint: string,
  accept: string | undefined,
  cookies: readonly string[] = [],
  title = 'Sign-in error',
): AdapterResponse => {
  if (prefersJson(accept)) {
    return jsonResponse(status, { error: error.code, message: error.message, hint }, cookies);
  }
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${errorPageStyle}</style></head>
<body><main>
<h1>${title}</h1>
<p class="message">${escapeHtml(error.message)}</p>
<p>${escapeHtml(hint)}</p>
<p class="code">Error code: <code>${escapeHtml(error.code)}</code></p>
<p><a href="/">Back to the home page</a></p>
</main></body></html>
`;
  return {
    status,
    headers: [
      ['content-type', 'text/html; charset=utf-8'],
      ['cache-control', 'no-store'],
      ...cookies.map((cookie) => ['set-cookie', cookie] as const),
    ],
    body,
  };
};
