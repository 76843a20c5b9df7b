/**
 * The `returnTo` parameter of the sign-in route: only a path on the app's own origin is kept,
 * so the sign-in route can never be used as an open redirect.
 *
 * @module
 */

// A backslash (browsers read it as "/"), or an encoded backslash, double slash or control character.
const unsafe = /\\|%5c|%2f%2f|%0[0-9a-f]|%1[0-9a-f]|%7f/i;

const hasControlCharacter = (value: string) => {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

/**
 * The path, query and fragment of `value` when it is a relative path on `baseUrl`'s origin
 * (starting with a single `/`); `undefined` for anything else (absolute URLs, `//host`, `/\host`,
 * schemes, control characters).
 */
export const safeReturnTo = (
  value: string | null | undefined,
  baseUrl: string,
): string | undefined => {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || unsafe.test(value)) return undefined;
  if (hasControlCharacter(value)) return undefined;
  if (!URL.canParse(value, baseUrl)) return undefined;
  const url = new URL(value, baseUrl);
  if (url.origin !== baseUrl) return undefined;
  const location = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse into a protocol-relative "//host" ("/.//evil.example").
  return location.startsWith('//') ? undefined : location;
};
