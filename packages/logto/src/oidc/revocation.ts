/**
 * Token revocation (RFC 7009).
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import type { ProviderMetadata } from './discovery.js';
import type { HttpOptions } from './http.js';
import {
  authorizationServer,
  type ClientAuth,
  clientAuthentication,
  oauthClient,
  requestOptions,
} from './oauth-request.js';
import { toProviderError } from './provider-errors.js';

/**
 * Revokes a token (at sign-out, the refresh token). Bounded by `http.timeout`; callers that
 * must not fail on it (sign-out) catch and ignore the error.
 *
 * @throws LogtoError `provider.missing_endpoint` when discovery has no `revocation_endpoint`;
 *   `provider.error_response`, `provider.invalid_response`, `provider.unreachable`,
 *   `provider.timeout`, `config.invalid` (secret missing).
 */
export async function revokeToken(
  metadata: ProviderMetadata,
  client: ClientAuth,
  http: HttpOptions,
  token: string,
): Promise<void> {
  const authentication = clientAuthentication(client);
  const as = authorizationServer(metadata);
  try {
    const response = await oauth.revocationRequest(
      as,
      oauthClient(client.clientId),
      authentication,
      token,
      requestOptions(http, metadata.issuer),
    );
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw toProviderError(error, 'revocation endpoint');
  }
}
