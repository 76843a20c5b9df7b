/**
 * A sign-out at logto-dev's real end-session page, as the browser does it: open the page with the
 * provider-side cookies of the sign-in, then confirm its form.
 */
import type { LogtoDev } from 'logto-dev';
import { expect } from 'vitest';
import type { CookieJar } from '../../../logto-dev/src/cookie-jar.js';

/** Who signs out, and where Logto sends the browser afterwards. */
export interface SignOutAtLogtoOptions {
  /** The application's client ID. */
  clientId: string;
  /** A post-logout redirect URI registered for the application. */
  postLogoutRedirectUri: string;
}

/**
 * Signs the user of `provider` (the cookie jar that went through logto-dev's sign-in pages) out at
 * `dev`'s end-session page and asserts that Logto confirmed it (303).
 */
export const signOutAtLogto = async (
  dev: Pick<LogtoDev, 'issuer'>,
  provider: CookieJar,
  { clientId, postLogoutRedirectUri }: SignOutAtLogtoOptions,
): Promise<void> => {
  const query = new URLSearchParams({
    client_id: clientId,
    post_logout_redirect_uri: postLogoutRedirectUri,
  });
  const page = await provider.fetch(`${dev.issuer}/session/end?${query}`);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const done = await provider.fetch(new URL(action, dev.issuer).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
  expect(done.status).toBe(303);
};
