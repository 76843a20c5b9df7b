/**
 * The provider's signing keys: jose's remote JWK set, one per `jwks_uri` for the whole process,
 * so every client and verifier shares the document and the keys it imported. jose picks the key
 * (by `kid`, key type, curve, `use`, `key_ops`, `alg`), refetches on an unknown `kid` at most once
 * per cooldown, merges concurrent fetches and refreshes an old document. This module adds what
 * jose lacks: our HTTP rules (time limit, size bound, error codes), entries that are not public
 * keys skipped instead of failing the whole set, and the last good keys served while a refresh
 * fails.
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
 * The least time (in milliseconds) between two refetches caused by an unknown `kid`, and between
 * two tries after a failed refresh: 5 seconds. A key rotation is picked up at once; a flood of
 * tokens with made-up `kid`s costs one request per cooldown.
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
  const response = await sendRequest(
    uri,
    {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
    },
    http,
  );
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
 * The key resolver for tokens signed with the keys at `jwksUri`, for `jose.jwtVerify`: shared by
 * the whole process. It throws jose's `JWKSNoMatchingKey` when no key fits (after one refetch,
 * unless within {@link JWKS_REFETCH_COOLDOWN}), `JWKSMultipleMatchingKeys` when the token has no
 * `kid` and several keys fit (iterate it to try each), and `LogtoError` `provider.*` when the
 * JWKS cannot be fetched or is not a JWK set.
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
