/**
 * Turning core responses into Web `Response`s, and adding `Set-Cookie` to an app's `Response`.
 *
 * @module
 */
import { readBounded } from '../../oidc/http.js';
import { formTooLarge, isFormContentType, MAX_FORM_BYTES, notAForm } from '../core/form.js';
import { type AdapterResponse, sessionCacheControl } from '../core/http.js';

/** A Web `Response` from a core response. */
export const toWebResponse = (result: AdapterResponse): Response => {
  const headers = new Headers();
  for (const [name, value] of result.headers) headers.append(name, value);
  return new Response(result.body ?? null, { status: result.status, headers });
};

/** Appends the cookies, and `Cache-Control: private, no-store` unless the app set its own. */
const appendSession = (headers: Headers, cookies: readonly string[]): void => {
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  if (!headers.has('cache-control')) headers.set('cache-control', sessionCacheControl);
};

/**
 * `response` with the `Set-Cookie` values appended (and `Cache-Control: private, no-store` when
 * it has no `Cache-Control`); a copy when its headers are immutable (a `Response` from `fetch`,
 * `Response.redirect`).
 */
export const withSetCookies = (response: Response, cookies: readonly string[]): Response => {
  if (cookies.length === 0) return response;
  try {
    appendSession(response.headers, cookies);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    appendSession(copy.headers, cookies);
    return copy;
  }
};

/** The path and query of an absolute URL, without building a `URL` (hot path). */
export const pathAndQueryOf = (url: string): string => {
  const scheme = url.indexOf('://');
  if (scheme === -1) return url.startsWith('/') ? url : '/';
  const path = url.indexOf('/', scheme + 3);
  if (path === -1) {
    const query = url.indexOf('?', scheme + 3);
    return query === -1 ? '/' : `/${url.slice(query)}`;
  }
  const query = url.indexOf('?', scheme + 3);
  return query !== -1 && query < path
    ? `/${url.slice(query)}`
    : (url.slice(path).split('#')[0] ?? '/');
};

/** The core's view of a Web `Request`. */
export const adapterRequestOf = (request: Request) => ({
  method: request.method,
  pathAndQuery: pathAndQueryOf(request.url),
  cookieHeader: request.headers.get('cookie') ?? undefined,
  accept: request.headers.get('accept') ?? undefined,
  readForm: () => readWebForm(request),
});

/**
 * Reads a Web `Request`'s body as a form, stopping at {@link MAX_FORM_BYTES}: a declared length
 * over it is refused unread, and a streamed body is counted as it comes.
 *
 * @throws FormReadError when the body is not a form or is too large.
 */
const readWebForm = async (request: Request): Promise<URLSearchParams> => {
  if (!isFormContentType(request.headers.get('content-type'))) throw notAForm();
  if (Number(request.headers.get('content-length')) > MAX_FORM_BYTES) throw formTooLarge();
  if (request.body === null) return new URLSearchParams();
  const body = await readBounded(request.body, MAX_FORM_BYTES, formTooLarge);
  return new URLSearchParams(new TextDecoder().decode(body));
};
