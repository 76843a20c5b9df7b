import { protectedPages } from 'example-express/dist/pages/home.js';
import type { IdTokenClaims } from 'logto-ts';
import Link from 'next/link';
import { logto } from '../logto';
import { signInAction, signOutAction } from './actions';
import { SignedInUser } from './signed-in-user';

function PageLinks() {
  return (
    <ul className="links">
      {protectedPages.map(([path, label, what]) => (
        <li key={path}>
          {/* The JSON route is no page: a plain link, so Next.js does not prefetch it as one. */}
          {path === '/protected/no-redirect' ? (
            <a href={path}>{label}</a>
          ) : (
            <Link href={path}>{label}</Link>
          )}
          <small>{what}</small>
        </li>
      ))}
    </ul>
  );
}

/** The embedded logto-dev's users, as `npm run start:next` passes them. */
function demoUsers(): Array<{ username: string; password: string }> {
  try {
    return JSON.parse(process.env.LOGTO_DEMO_USERS ?? '[]');
  } catch {
    return [];
  }
}

function SignedOut() {
  const users = demoUsers();
  return (
    <>
      <h1>Logto sample</h1>
      <p className="lead">
        A Next.js App Router app signed in through Logto with <code>logto-ts/next</code>.
      </p>
      <div className="card">
        <p>You are not signed in.</p>
        {/* A Server Action: it starts the sign-in and redirects to Logto. */}
        <form action={signInAction}>
          <input type="hidden" name="returnTo" value="/" />
          <button className="button" type="submit" data-testid="sign-in">
            Sign in
          </button>
        </form>
        {users.length > 0 && (
          <p>
            This sample runs against the embedded <code>logto-dev</code>. Demo users:{' '}
            {users.map((user, index) => (
              <span key={user.username}>
                {index > 0 ? ', ' : ''}
                <code>{user.username}</code> / <code>{user.password}</code>
              </span>
            ))}
            .
          </p>
        )}
      </div>
      <h2>Protected pages</h2>
      <p>Each one sends you to sign in first, then back to the page.</p>
      <PageLinks />
    </>
  );
}

function SignedIn({ claims }: { claims: IdTokenClaims }) {
  return (
    <>
      <h1>Hello, {claims.name ?? claims.username ?? 'you'}</h1>
      <div className="card ok">
        <p>
          Signed in as <strong data-testid="user-name">{claims.name ?? claims.sub}</strong>
          {claims.email ? (
            <>
              {' '}
              (<span data-testid="user-email">{claims.email}</span>)
            </>
          ) : null}
          .
        </p>
        <p>
          User id (<code>sub</code>): <code>{claims.sub}</code>
        </p>
        <form action={signOutAction}>
          <button className="button secondary" type="submit" data-testid="sign-out">
            Sign out
          </button>
        </form>
      </div>
      <SignedInUser />
      <h2>What you can look at</h2>
      <PageLinks />
    </>
  );
}

export default async function Home() {
  const claims = await (await logto.getContext()).getSignedInClaims();
  return claims === undefined ? <SignedOut /> : <SignedIn claims={claims} />;
}
