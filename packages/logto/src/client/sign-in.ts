/**
 * The first protocol step of a {@link LogtoClient}: the authorization request (PKCE S256, state,
 * nonce), remembered in a sign-in session until its callback.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import { LogtoError } from '../errors.js';
import { type ClientContext, metadataOf } from './context.js';
import {
  buildAuthorizationUrl,
  checkPostRedirectUri,
  parseRedirectUri,
} from './sign-in-request.js';
import type { SignInSession } from './sign-in-session.js';
import type { SignInOptions } from './types.js';

/** Stores a new sign-in session and returns the authorization URL; see `LogtoClient.signIn`. */
export async function startSignIn(
  context: ClientContext,
  options: SignInOptions | string | URL,
): Promise<string> {
  const signInOptions: SignInOptions =
    typeof options === 'string' || options instanceof URL ? { redirectUri: options } : options;
  if (typeof signInOptions !== 'object' || signInOptions === null) {
    throw new LogtoError('sign_in.invalid_options', 'signIn needs options or a redirect URI.');
  }
  const redirectUri = parseRedirectUri(signInOptions.redirectUri);
  // Sent and stored exactly as given: Logto matches it against the registered URI as a string.
  const redirectUriText =
    signInOptions.redirectUri instanceof URL
      ? signInOptions.redirectUri.href
      : signInOptions.redirectUri;
  const postRedirectUri =
    signInOptions.postRedirectUri === undefined
      ? undefined
      : checkPostRedirectUri(signInOptions.postRedirectUri, redirectUri);
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const metadata = await metadataOf(context);
  const url = buildAuthorizationUrl(context.config, signInOptions, {
    authorizationEndpoint: metadata.authorization_endpoint,
    redirectUri: redirectUriText,
    state,
    nonce,
    codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
  });
  const session: SignInSession = {
    redirectUri: redirectUriText,
    codeVerifier,
    state,
    nonce,
    ...(postRedirectUri === undefined ? {} : { postRedirectUri }),
    createdAt: Date.now(),
  };
  await context.storage.set('signInSession', JSON.stringify(session));
  return url;
}
