/**
 * The session's `Set-Cookie` values in the two shapes Next.js needs besides a response header:
 * options for `cookies().set()` (a Server Action cannot set a raw header), and the `Cookie` header
 * the rest of the request should see once the proxy has refreshed the session.
 *
 * Only the values the session stores write are parsed (`name=value; Max-Age; Path; Domain;
 * HttpOnly; Secure; SameSite`): this is not a general `Set-Cookie` parser.
 *
 * @module
 */

/** One parsed `Set-Cookie` value, shaped like the options of Next.js's `cookies().set()`. */
export interface SessionCookie {
  readonly name: string;
  readonly value: string;
  readonly maxAge?: number;
  readonly path?: string;
  readonly domain?: string;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite?: 'lax' | 'strict' | 'none';
}

const sameSites = { lax: 'lax', strict: 'strict', none: 'none' } as const;

/** Parses one `Set-Cookie` value written by a session store. */
export const parseSetCookie = (header: string): SessionCookie | undefined => {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  if (equals <= 0) return undefined;
  let maxAge: number | undefined;
  let path: string | undefined;
  let domain: string | undefined;
  let sameSite: SessionCookie['sameSite'];
  let httpOnly = false;
  let secure = false;
  for (const attribute of attributes) {
    const separator = attribute.indexOf('=');
    const key = (separator === -1 ? attribute : attribute.slice(0, separator)).toLowerCase();
    const value = separator === -1 ? '' : attribute.slice(separator + 1);
    if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'path') path = value;
    else if (key === 'domain') domain = value;
    else if (key === 'samesite')
      sameSite = sameSites[value.toLowerCase() as keyof typeof sameSites];
    else if (key === 'httponly') httpOnly = true;
    else if (key === 'secure') secure = true;
  }
  return {
    name: pair.slice(0, equals),
    value: pair.slice(equals + 1),
    httpOnly,
    secure,
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(path === undefined ? {} : { path }),
    ...(domain === undefined ? {} : { domain }),
    ...(sameSite === undefined ? {} : { sameSite }),
  };
};

/** True when the cookie deletes itself (`Max-Age=0` or less, or an empty value). */
export const isDeletion = (cookie: SessionCookie): boolean =>
  cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0);

/**
 * The `Cookie` header a browser would send after receiving `setCookies`: cookies set are
 * replaced or added, cookies deleted are dropped, and every other cookie is kept in its place.
 */
export const applySetCookies = (
  cookieHeader: string | null | undefined,
  setCookies: readonly string[],
): string => {
  const cookies = new Map<string, string>();
  for (const pair of (cookieHeader ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, pair.slice(equals + 1).trim());
  }
  for (const header of setCookies) {
    const cookie = parseSetCookie(header);
    if (cookie === undefined) continue;
    if (isDeletion(cookie)) cookies.delete(cookie.name);
    else cookies.set(cookie.name, cookie.value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
};
