/**
 * The sample's routes over plain HTTP (no browser): the guard's answers when signed out, and
 * claims rendered as text, never as markup.
 */
import { completeSignIn } from 'logto-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleUnderTest, startSample } from './harness.js';

/** A cookie jar for one visitor: sends what the sample set, forgets what it cleared. */
class Visitor {
  readonly #cookies = new Map<string, string>();
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  /** Requests `pathOrUrl` without following redirects, keeping the cookies it sets. */
  async get(pathOrUrl: string, accept = 'text/html'): Promise<Response> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(pathOrUrl, this.#baseUrl), {
      redirect: 'manual',
      headers: { accept, ...(cookie ? { cookie } : {}) },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const cleared = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (cleared) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(at + 1).trim());
    }
    return response;
  }

  /** Signs in through the sample's routes and logto-dev's real pages. */
  async signIn(username: string, password: string): Promise<void> {
    const start = await this.get('/sign-in');
    expect(start.status).toBe(302);
    const callbackUrl = await completeSignIn(start.headers.get('location') ?? '', {
      username,
      password,
    });
    const back = await this.get(callbackUrl);
    expect(back.status).toBe(302);
  }
}

const hostileName = '<script>alert("name")</script>';
const hostilePlan = '</code></pre><img src=x onerror=alert(1)>';

let sample: SampleUnderTest;

beforeAll(async () => {
  sample = await startSample((config) => {
    config.users.push({
      id: 'user-mallory',
      username: 'mallory',
      password: 'mallory-password',
      name: hostileName,
      email: 'mallory@example.com',
      customData: { plan: hostilePlan },
    });
    // No role: Logto then leaves read:messages out of the token without an error.
    config.users.push({ id: 'user-carol', username: 'carol', password: 'carol-password' });
  });
});

afterAll(async () => {
  await sample?.stop();
});

describe('the sample, signed out', () => {
  it('redirects a protected page to /sign-in with the page as returnTo', async () => {
    const response = await new Visitor(sample.baseUrl).get('/protected/userinfo?tab=raw');
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '', sample.baseUrl);
    expect(location.pathname).toBe('/sign-in');
    expect(location.searchParams.get('returnTo')).toBe('/protected/userinfo?tab=raw');
  });

  it("shows a failed callback on the sample's own error page (the adapter's onError)", async () => {
    const response = await new Visitor(sample.baseUrl).get('/callback?code=abc&state=xyz');
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('<code data-testid="error-code">sign_in_session.not_found</code>');
    expect(page).toContain('What to do');
    expect(page).toContain('<a class="brand" href="/">Logto sample</a>');
  });

  it('answers /protected/no-redirect with 401 and a JSON error', async () => {
    const response = await new Visitor(sample.baseUrl).get('/protected/no-redirect');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'not_authenticated' });
  });

  it('sets no cookie on the home page of an anonymous visitor', async () => {
    const response = await new Visitor(sample.baseUrl).get('/');
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('the sample, signed in', () => {
  it('renders a hostile name and custom_data as text, not markup', async () => {
    const visitor = new Visitor(sample.baseUrl);
    await visitor.signIn('mallory', 'mallory-password');

    for (const path of ['/', '/protected', '/protected/userinfo']) {
      const page = await (await visitor.get(path)).text();
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
    }
    const home = await (await visitor.get('/')).text();
    expect(home).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    const userInfo = await (await visitor.get('/protected/userinfo')).text();
    expect(userInfo).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('sends its protected pages with Cache-Control: no-store', async () => {
    const visitor = new Visitor(sample.baseUrl);
    await visitor.signIn('alice', 'alice-password');
    for (const path of [
      '/protected',
      '/protected/userinfo',
      '/protected/no-redirect',
      '/protected/organizations',
      '/protected/resource',
    ]) {
      const response = await visitor.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('says on the resource page that a user without a role granting the permission needs one', async () => {
    const visitor = new Visitor(sample.baseUrl);
    await visitor.signIn('carol', 'carol-password');
    const page = await (await visitor.get('/protected/resource')).text();
    expect(page).toContain('data-testid="missing-role"');
    // The example API's 403 says the same.
    expect(page).toContain('in Logto the user needs a role that grants it');
  });

  it('shows an organization the user is not a member of as an error page with its code', async () => {
    const visitor = new Visitor(sample.baseUrl);
    await visitor.signIn('bob', 'bob-password');
    const response = await visitor.get('/protected/organizations/acme');
    expect(response.status).toBe(403);
    const page = await response.text();
    expect(page).toContain('<code data-testid="error-code">token.access_denied</code>');
  });
});
