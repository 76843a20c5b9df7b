/**
 * The glue between our types and `oauth4webapi`: request options carrying our HTTP rules, the
 * authorization-server and client objects, and client authentication.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import type { ClientAuthMethod } from '../config/types.js';
import { LogtoError } from '../errors.js';
import type { ProviderMetadata } from './discovery.js';
import { type HttpOptions, sendRequest } from './http.js';

/** How the client authenticates at the token and revocation endpoints. */
export interface ClientAuth {
  /** The application ID. */
  clientId: string;
  /** The application secret; required unless `method` is `'none'`. */
  clientSecret?: string;
  /** `client_secret_basic` (HTTP Basic), `client_secret_post` (form body) or `none` (public client). */
  method: ClientAuthMethod;
}

/**
 * Options for any `oauth4webapi` request: our fetch (or `send`, built on it), and plain http only
 * when the issuer itself is plain http (the config has already allowed that).
 */
export function requestOptions(
  http: HttpOptions,
  issuer: string,
  send: (url: string, init: RequestInit) => Promise<Response> = (url, init) =>
    sendRequest(url, init, http),
): { [oauth.customFetch]: typeof fetch; [oauth.allowInsecureRequests]: boolean } {
  return {
    [oauth.customFetch]: send as typeof fetch,
    [oauth.allowInsecureRequests]: URL.parse(issuer)?.protocol === 'http:',
  };
}

/** Our metadata as the `oauth4webapi` authorization-server object. */
export function authorizationServer(metadata: ProviderMetadata): oauth.AuthorizationServer {
  return metadata as unknown as oauth.AuthorizationServer;
}

/** The `oauth4webapi` client object for an application ID. */
export function oauthClient(clientId: string): oauth.Client {
  return { client_id: clientId };
}

/**
 * The `oauth4webapi` client-authentication function for `client.method`.
 *
 * @throws LogtoError `config.invalid` when a secret-based method has no secret.
 */
export function clientAuthentication(client: ClientAuth): oauth.ClientAuth {
  if (client.method === 'none') return oauth.None();
  if (!client.clientSecret) {
    throw new LogtoError(
      'config.invalid',
      `Client authentication "${client.method}" needs appSecret; set it, or use clientAuth "none" for a public client.`,
    );
  }
  return client.method === 'client_secret_post'
    ? oauth.ClientSecretPost(client.clientSecret)
    : oauth.ClientSecretBasic(client.clientSecret);
}
