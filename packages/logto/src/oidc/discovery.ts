/**
 * OpenID Connect discovery with a process-wide cache, so that a client built per request does no
 * I/O once the first request has warmed the cache.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import { issuerPathAdvice } from '../config/issuer-path.js';
import { LogtoError } from '../errors.js';
import type { HttpOptions } from './http.js';
import { requestOptions } from './oauth-request.js';
import { toProviderError } from './provider-errors.js';

/** The provider's discovery document (only the members this SDK reads are typed). */
export interface ProviderMetadata {
  /** The issuer identifier: `<endpoint>/oidc` for Logto. */
  issuer: string;
  /** Where the browser is sent to sign in. */
  authorization_endpoint: string;
  /** Where codes and refresh tokens are exchanged. */
  token_endpoint: string;
  /** Where user claims are fetched with an access token. */
  userinfo_endpoint?: string;
  /** Where the provider's public signing keys are published. */
  jwks_uri: string;
  /** RP-initiated logout endpoint. */
  end_session_endpoint?: string;
  /** Token revocation endpoint (RFC 7009). */
  revocation_endpoint?: string;
  /** The algorithms the provider may sign ID tokens with. */
  id_token_signing_alg_values_supported?: string[];
  /** Whether authorization responses carry `iss` (RFC 9207). */
  authorization_response_iss_parameter_supported?: boolean;
  [key: string]: unknown;
}

/** How long (in milliseconds) a discovery document is reused before it is fetched again: 10 minutes. */
export const DISCOVERY_TTL = 10 * 60 * 1000;

/** How long (ms) an expired document is still used after a failed refresh, so signed-in work goes on. */
export const DISCOVERY_RETRY_AFTER_FAILURE = 30 * 1000;

interface CachedMetadata {
  metadata: ProviderMetadata;
  expiresAt: number;
}

const cache = new Map<string, CachedMetadata>();
const inFlight = new Map<string, Promise<ProviderMetadata>>();

/** The issuer a Logto endpoint must announce: `<endpoint>/oidc`. */
export function issuerOf(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/oidc`;
}

/**
 * Returns the provider's discovery document for a Logto endpoint, reused for
 * {@link DISCOVERY_TTL}; concurrent callers on a miss share one request. A failure is not cached.
 *
 * @param endpoint - The Logto endpoint, e.g. `https://tenant.logto.app`.
 * @param http - The fetch implementation and the per-request timeout (in milliseconds).
 * @throws LogtoError `config.invalid` when there is no discovery document there (HTTP 404: the
 *   endpoint is wrong, e.g. it ends in `/oidc`); `provider.issuer_mismatch` when the document's `issuer` is not
 *   `<endpoint>/oidc`; `provider.invalid_response` when it is not a discovery document (or lacks
 *   `authorization_endpoint`, `token_endpoint` or `jwks_uri`); `provider.unreachable`,
 *   `provider.timeout` on network failures.
 */
export async function discover(endpoint: string, http: HttpOptions): Promise<ProviderMetadata> {
  const issuer = issuerOf(endpoint);
  const cached = cache.get(issuer);
  if (cached && cached.expiresAt > Date.now()) return cached.metadata;

  let pending = inFlight.get(issuer);
  if (!pending) {
    pending = fetchMetadata(issuer, http)
      .then(
        (metadata) => {
          cache.set(issuer, { metadata, expiresAt: Date.now() + DISCOVERY_TTL });
          return metadata;
        },
        (error: unknown) => {
          if (!cached) throw error;
          cached.expiresAt = Date.now() + DISCOVERY_RETRY_AFTER_FAILURE;
          return cached.metadata;
        },
      )
      .finally(() => inFlight.delete(issuer));
    inFlight.set(issuer, pending);
  }
  return pending;
}

/** A 404 means the endpoint is not Logto's base URL: the advice is about the configuration. */
function notFound(issuer: string): LogtoError {
  const endpoint = issuer.slice(0, -'/oidc'.length);
  const advice =
    issuerPathAdvice(endpoint) ??
    "is not a Logto endpoint, or not its base URL. Use the tenant's base URL, e.g. https://your-tenant.logto.app or your self-hosted Logto's address, without /oidc.";
  return new LogtoError(
    'config.invalid',
    `There is no OpenID Connect discovery document at ${issuer}/.well-known/openid-configuration (HTTP 404). The Logto endpoint "${endpoint}" ${advice}`,
    { status: 404 },
  );
}

async function fetchMetadata(issuer: string, http: HttpOptions): Promise<ProviderMetadata> {
  const endpoint = 'discovery document';
  let document: oauth.AuthorizationServer;
  try {
    const issuerUrl = new URL(issuer);
    const options = { algorithm: 'oidc', ...requestOptions(http, issuer) } as const;
    const response = await oauth.discoveryRequest(issuerUrl, options);
    if (response.status === 404) throw notFound(issuer);
    document = await oauth.processDiscoveryResponse(issuerUrl, response);
  } catch (error) {
    throw toProviderError(error, endpoint);
  }
  if (document.issuer !== issuer) {
    throw new LogtoError(
      'provider.issuer_mismatch',
      `The provider's discovery document names the issuer "${document.issuer.slice(0, 200)}", not "${issuer}". Check the Logto endpoint in the config.`,
    );
  }
  for (const member of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    if (typeof document[member] !== 'string' || !URL.canParse(document[member])) {
      throw new LogtoError(
        'provider.invalid_response',
        `The provider's discovery document has no valid "${member}".`,
      );
    }
  }
  const algorithms = document.id_token_signing_alg_values_supported;
  if (
    algorithms !== undefined &&
    !(Array.isArray(algorithms) && algorithms.every((alg) => typeof alg === 'string'))
  ) {
    throw new LogtoError(
      'provider.invalid_response',
      `The provider's discovery document has an invalid "id_token_signing_alg_values_supported".`,
    );
  }
  return document as ProviderMetadata;
}
