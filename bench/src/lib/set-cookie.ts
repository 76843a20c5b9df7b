/**
 * Reading `Set-Cookie` header values: sizes and the `Cookie` header a browser would send back.
 *
 * @module
 */

/** Sizes of a response's cookies (deletions, `Max-Age=0`, not counted). */
export interface CookieSizes {
  /** Cookies set. */
  count: number;
  /** Sum of the `name=value` bytes. */
  total: number;
  /** The largest single `name=value` (what a browser's 4096-byte limit applies to). */
  largest: number;
  /** The largest whole `Set-Cookie` header value, attributes included. */
  largestHeader: number;
}

function isDeletion(value: string): boolean {
  return /;\s*max-age=0\b/i.test(value) || /;\s*expires=Thu, 01 Jan 1970/i.test(value);
}

function pairOf(value: string): string {
  return (value.split(';', 1)[0] ?? '').trim();
}

/** Sizes of the cookies set by `values` (each one `Set-Cookie` header value). */
export function cookieSizes(values: readonly string[]): CookieSizes {
  const kept = values.filter((value) => !isDeletion(value));
  const pairs = kept.map((value) => Buffer.byteLength(pairOf(value)));
  return {
    count: kept.length,
    total: pairs.reduce((a, b) => a + b, 0),
    largest: Math.max(0, ...pairs),
    largestHeader: Math.max(0, ...kept.map((value) => Buffer.byteLength(value))),
  };
}

/** Applies `values` to the cookies of `previous` (a `Cookie` header) and returns the new header. */
export function cookieHeaderAfter(previous: string, values: readonly string[]): string {
  const cookies = new Map<string, string>();
  for (const part of previous.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const value of values) {
    const pair = pairOf(value);
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq);
    if (isDeletion(value)) cookies.delete(name);
    else cookies.set(name, pair.slice(eq + 1));
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}
