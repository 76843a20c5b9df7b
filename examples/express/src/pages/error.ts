/**
 * The error page: what happened (the `LogtoError` code and message) and what to do about it.
 *
 * @module
 */
import { isLogtoError, type LogtoError } from 'logto-ts';
import { html, type SafeHtml } from '../html.js';

/** What the error page shows, and the HTTP status to send it with. */
export interface ErrorView {
  /** HTTP status. */
  status: number;
  /** A short title. */
  title: string;
  /** The page content. */
  content: SafeHtml;
}

const signInAgain = html`<a class="button" href="/sign-in">Sign in again</a>`;

/** Advice per error code (or code prefix): what the visitor, or the developer, should do. */
function advice(error: LogtoError): { status: number; todo: SafeHtml } {
  const { code } = error;
  switch (code) {
    case 'sign_in_session.not_found':
      return {
        status: 400,
        todo: html`<p>This sign-in was already completed, was started in another browser, or its cookie did not come back. Start again.</p>
<p>If it happens every time: open the app at exactly the address of its redirect URI. Cookies for <code>localhost</code> are not sent to <code>127.0.0.1</code> (and the other way round), so set <code>BASE_URL</code> to the address you use in the browser.</p>
<p>${signInAgain}</p>`,
      };
    case 'sign_in_session.expired':
      return {
        status: 400,
        todo: html`<p>The sign-in took longer than 10 minutes. Start again.</p><p>${signInAgain}</p>`,
      };
    case 'callback.redirect_uri_mismatch':
      return {
        status: 400,
        todo: html`<p>The callback arrived at another address than the redirect URI the sign-in started with. Set <code>BASE_URL</code> to the address in your browser and register <code>&lt;BASE_URL&gt;/callback</code> in Logto.</p>`,
      };
    case 'callback.error_response':
      if (error.error === 'invalid_target') {
        return {
          status: 400,
          todo: html`<p>Logto does not know an API resource this sign-in asked for (named above). Create it: <code>npm run setup:tenant -- --user &lt;username&gt;</code>, or <em>API resources</em> → <em>Create API resource</em> in the Logto Console. Or set <code>API_RESOURCE</code> to a resource the tenant has.</p><p>${signInAgain}</p>`,
        };
      }
      return {
        status: 400,
        todo: html`<p>Logto ended the sign-in with an error${error.error ? html` (<code>${error.error}</code>${error.errorDescription ? html`: ${error.errorDescription}` : ''})` : ''}. If you cancelled, that is all; otherwise check the application's settings in Logto.</p><p>${signInAgain}</p>`,
      };
    case 'token.not_authenticated':
    case 'token.invalid_grant':
      return {
        status: 401,
        todo: html`<p>Your session with Logto has ended (signed out elsewhere, the refresh token expired or was revoked). Sign in again.</p><p>${signInAgain}</p>`,
      };
    case 'token.access_denied':
      return {
        status: 403,
        todo: html`<p>Logto refused the token: you are not a member of this organization. Pick one from <a href="/protected/organizations">your organizations</a>.</p>`,
      };
    case 'token.invalid_target':
      return {
        status: 400,
        todo: html`<p>The API resource was not requested at sign-in, or is not registered in Logto. Add it to <code>resources</code> in the client configuration and to the API resources in Logto (<code>npm run setup:tenant</code> does that for the sample), then sign in again.</p>`,
      };
    case 'token.missing_organizations_scope':
      return {
        status: 500,
        todo: html`<p>Organization tokens need the scope <code>UserInfoScope.Organizations</code> in the client configuration. Add it and sign in again.</p>`,
      };
    case 'id_token.expired':
    case 'id_token.invalid_iat':
      return {
        status: 502,
        todo: html`<p>The ID token's times do not match this machine's clock. Check that the clock is right (NTP), or raise <code>clockTolerance</code> (at most 300 s).</p><p>${signInAgain}</p>`,
      };
    case 'provider.unreachable':
    case 'provider.timeout':
      return {
        status: 502,
        todo: html`<p>Logto did not answer. Check <code>LOGTO_ENDPOINT</code> and that Logto (or logto-dev) is running, then reload.</p>`,
      };
    case 'session.too_large':
      return {
        status: 500,
        todo: html`<p>The session no longer fits in cookies. Use the Redis session store (<code>logto-ts/redis</code>), or request fewer resources and organizations.</p>`,
      };
    case 'session.store_unavailable':
    case 'session.lock_timeout':
      return {
        status: 503,
        todo: html`<p>The session store did not answer in time. Check Redis, then reload.</p>`,
      };
    case 'config.invalid':
      return {
        status: 500,
        todo: html`<p>The client configuration is wrong: check <code>LOGTO_ENDPOINT</code>, <code>LOGTO_APP_ID</code> and <code>LOGTO_APP_SECRET</code>.</p>`,
      };
    default:
      break;
  }
  if (code.startsWith('callback.')) {
    return {
      status: 400,
      todo: html`<p>The callback URL is not the answer to a sign-in this browser started (a reused or forged link). Start again.</p><p>${signInAgain}</p>`,
    };
  }
  if (code.startsWith('id_token.')) {
    return {
      status: 502,
      todo: html`<p>The ID token Logto returned failed validation, so it was not used. Check that <code>LOGTO_ENDPOINT</code> and <code>LOGTO_APP_ID</code> are those of this application.</p><p>${signInAgain}</p>`,
    };
  }
  if (code.startsWith('provider.')) {
    return {
      status: 502,
      todo: html`<p>Logto's answer was unusable. Check <code>LOGTO_ENDPOINT</code> (the issuer must be <code>&lt;endpoint&gt;/oidc</code>) and the application's id and secret.</p>`,
    };
  }
  if (code.startsWith('session.')) {
    return {
      status: 400,
      todo: html`<p>The session cookie could not be used, so you are signed out.</p><p>${signInAgain}</p>`,
    };
  }
  return { status: 500, todo: html`<p>Reload the page; if it persists, sign in again.</p>` };
}

/** The error page for any error a route threw. Unknown errors show no detail (see the server log). */
export function errorView(error: unknown): ErrorView {
  if (!isLogtoError(error)) {
    return {
      status: 500,
      title: 'Something went wrong',
      content: html`<div class="card error"><h2>Internal error</h2><p>The server hit an unexpected error; its details are in the server log. Reload the page, or go <a href="/">home</a>.</p></div>`,
    };
  }
  const { status, todo } = advice(error);
  return {
    status,
    title: 'Something went wrong',
    content: html`<div class="card error" data-testid="error">
<h2>What happened</h2>
<p><code data-testid="error-code">${error.code}</code></p>
<p>${error.message}</p>
${error.errorDescription && !error.message.includes(error.errorDescription) ? html`<p>Logto said: <q>${error.errorDescription}</q></p>` : ''}
</div>
<div class="card"><h2>What to do</h2>${todo}</div>`,
  };
}
