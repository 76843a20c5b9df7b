import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { logto } from '../logto';
import './globals.css';

export const metadata: Metadata = { title: 'Logto sample · Next.js' };

const navLinks: ReadonlyArray<readonly [path: string, label: string]> = [
  ['/protected', 'ID token'],
  ['/protected/userinfo', 'Userinfo'],
  ['/protected/organizations', 'Organizations'],
  ['/protected/resource', 'API resource'],
];

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The layout and the page share the request's context: the session is read once.
  const signedIn = await (await logto.getContext()).isAuthenticated();
  return (
    <html lang="en">
      <body>
        <header>
          <nav aria-label="Main">
            <Link className="brand" href="/">
              Logto sample · Next.js
            </Link>
            {navLinks.map(([path, label]) => (
              <Link key={path} href={path}>
                {label}
              </Link>
            ))}
            {/* A route handler, not a page: a plain link, never prefetched. */}
            <a href="/protected/no-redirect">No-redirect (JSON)</a>
            {signedIn ? (
              <a href="/sign-out" data-testid="nav-sign-out">
                Sign out
              </a>
            ) : (
              <a href="/sign-in" data-testid="nav-sign-in">
                Sign in
              </a>
            )}
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
