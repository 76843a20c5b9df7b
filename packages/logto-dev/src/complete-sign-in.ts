import { CookieJar } from './cookie-jar.js';

const maxSteps = 12;

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

function formAction(html: string): string | undefined {
  return /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html)?.[1]?.replaceAll('&amp;', '&');
}

function alertText(html: string): string | undefined {
  const match = /<p role="alert"[^>]*>([\s\S]*?)<\/p>/i.exec(html)?.[1];
  return match
    ?.replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .trim();
}

/**
 * Drives logto-dev's real HTML sign-in pages with a cookie jar: GETs the authorization URL, follows
 * redirects, submits the credentials, lets the consent be auto-granted, and returns the final
 * redirect to the app's `redirect_uri` (with `code`, `state`, `iss`, or an OAuth error) without
 * requesting it.
 * @throws Error on a wrong password (the message includes 'wrong username or password'), or when
 * the provider shows an error page.
 */
export function completeSignIn(
  authorizationUrl: string,
  credentials: { username: string; password: string },
): Promise<string> {
  return signInWithJar(new CookieJar(), authorizationUrl, credentials);
}

/** {@link completeSignIn} with the caller's cookie jar, so the provider session can be used afterwards (e.g. to sign out). */
export async function signInWithJar(
  jar: CookieJar,
  authorizationUrl: string,
  credentials: { username: string; password: string },
): Promise<string> {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('completeSignIn: the authorization URL has no redirect_uri');
  let url = authorizationUrl;
  let submitted = false;

  for (let step = 0; step < maxSteps; step++) {
    const response = await jar.fetch(url);
    if (isRedirect(response.status)) {
      const location = response.headers.get('location');
      if (!location)
        throw new Error(`completeSignIn: ${response.status} without a Location from ${url}`);
      const next = new URL(location, url).href;
      if (next.split('?')[0] === redirectUri.split('?')[0]) return next;
      url = next;
      continue;
    }
    const html = await response.text();
    const action = formAction(html);
    if (response.status !== 200 || !action) {
      throw new Error(
        `completeSignIn: logto-dev answered ${response.status}: ${alertText(html) ?? 'unexpected page'}`,
      );
    }
    if (submitted) throw new Error('completeSignIn: logto-dev asked for the credentials twice');
    submitted = true;
    const target = new URL(action, url).href;
    const posted = await jar.fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(credentials).toString(),
    });
    if (posted.status === 401) {
      throw new Error(
        `completeSignIn: sign-in as "${credentials.username}" failed: wrong username or password`,
      );
    }
    const location = posted.headers.get('location');
    if (!isRedirect(posted.status) || !location) {
      throw new Error(
        `completeSignIn: logto-dev answered ${posted.status} to the sign-in form: ${alertText(await posted.text()) ?? 'unexpected page'}`,
      );
    }
    url = new URL(location, target).href;
  }
  throw new Error(`completeSignIn: no redirect to ${redirectUri} after ${maxSteps} steps`);
}
