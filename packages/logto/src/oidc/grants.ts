/**
 * Token-endpoint grants: the authorization code exchange and the refresh grant (with Logto's
 * `resource` and `organization_id` parameters).
 *
 * ID tokens in these responses are returned as they are and must be passed to `verifyIdToken`,
 * which checks the signature, the nonce and the configured clock tolerance. `oauth4webapi` would
 * check the claims without the signature and report less precise errors, so the ID token is kept
 * away from its response processing.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import { LogtoError } from '../errors.js';
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

export type { ClientAuth } from './oauth-request.js';

/** A successful token response (RFC 6749 §5.1), `token_type` lower-cased. */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  /** Lifetime of the access token, in seconds. */
  expires_in?: number;
  refresh_token?: string;
  /** Not verified yet: pass it to `verifyIdToken`. */
  id_token?: string;
  scope?: string;
}

const endpoint = 'token endpoint';

/**
 * Exchanges an authorization code (with its PKCE verifier) for tokens.
 *
 * @throws LogtoError `token.invalid_grant` (code spent, expired, or verifier/redirect mismatch),
 *   `token.access_denied`, `token.invalid_target`, `provider.error_response` (any other OAuth
 *   error; `error`, `errorDescription` and `status` kept), `provider.invalid_response`,
 *   `provider.unreachable`, `provider.timeout`, `config.invalid` (secret missing).
 */
export async function exchangeAuthorizationCode(
  metadata: ProviderMetadata,
  client: ClientAuth,
  http: HttpOptions,
  params: { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenResponse> {
  const authentication = clientAuthentication(client);
  const as = authorizationServer(metadata);
  try {
    // The generic request: `authorizationCodeGrantRequest` wants the whole callback URL, which
    // the client has already validated (state, iss) by the time it exchanges the code.
    const response = await oauth.genericTokenEndpointRequest(
      as,
      oauthClient(client.clientId),
      authentication,
      'authorization_code',
      {
        code: params.code,
        redirect_uri: params.redirectUri,
        code_verifier: params.codeVerifier,
      },
      requestOptions(http, metadata.issuer),
    );
    return await processTokenResponse(as, client.clientId, response);
  } catch (error) {
    throw toProviderError(error, endpoint);
  }
}

/**
 * Uses a refresh token. With `resource`, asks for an access token for that API resource; with
 * `organizationId`, for an organization token (both together: an organization-scoped API token).
 *
 * @throws LogtoError as {@link exchangeAuthorizationCode}; `token.invalid_grant` means the refresh
 *   token is spent, revoked or expired, `token.invalid_target` that the resource is not granted.
 */
export async function refreshTokenGrant(
  metadata: ProviderMetadata,
  client: ClientAuth,
  http: HttpOptions,
  params: { refreshToken: string; resource?: string; organizationId?: string },
): Promise<TokenResponse> {
  const authentication = clientAuthentication(client);
  const as = authorizationServer(metadata);
  const additionalParameters: Record<string, string> = {};
  if (params.resource !== undefined) additionalParameters.resource = params.resource;
  if (params.organizationId !== undefined)
    additionalParameters.organization_id = params.organizationId;
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      oauthClient(client.clientId),
      authentication,
      params.refreshToken,
      { additionalParameters, ...requestOptions(http, metadata.issuer) },
    );
    return await processTokenResponse(as, client.clientId, response);
  } catch (error) {
    throw toProviderError(error, endpoint);
  }
}

async function processTokenResponse(
  as: oauth.AuthorizationServer,
  clientId: string,
  response: Response,
): Promise<TokenResponse> {
  const { withoutIdToken, idToken } = await detachIdToken(response);
  const result = await oauth.processGenericTokenEndpointResponse(
    as,
    oauthClient(clientId),
    withoutIdToken,
  );
  const tokens: TokenResponse = {
    access_token: result.access_token,
    token_type: result.token_type,
  };
  if (result.expires_in !== undefined) tokens.expires_in = result.expires_in;
  if (result.refresh_token !== undefined) tokens.refresh_token = result.refresh_token;
  if (result.scope !== undefined) tokens.scope = result.scope;
  if (idToken !== undefined) tokens.id_token = idToken;
  return tokens;
}

/**
 * Takes the `id_token` out of a successful JSON token response; anything else is passed on
 * untouched for `oauth4webapi` to judge.
 */
async function detachIdToken(
  response: Response,
): Promise<{ withoutIdToken: Response; idToken?: string }> {
  if (response.status !== 200) return { withoutIdToken: response };
  const text = await response.text();
  const rebuild = (body: string) =>
    new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { withoutIdToken: rebuild(text) };
  }
  if (typeof json !== 'object' || json === null || !('id_token' in json)) {
    return { withoutIdToken: rebuild(text) };
  }
  const { id_token: idToken, ...rest } = json as Record<string, unknown>;
  if (typeof idToken !== 'string') {
    throw new LogtoError(
      'provider.invalid_response',
      `The provider's ${endpoint} sent an "id_token" that is not a string.`,
      { status: response.status },
    );
  }
  return { withoutIdToken: rebuild(JSON.stringify(rest)), idToken };
}
