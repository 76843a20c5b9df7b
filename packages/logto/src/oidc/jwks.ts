/**
 * The provider's signing keys: jose's remote JWK set, one per `jwks_uri` for the whole process.
 * This module adds what jose lacks: our HTTP rules, entries that are not public keys skipped
 * instead of failing the whole set, and the last good keys served while a refresh fails.
 *
 * @module
 */
import {
  createRemoteJWKSet,
  customFetch,
  type ExportedJWKSCache,
  errors,
  type JWK,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
  jwksCache,
  type RemoteJWKSet,
} from 'jose';
import { LogtoError } from '../errors.js';
import { parseJsonObject } from '../json.js';
import { describeUrl, type HttpOptions, sendRequest } from './http.js';

/** How long (in milliseconds) a JWKS document is used before it is fetched again: 10 minutes. */
export const JWKS_MAX_AGE = 10 * 60 * 1000;

/**
 * The least time (ms) between two refetches for an unknown `kid`, and between two tries after a
 * failed refresh: made-up `kid`s cost one request per cooldown.
 */
export const JWKS_REFETCH_COOLDOWN = 5 * 1000;

class ProviderKeys {
  readonly #uri: string;
  /** The options of the latest caller: the fetch goes out with them. */
  http: HttpOptions;
  /** jose writes every document it loads here; it is the last good set when a refresh fails. */
  readonly #cache: Partial<ExportedJWKSCache> = {};
  #remote: RemoteJWKSet;
  #lastRefetchAt = Number.NEGATIVE_INFINITY;

  constructor(uri: string, http: HttpOptions) {
    this.#uri = uri;
    this.http = http;
    this.#remote = this.#create();
  }

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const remote = this.#remote;
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) {
        // jose's cooldown counts from the last fetch of any kind; ours from the last refetch for
        // an unknown kid, so a key rotated right after a fetch is still picked up at once.
        if (!remote.reloading) {
          if (Date.now() - this.#lastRefetchAt < JWKS_REFETCH_COOLDOWN) throw error;
          this.#lastRefetchAt = Date.now();
        }
        await remote.reload();
        return remote(header, token);
      }
      // jose throws on every call once the document is older than its maximum age and the
      // provider is down; a Logto outage must not stop sign-ins and API calls while the keys
      // they were signed with are still known.
      if (!(error instanceof LogtoError) || remote.fresh || this.#cache.jwks === undefined)
        throw error;
      if (this.#remote === remote) {
        this.#cache.uat = Date.now() - JWKS_MAX_AGE + JWKS_REFETCH_COOLDOWN;
        this.#remote = this.#create();
      }
      return this.#remote(header, token);
    }
  };

  #create(): RemoteJWKSet {
    return createRemoteJWKSet(new URL(this.#uri), {
      cacheMaxAge: JWKS_MAX_AGE,
      // Refetches for an unknown kid are ours (above).
      cooldownDuration: Number.POSITIVE_INFINITY,
      [jwksCache]: this.#cache as JWKSCacheInput,
      // jose's own signal and headers are not used: `sendRequest` applies the caller's timeout.
      [customFetch]: () => fetchKeySet(this.#uri, this.http),
    });
  }
}

/** Fetches the JWKS and answers it again with only the entries that may be public keys. */
async function fetchKeySet(uri: string, http: HttpOptions): Promise<Response> {
  // No client credentials: the JWKS is public.
  const accept = 'application/json, application/jwk-set+json';
  const init = { method: 'GET', headers: { accept }, redirect: 'manual' } as const;
  const response = await sendRequest(uri, init, http);
  const invalid = (reason: string) =>
    new LogtoError(
      'provider.invalid_response',
      `The provider's JWKS at ${describeUrl(uri)} ${reason}.`,
      { status: response.status },
    );
  if (response.status !== 200) throw invalid(`answered HTTP ${response.status}`);
  const document = parseJsonObject(await response.text());
  if (document === undefined) throw invalid('is not a JSON object');
  if (!Array.isArray(document.keys)) throw invalid('has no "keys" array');
  // jose refuses a whole set for one odd entry, and a private key must never be used.
  const keys = document.keys.filter(
    (key): key is JWK =>
      typeof key === 'object' &&
      key !== null &&
      !Array.isArray(key) &&
      typeof (key as JWK).kty === 'string' &&
      (key as JWK).d === undefined,
  );
  return Response.json({ keys });
}

const keySets = new Map<string, ProviderKeys>();

/**
 * The process-wide key resolver for the keys at `jwksUri`, for `jose.jwtVerify`. Throws jose's
 * `JWKSNoMatchingKey` (after one refetch) or `JWKSMultipleMatchingKeys`, or `LogtoError` `provider.*`.
 */
export function remoteKeys(jwksUri: string, http: HttpOptions): JWTVerifyGetKey {
  let keySet = keySets.get(jwksUri);
  if (keySet) keySet.http = http;
  else {
    keySet = new ProviderKeys(jwksUri, http);
    keySets.set(jwksUri, keySet);
  }
  return keySet.getKey;
}
