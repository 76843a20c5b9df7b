/**
 * The userinfo endpoint.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import { LogtoError } from '../errors.js';
import type { ProviderMetadata } from './discovery.js';
import type { HttpOptions } from './http.js';
import { authorizationServer, oauthClient, requestOptions } from './oauth-request.js';
import { toProviderError } from './provider-errors.js';

/**
 * Fetches the user's claims with an access token; the JSON response's `sub` must be `expectedSubject`.
 *
 * @throws LogtoError `userinfo.sub_mismatch` when the response is about another user;
 *   `provider.missing_endpoint` when discovery has no `userinfo_endpoint`;
 *   `provider.error_response` (e.g. `error: 'invalid_token'`, status 401) when the provider refuses
 *   the token; `provider.invalid_response`, `provider.unreachable`, `provider.timeout`.
 */
export async function requestUserInfo(
  metadata: ProviderMetadata,
  http: HttpOptions,
  accessToken: string,
  expectedSubject: string,
): Promise<Record<string, unknown>> {
  const as = authorizationServer(metadata);
  // oauth4webapi reads the client ID only for JWT userinfo responses, which are refused below.
  const client = oauthClient('logto-userinfo');
  try {
    const options = requestOptions(http, metadata.issuer);
    const response = await oauth.userInfoRequest(as, client, accessToken, options);
    if (response.headers.get('content-type')?.startsWith('application/jwt')) {
      throw new LogtoError(
        'provider.invalid_response',
        'The provider sent a JWT userinfo response; this SDK accepts JSON userinfo only.',
        { status: response.status },
      );
    }
    const claims = await oauth.processUserInfoResponse(as, client, expectedSubject, response);
    return { ...claims };
  } catch (error) {
    if (
      error instanceof oauth.OperationProcessingError &&
      error.code === oauth.JSON_ATTRIBUTE_COMPARISON
    ) {
      // No cause: it holds the other user's claims.
      throw new LogtoError(
        'userinfo.sub_mismatch',
        'The userinfo response is about another user than the ID token; it was discarded.',
      );
    }
    throw toProviderError(error, 'userinfo endpoint');
  }
}
