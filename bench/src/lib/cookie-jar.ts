/**
 * A small cookie jar for driving an app server like a browser would (one origin, every path).
 *
 * @module
 */

/** One response's cookies as the app sent them. */
export interface SetCookieRecord {
  /** Cookie name. */
  name: string;
  /** Size in bytes of the whole `name=value` pair. */
  bytes: number;
}

/** Keeps the cookies an app sets and sends them back; fetches never follow redirects. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** `fetch` with the jar's cookies, storing the response's `Set-Cookie` values. */
  async fetch(
    url: string,
    init: RequestInit = {},
  ): Promise<{ response: Response; setCookies: SetCookieRecord[] }> {
    const headers = new Headers(init.headers);
    const cookie = this.header();
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    const setCookies: SetCookieRecord[] = [];
    for (const value of response.headers.getSetCookie()) {
      const pair = value.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const cookieValue = pair.slice(eq + 1).trim();
      const expired = /;\s*max-age=0\b/i.test(value) || /;\s*expires=Thu, 01 Jan 1970/i.test(value);
      if (expired || cookieValue === '') this.#cookies.delete(name);
      else this.#cookies.set(name, cookieValue);
      if (!expired) setCookies.push({ name, bytes: Buffer.byteLength(pair) });
    }
    return { response, setCookies };
  }

  /** The `Cookie` header the jar would send now ('' when empty). */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Bytes of every stored `name=value` pair: the sum and the largest. */
  sizes(): { total: number; largest: number; count: number } {
    const sizes = [...this.#cookies].map(([name, value]) => Buffer.byteLength(`${name}=${value}`));
    return {
      total: sizes.reduce((a, b) => a + b, 0),
      largest: Math.max(0, ...sizes),
      count: sizes.length,
    };
  }
}
