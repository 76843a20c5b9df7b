/**
 * The callback step of a {@link LogtoClient}: the authorization response checked against the
 * sign-in session, the code exchanged, the ID token verified and the tokens stored.
 *
 * @module
 */
import type { NormalizedLogtoConfig } from '../config/types.js';
import { LogtoError } from '../errors.js';
import { exchangeAuthorizationCode } from '../oidc/grants.js';
import { shownDescription } from '../oidc/provider-errors.js';
import { type AccessTokenMap, accessTokenKey, createAccessTokenEntry } from './access-token-map.js';
import { type ClientContext, idTokenCheck, metadataOf, revokeQuietly } from './context.js';
import { isSignInSessionExpired, parseSignInSession } from './sign-in-session.js';
import { claimSignIn } from './spent-sign-ins.js';
import type { SignInCallbackResult } from './types.js';

/** Completes a sign-in from the callback URL; see `LogtoClient.handleSignInCallback`. */
export async function completeSignIn(
  context: ClientContext,
  callbackUrl: string | URL,
): Promise<SignInCallbackResult> {
  const text = callbackUrl instanceof URL ? callbackUrl.href : callbackUrl;
  const url = typeof text === 'string' ? URL.parse(text) : null;
  if (url === null) {
    throw new LogtoError('callback.invalid_url', 'The callback URL is not an absolute URL.');
  }
  const session = parseSignInSession(await context.storage.get('signInSession'));
  if (!session) {
    throw new LogtoError(
      'sign_in_session.not_found',
      'No pending sign-in for this session (it was already used, or the session cookie was lost). Start a new sign-in.',
    );
  }
  if (isSignInSessionExpired(session)) {
    await context.storage.remove('signInSession');
    throw new LogtoError(
      'sign_in_session.expired',
      'The sign-in took longer than 10 minutes. Start a new sign-in.',
    );
  }
  const expected = new URL(session.redirectUri);
  if (url.origin !== expected.origin || url.pathname !== expected.pathname) {
    throw new LogtoError(
      'callback.redirect_uri_mismatch',
      `The callback arrived at ${url.origin}${url.pathname}, not at the redirect URI of the sign-in (${expected.origin}${expected.pathname}).`,
    );
  }
  const parameters = url.searchParams;
  // The state first, error responses included (the provider returns it with errors too): a
  // forged `?error=` link must neither cancel the user's pending sign-in nor choose the text.
  const state = parameters.get('state');
  if (state === null) {
    throw new LogtoError('callback.missing_state', 'The callback URL has no state parameter.');
  }
  if (state !== session.state) {
    throw new LogtoError(
      'callback.state_mismatch',
      'The callback state does not match the pending sign-in (a stale or forged callback). Start a new sign-in.',
    );
  }
  const error = parameters.get('error');
  if (error !== null) {
    await context.storage.remove('signInSession');
    const errorDescription = parameters.get('error_description') ?? undefined;
    throw new LogtoError(
      'callback.error_response',
      `The provider answered the sign-in with "${error}"${errorDescription ? `: ${shownDescription(errorDescription)}` : ''}. ${error === 'invalid_target' ? unknownResourceAdvice(context.config) : 'Start a new sign-in.'}`,
      { error, errorDescription },
    );
  }
  // From here the callback belongs to this sign-in: consume it before anything slow, so that a
  // replay (or a double submit) cannot spend it again, even from another copy of the session.
  await context.storage.remove('signInSession');
  if (!claimSignIn(context.namespace, session.state)) {
    throw new LogtoError(
      'sign_in_session.not_found',
      'This sign-in was already completed (a replayed or double-submitted callback). Start a new sign-in.',
    );
  }
  const metadata = await metadataOf(context);
  const issuer = parameters.get('iss');
  if (
    issuer !== null
      ? issuer !== metadata.issuer
      : metadata.authorization_response_iss_parameter_supported === true
  ) {
    throw new LogtoError(
      'callback.issuer_mismatch',
      issuer === null
        ? 'The callback has no iss parameter although the provider promises one (RFC 9207).'
        : 'The callback iss parameter is not the provider issuer (RFC 9207): a mix-up attack or a misconfiguration.',
    );
  }
  const code = parameters.get('code');
  if (!code)
    throw new LogtoError('callback.missing_code', 'The callback URL has no code parameter.');
  const response = await exchangeAuthorizationCode(metadata, context.clientAuth, context.http, {
    code,
    redirectUri: session.redirectUri,
    codeVerifier: session.codeVerifier,
    checkIdToken: idTokenCheck(context, metadata, { nonce: session.nonce }),
  });
  if (!response.id_token) {
    throw new LogtoError(
      'id_token.missing',
      'The token response has no ID token; request the openid scope.',
    );
  }
  const replaced = await context.storage.get('refreshToken');
  await context.storage.set('idToken', response.id_token);
  if (response.refresh_token) await context.storage.set('refreshToken', response.refresh_token);
  else await context.storage.remove('refreshToken');
  if (replaced && replaced !== response.refresh_token) {
    await revokeQuietly(context, metadata, replaced, 'replacing an earlier sign-in');
  }
  const entry = createAccessTokenEntry(response.access_token, response.expires_in, response.scope);
  const map: AccessTokenMap = { [accessTokenKey()]: entry };
  await context.storage.set('accessTokenMap', JSON.stringify(map));
  return session.postRedirectUri === undefined ? {} : { postRedirectUri: session.postRedirectUri };
}

/** What to do about `invalid_target` at sign-in: the resources this sign-in asked for, by name. */
function unknownResourceAdvice(config: NormalizedLogtoConfig): string {
  // Logto's own resources (urn:logto:…) always exist: only the app's can be missing.
  const apis = config.resources.filter((resource) => !resource.startsWith('urn:logto:'));
  if (apis.length === 0) return 'Start a new sign-in.';
  return `The sign-in requested the API resource${apis.length > 1 ? 's' : ''} ${apis.join(', ')}: register ${apis.length > 1 ? 'each' : 'it'} in Logto (API resources, with that exact identifier) or remove ${apis.length > 1 ? 'them' : 'it'} from resources, then sign in again.`;
}
