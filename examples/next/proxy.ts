/**
 * Before a page renders: refresh the access tokens that are due and write the session's cookies
 * (a Server Component cannot), and tell the page its path for the sign-in's `returnTo`.
 */
import { logto } from './logto';

export const proxy = logto.proxy;

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
