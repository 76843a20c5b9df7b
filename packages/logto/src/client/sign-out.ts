/**
 * The sign-out step of a {@link LogtoClient}: the local session cleared, the refresh token
 * revoked, and the end-session URL.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import { type ClientContext, clearTokens, metadataOf, revokeQuietly } from './context.js';

/** Clears the session and returns the end-session URL; see `LogtoClient.signOut`. */
export async function signOut(
  context: ClientContext,
  postLogoutRedirectUri?: string,
): Promise<string> {
  const idToken = await context.storage.get('idToken');
  const refreshToken = await context.storage.get('refreshToken');
  await clearTokens(context);
  await context.storage.remove('signInSession');
  const metadata = await metadataOf(context);
  if (refreshToken) await revokeQuietly(context, metadata, refreshToken, 'at sign-out');
  if (!metadata.end_session_endpoint) {
    throw new LogtoError(
      'provider.missing_endpoint',
      'The provider has no end_session_endpoint, so there is no sign-out URL. The local session was cleared.',
    );
  }
  const url = new URL(metadata.end_session_endpoint);
  url.searchParams.set('client_id', context.config.appId);
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  if (postLogoutRedirectUri !== undefined) {
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
  }
  return url.href;
}
