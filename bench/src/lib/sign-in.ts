/**
 * Signs in to an app server the way a browser does: the app's sign-in route, logto-dev's real
 * pages (`completeSignIn`), the app's callback; the cookie jar ends up holding the session.
 *
 * @module
 */
import { completeSignIn } from 'logto-dev';
import { routesOf, type ServerKind } from '../servers/spec.js';
import { CookieJar, type SetCookieRecord } from './cookie-jar.js';

/** alice, the demo user with every kind of data. */
export const alice = { username: 'alice', password: 'alice-password' } as const;

/** One sign-in through an app. */
export interface AppSignIn {
  jar: CookieJar;
  /** Cookies the callback response set (name and bytes). */
  callbackCookies: SetCookieRecord[];
  /** Time the app spent answering its sign-in route (ms, seen from the client). */
  signInRouteMs: number;
  /** Time the app spent answering the callback, including its call(s) to the provider (ms). */
  callbackMs: number;
}

/** Signs in through the app at `baseUrl`; throws when any step answers unexpectedly. */
export async function signInThroughApp(baseUrl: string, kind: ServerKind): Promise<AppSignIn> {
  const routes = routesOf(kind);
  const jar = new CookieJar();
  let start = performance.now();
  const started = await jar.fetch(`${baseUrl}${routes.signIn}`);
  const signInRouteMs = performance.now() - start;
  const authorizationUrl = started.response.headers.get('location');
  await started.response.arrayBuffer();
  if (started.response.status !== 302 && started.response.status !== 303) {
    throw new Error(
      `${kind}: ${routes.signIn} answered ${started.response.status}, not a redirect`,
    );
  }
  if (!authorizationUrl) throw new Error(`${kind}: ${routes.signIn} redirected without a Location`);
  const callbackUrl = await completeSignIn(authorizationUrl, alice);
  start = performance.now();
  const callback = await jar.fetch(callbackUrl);
  const callbackMs = performance.now() - start;
  const text = await callback.response.text();
  if (callback.response.status >= 400) {
    throw new Error(
      `${kind}: the callback answered ${callback.response.status}: ${text.slice(0, 500)}`,
    );
  }
  return { jar, callbackCookies: callback.setCookies, signInRouteMs, callbackMs };
}

/** Checks that `GET /protected` with `cookie` answers 200 with alice's JSON, and without it does not. */
export async function checkProtected(
  baseUrl: string,
  kind: ServerKind,
  cookie: string,
): Promise<void> {
  const signedIn = await fetch(`${baseUrl}/protected`, { headers: { cookie }, redirect: 'manual' });
  const body = (await signedIn.json().catch(() => undefined)) as { sub?: string } | undefined;
  if (signedIn.status !== 200 || body?.sub !== 'user-alice') {
    throw new Error(
      `${kind}: GET /protected with the session answered ${signedIn.status} ${JSON.stringify(body)}`,
    );
  }
  if (kind.startsWith('no-auth')) return;
  const anonymous = await fetch(`${baseUrl}/protected`, { redirect: 'manual' });
  await anonymous.arrayBuffer();
  if (anonymous.status === 200)
    throw new Error(`${kind}: GET /protected without a session answered 200`);
}
