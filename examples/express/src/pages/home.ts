/**
 * The home page: what the sample shows, signed out and signed in.
 *
 * @module
 */
import type { IdTokenClaims } from 'logto-ts';
import { html, type SafeHtml } from '../html.js';

/** A user of the embedded logto-dev, shown on the signed-out home page. */
export interface DemoUser {
  /** The username to type on the sign-in page. */
  username: string;
  /** Its password. */
  password: string;
}

/** The sample's protected pages, with what each shows (the Next.js sample lists them too). */
export const protectedPages: ReadonlyArray<readonly [path: string, label: string, what: string]> = [
  ['/protected', 'ID token claims', 'Who you are, from the verified ID token (no network call).'],
  [
    '/protected/userinfo',
    'Userinfo',
    'The userinfo endpoint: everything in the ID token plus custom_data and identities.',
  ],
  [
    '/protected/organizations',
    'Organizations',
    'Your organizations, and an organization token for each.',
  ],
  [
    '/protected/resource',
    'API resource',
    'An access token for https://api.example.com, and a call to the example API with it.',
  ],
  [
    '/protected/no-redirect',
    'No-redirect (JSON)',
    'A JSON route: 401 when signed out instead of a redirect.',
  ],
];

function pageLinks(): SafeHtml {
  return html`<ul class="links">${protectedPages.map(
    ([path, label, what]) => html`<li><a href="${path}">${label}</a><small>${what}</small></li>`,
  )}</ul>`;
}

/** The home page of a visitor who is not signed in. */
export function signedOutHome(demoUsers: readonly DemoUser[]): SafeHtml {
  return html`<p class="lead">A server-rendered Express app signed in through Logto with <code>logto-ts/express</code>.</p>
<div class="card">
<p>You are not signed in.</p>
<p><a class="button" href="/sign-in" data-testid="sign-in">Sign in</a></p>
${
  demoUsers.length > 0
    ? html`<p>This sample runs against the embedded <code>logto-dev</code>. Demo users:
${demoUsers.map((user, index) => html`${index > 0 ? ', ' : ''}<code>${user.username}</code> / <code>${user.password}</code>`)}.</p>`
    : ''
}
</div>
<h2>Protected pages</h2>
<p>Each one sends you to sign in first, then back to the page.</p>
${pageLinks()}`;
}

/** The home page of a signed-in user. */
export function signedInHome(claims: IdTokenClaims): SafeHtml {
  const name = claims.name ?? claims.username ?? claims.sub;
  return html`<div class="card ok">
<p>Signed in as <strong data-testid="user-name">${name}</strong>${claims.email ? html` (<span data-testid="user-email">${claims.email}</span>)` : ''}.</p>
<dl class="facts"><dt>User id (<code>sub</code>)</dt><dd><code>${claims.sub}</code></dd>
<dt>Issuer</dt><dd><code>${claims.iss}</code></dd></dl>
<p><a class="button secondary" href="/sign-out" data-testid="sign-out">Sign out</a></p>
</div>
<h2>What you can look at</h2>
${pageLinks()}`;
}
