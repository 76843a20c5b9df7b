/**
 * Reading session cookies from a `Cookie` header and writing `Set-Cookie` values, with chunking
 * under the browsers' 4096-byte limit per cookie.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import type { SessionCookieOptions, SessionLoadContext } from './types.js';

/** The largest `Set-Cookie` value (name, value and attributes) browsers reliably keep. */
export const MAX_COOKIE_BYTES = 4096;

/** The default bound (bytes) of a session's share of the `Cookie` header: proxies refuse past 8 KiB. */
export const DEFAULT_MAX_SESSION_BYTES = 8192;

/** The widest chunk name suffix, which chunks are sized for (16 KiB needs at most five chunks). */
const WIDEST_CHUNK_NAME_SUFFIX = '.99';

/** Resolved cookie attributes. */
export interface CookieSettings {
  name: string;
  secure: boolean | 'auto';
  sameSite: 'Lax' | 'Strict' | 'None';
  domain: string | undefined;
  path: string;
}

/** Whether cookies get `Secure`: always for a `__Host-`/`__Secure-` name, else per the setting. */
export const isSecureCookie = (settings: CookieSettings, context: SessionLoadContext): boolean => {
  if (settings.name.startsWith('__Host-') || settings.name.startsWith('__Secure-')) return true;
  return settings.secure === 'auto' ? context.secure === true : settings.secure;
};

/** What the request carried under the session cookie's name. */
export interface SessionCookieRead {
  /** The cookie value (chunks joined in order), or `undefined` when absent or incomplete. */
  value: string | undefined;
  /** Every cookie name of this session present in the request (`name`, `name.0`, …). */
  present: string[];
  /** True when chunks were present but not numbered `0…n-1` without a gap. */
  broken: boolean;
}

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const domainPattern = /^\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const pathPattern = /^\/[\x21-\x3a\x3c-\x7e]*$/;
const sameSiteNames = { lax: 'Lax', strict: 'Strict', none: 'None' } as const;

/** Applies the defaults and validates cookie options (`config.invalid` on a bad value). */
export const resolveCookieSettings = (options: SessionCookieOptions): CookieSettings => {
  const name = options.name ?? 'logto_session';
  const secure = options.secure ?? 'auto';
  const sameSite = sameSiteNames[options.sameSite ?? 'lax'];
  const path = options.path ?? '/';
  const { domain } = options;
  const invalid = (what: string) => new LogtoError('config.invalid', `Session cookie: ${what}.`);
  if (!tokenPattern.test(name))
    throw invalid('the name must be a cookie token (letters, digits, _ - . and a few symbols)');
  if (sameSite === undefined) throw invalid("sameSite must be 'lax', 'strict' or 'none'");
  if (secure !== true && secure !== false && secure !== 'auto')
    throw invalid("secure must be true, false or 'auto'");
  if (sameSite === 'None' && secure === false)
    throw invalid("sameSite 'none' needs secure cookies");
  if (domain !== undefined && !domainPattern.test(domain))
    throw invalid('the domain is not a host name');
  if (!pathPattern.test(path)) throw invalid("the path must start with '/' and contain no ';'");
  if (name.startsWith('__Host-') && (secure === false || domain !== undefined || path !== '/')) {
    throw invalid('a __Host- cookie needs secure, no domain and path /');
  }
  if (name.startsWith('__Secure-') && secure === false)
    throw invalid('a __Secure- cookie needs secure');
  return { name, secure, sameSite, domain, path };
};

/** The largest chunk count read from a request; more is hostile input. */
const MAX_CHUNKS_READ = 64;

/** Reads the session cookie `name` (or its chunks `name.0`, `name.1`, …) from a `Cookie` header. */
export const readSessionCookie = (header: string | undefined, name: string): SessionCookieRead => {
  // Fast path: most requests carrying other cookies only never look further.
  if (header === undefined || !header.includes(name))
    return { value: undefined, present: [], broken: false };
  let whole: string | undefined;
  const chunks: string[] = [];
  const present: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const key = pair.slice(0, equals).trim();
    if (!key.startsWith(name)) continue;
    const value = unquote(pair.slice(equals + 1).trim());
    if (key === name) {
      if (whole === undefined) present.push(key);
      whole ??= value;
      continue;
    }
    const suffix = key.slice(name.length);
    if (!/^\.(0|[1-9]\d?)$/.test(suffix)) continue;
    const index = Number(suffix.slice(1));
    if (index >= MAX_CHUNKS_READ || chunks[index] !== undefined) continue;
    chunks[index] = value;
    present.push(key);
  }
  if (whole !== undefined) return { value: whole, present, broken: false };
  if (chunks.length === 0) return { value: undefined, present, broken: false };
  for (let index = 0; index < chunks.length; index++) {
    if (chunks[index] === undefined) return { value: undefined, present, broken: true };
  }
  return { value: chunks.join(''), present, broken: false };
};

const unquote = (value: string) =>
  value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;

/** One `Set-Cookie` value with the session's attributes. */
export const serializeCookie = (
  settings: CookieSettings,
  name: string,
  value: string,
  maxAge: number,
  secure: boolean,
): string =>
  `${name}=${value}; Max-Age=${Math.max(0, Math.floor(maxAge))}; Path=${settings.path}${
    settings.domain === undefined ? '' : `; Domain=${settings.domain}`
  }; HttpOnly${secure ? '; Secure' : ''}; SameSite=${settings.sameSite}`;

/** A `Set-Cookie` value that deletes cookie `name` (same path and domain, `Max-Age=0`). */
export const clearCookie = (settings: CookieSettings, name: string, secure: boolean): string =>
  serializeCookie(settings, name, '', 0, secure);

/**
 * The `Set-Cookie` values that store ASCII `value` in one cookie or in chunks `name.0…` within
 * {@link MAX_COOKIE_BYTES}, clearing the session's other cookies; with the names written and
 * `headerBytes`, what they add to a request's `Cookie` header.
 */
export const writeSessionCookie = (
  settings: CookieSettings,
  value: string,
  maxAge: number,
  secure: boolean,
  present: readonly string[],
): { cookies: string[]; names: string[]; headerBytes: number } => {
  const { name } = settings;
  const serialize = (cookieName: string, cookieValue: string) =>
    serializeCookie(settings, cookieName, cookieValue, maxAge, secure);
  const single = serialize(name, value);
  const written: string[] = [];
  const cookies: string[] = [];
  if (single.length <= MAX_COOKIE_BYTES) {
    cookies.push(single);
    written.push(name);
  } else {
    // Size every chunk for the widest index so that no chunk can exceed the limit.
    const room = MAX_COOKIE_BYTES - serialize(`${name}${WIDEST_CHUNK_NAME_SUFFIX}`, '').length;
    if (room <= 0) {
      throw new LogtoError(
        'session.too_large',
        'The session cookie attributes (name, domain, path) leave no room for a value in 4096 bytes.',
      );
    }
    for (let index = 0; index * room < value.length; index++) {
      const chunkName = `${name}.${index}`;
      cookies.push(serialize(chunkName, value.slice(index * room, (index + 1) * room)));
      written.push(chunkName);
    }
  }
  let headerBytes = 2 * (cookies.length - 1);
  for (const cookie of cookies) headerBytes += cookie.indexOf(';');
  for (const stale of present)
    if (!written.includes(stale)) cookies.push(clearCookie(settings, stale, secure));
  return { cookies, names: written, headerBytes };
};

/** `Set-Cookie` values that clear every cookie of this session present in the request. */
export const clearSessionCookies = (
  settings: CookieSettings,
  present: readonly string[],
  secure: boolean,
): string[] => present.map((name) => clearCookie(settings, name, secure));
