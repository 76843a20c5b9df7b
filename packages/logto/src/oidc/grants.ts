/**
 * Token-endpoint grants: the authorization code exchange and the refresh grant (with Logto's
 * `resource` and `organization_id` parameters). ID tokens are kept away from `oauth4webapi`
 * (which would check the claims without the signature, with less precise errors) and checked by
 * the caller's `checkIdToken`.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import { LogtoError } from '../errors.js';
import { parseJsonObject } from '../json.js';
import type { ProviderMetadata } from './discovery.js';
import {
  type BufferedResponse,
  type HttpOptions,
  sendBufferedRequest,
  toResponse,
} from './http.js';
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
  /** Checked by the grant's `checkIdToken` before the grant returned. */
  id_token?: string;
  scope?: string;
}

const endpoint = 'token endpoint';

/** Checks the ID token of a token response; its rejection is the grant's error. */
export type IdTokenCheck = (idToken: string) => Promise<unknown>;

/**
 * Exchanges an authorization code (with its PKCE verifier) for tokens.
 *
 * @throws LogtoError `token.invalid_grant` (code spent, expired, or verifier/redirect mismatch),
 *   `token.access_denied`, `token.invalid_target`, `provider.error_response` (any other OAuth
 *   error; `error`, `errorDescription` and `status` kept), `provider.invalid_response`,
 *   `provider.unreachable`, `provider.timeout`, `config.invalid` (secret missing), and what
 *   `checkIdToken` throws.
 */
export function exchangeAuthorizationCode(
  metadata: ProviderMetadata,
  client: ClientAuth,
  http: HttpOptions,
  params: { code: string; redirectUri: string; codeVerifier: string; checkIdToken: IdTokenCheck },
): Promise<TokenResponse> {
  return tokenGrant(metadata, client, http, params.checkIdToken, (as, authentication, options) =>
    // The generic request: `authorizationCodeGrantRequest` wants the whole callback URL, which
    // the client has already validated (state, iss) by the time it exchanges the code.
    oauth.genericTokenEndpointRequest(
      as,
      oauthClient(client.clientId),
      authentication,
      'authorization_code',
      {
        code: params.code,
        redirect_uri: params.redirectUri,
        code_verifier: params.codeVerifier,
      },
      options,
    ),
  );
}

/**
 * Uses a refresh token. With `resource`, asks for an access token for that API resource; with
 * `organizationId`, for an organization token (both together: an organization-scoped API token).
 *
 * @throws LogtoError as {@link exchangeAuthorizationCode}; `token.invalid_grant` means the refresh
 *   token is spent, revoked or expired, `token.invalid_target` that the resource is not granted.
 */
export function refreshTokenGrant(
  metadata: ProviderMetadata,
  client: ClientAuth,
  http: HttpOptions,
  params: {
    refreshToken: string;
    resource?: string;
    organizationId?: string;
    checkIdToken: IdTokenCheck;
  },
): Promise<TokenResponse> {
  const additionalParameters: Record<string, string> = {};
  if (params.resource !== undefined) additionalParameters.resource = params.resource;
  if (params.organizationId !== undefined)
    additionalParameters.organization_id = params.organizationId;
  return tokenGrant(metadata, client, http, params.checkIdToken, (as, authentication, options) =>
    oauth.refreshTokenGrantRequest(
      as,
      oauthClient(client.clientId),
      authentication,
      params.refreshToken,
      { additionalParameters, ...options },
    ),
  );
}

type GrantRequest = (
  as: oauth.AuthorizationServer,
  authentication: oauth.ClientAuth,
  options: ReturnType<typeof requestOptions>,
) => Promise<Response>;

/**
 * One token request. The ID token check starts as soon as the body is read (the signature is
 * verified in the thread pool while `oauth4webapi` processes the rest) and is awaited last, so a
 * wrong response reports its own error first.
 */
async function tokenGrant(
  metadata: ProviderMetadata,
  client: ClientAuth,
  http: HttpOptions,
  checkIdToken: IdTokenCheck,
  request: GrantRequest,
): Promise<TokenResponse> {
  let idToken: string | undefined;
  let idTokenChecked: Promise<unknown> | undefined;
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    const buffered = await sendBufferedRequest(url, init, http);
    const detached = detachIdToken(buffered);
    if (detached.idToken !== undefined) {
      idToken = detached.idToken;
      idTokenChecked = checkIdToken(idToken);
      idTokenChecked.catch(() => undefined);
    }
    return toResponse(buffered, detached.body);
  };
  try {
    const as = authorizationServer(metadata);
    const response = await request(
      as,
      clientAuthentication(client),
      requestOptions(http, metadata.issuer, send),
    );
    const result = await oauth.processGenericTokenEndpointResponse(
      as,
      oauthClient(client.clientId),
      response,
    );
    await idTokenChecked;
    const { access_token, token_type, expires_in, refresh_token, scope } = result;
    return { access_token, token_type, expires_in, refresh_token, scope, id_token: idToken };
  } catch (error) {
    throw toProviderError(error, endpoint);
  }
}

const decoder = new TextDecoder();

/**
 * Takes the `id_token` out of a successful JSON token response body; any other body is passed on
 * untouched for `oauth4webapi` to judge.
 *
 * @throws LogtoError `provider.invalid_response` when `id_token` is there but not a string.
 */
function detachIdToken(response: BufferedResponse): {
  body: Uint8Array | string;
  idToken?: string;
} {
  if (response.status !== 200) return { body: response.body };
  const json = parseJsonObject(decoder.decode(response.body));
  if (json === undefined || !('id_token' in json)) return { body: response.body };
  const { id_token: idToken, ...rest } = json;
  if (typeof idToken !== 'string') {
    throw new LogtoError(
      'provider.invalid_response',
      `The provider's ${endpoint} sent an "id_token" that is not a string.`,
      { status: response.status },
    );
  }
  return { body: JSON.stringify(rest), idToken };
}
