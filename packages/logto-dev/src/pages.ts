/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · logto-dev</title>
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1.25rem;padding:.5rem 1rem;font-size:1rem}
[role=alert]{border:2px solid #b00020;color:#b00020;padding:.5rem .75rem;margin:1rem 0}
dl{font-size:.9rem;color:#444}dt{font-weight:600}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** What the sign-in page shows. */
export interface SignInPageOptions {
  /** Form action (the interaction URL). */
  action: string;
  /** Name of the application asking. */
  appName: string;
  /** Pre-filled username (from `login_hint`, or the last attempt). */
  username: string;
  /** An error message to show above the form. */
  error?: string;
  /** Logto's sign-in parameters of the authorization request, shown as they were received. */
  signInParameters: Record<string, string>;
}

/** The username + password form. */
export function signInPage(options: SignInPageOptions): string {
  const { signInParameters } = options;
  const firstScreen = signInParameters.first_screen ?? '';
  const wantsRegister =
    firstScreen.includes('register') || signInParameters.interaction_mode === 'signUp';
  const parameters = Object.entries(signInParameters);
  return page(
    'Sign in',
    `<h1>Sign in to ${escapeHtml(options.appName)}</h1>
${wantsRegister ? '<p>Registration was requested; logto-dev has no registration, sign in with a configured user.</p>' : ''}
${options.error ? `<p role="alert" id="error">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}"${options.error ? ' aria-describedby="error"' : ''}>
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(options.username)}"${options.username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${options.username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>
${
  parameters.length
    ? `<section aria-labelledby="params"><h2 id="params">Sign-in parameters</h2><dl>${parameters
        .map(
          ([key, value]) =>
            `<dt>${escapeHtml(key)}</dt><dd data-param="${escapeHtml(key)}">${escapeHtml(value)}</dd>`,
        )
        .join('')}</dl></section>`
    : ''
}`,
  );
}

/** The RP-initiated logout confirmation; `form` is oidc-provider's hidden form (with its xsrf token). */
export function logoutPage(form: string, appName: string | undefined): string {
  return page(
    'Sign out',
    `<h1>Sign out${appName ? ` of ${escapeHtml(appName)}` : ''}?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
}

/**
 * The logout Logto does without asking (the app sent a valid `id_token_hint` and a registered
 * `post_logout_redirect_uri`): `form` is submitted at once with `logout=yes`. Without scripts,
 * one button does it.
 */
export function signingOutPage(form: string): string {
  return page(
    'Signing out',
    `<h1>Signing you out…</h1>
${form}
<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<script>document.getElementById('op.logoutForm').submit();</script>
<noscript><button type="submit" form="op.logoutForm">Continue</button></noscript>`,
  );
}

/** Shown after a logout without a post-logout redirect URI. */
export function signedOutPage(): string {
  return page('Signed out', '<h1>You are signed out</h1>');
}

/** An error the provider cannot redirect back to the app. */
export function errorPage(error: string, description: string | undefined): string {
  return page(
    'Error',
    `<h1>Sign-in error</h1>
<p role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</p>`,
  );
}
