/**
 * A tiny browser for one app origin: a cookie jar that keeps every Set-Cookie it receives (for
 * assertions on size and flags) and sends the live cookies back, no automatic redirects.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** The raw Set-Cookie values of the last response. */
  setCookies: string[] = [];

  constructor(readonly origin: string) {}

  /** The Cookie header this browser would send, or undefined. */
  cookieHeader(): string | undefined {
    const pairs = [...this.cookies].map(([name, value]) => `${name}=${value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  /** Requests `path` (or an absolute URL on the origin) with the jar's cookies. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(path, this.origin);
    if (url.origin !== this.origin) throw new Error(`Browser: ${url.origin} is not the app`);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader();
    if (cookie !== undefined && !headers.has('cookie')) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.setCookies = response.headers.getSetCookie();
    for (const header of this.setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const expired =
        value === '' || attributes.some((attribute) => /^max-age=(0|-\d+)$/i.test(attribute));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** GET with an optional Accept header. */
  get(path: string, accept?: string): Promise<Response> {
    return this.fetch(path, accept === undefined ? {} : { headers: { accept } });
  }
}
