/**
 * The provider's signing keys, with a process-wide cache keyed by `jwks_uri`: the JWKS document
 * and the imported keys are reused by every client (and by the API verifier), an unknown `kid`
 * refetches the JWKS (at most once per cooldown, concurrent refetches merged), and keys that
 * cannot be used are skipped.
 *
 * @module
 */
import { type CryptoKey, importJWK, type JWK } from 'jose';
import { LogtoError } from '../errors.js';
import { describeUrl, type HttpOptions, sendRequest } from './http.js';
import { type KeySelector, selectKeys } from './key-selection.js';

/** How long (in milliseconds) a JWKS document is used before it is fetched again: 10 minutes. */
export const JWKS_MAX_AGE = 10 * 60 * 1000;

/**
 * The least time (in milliseconds) between two refetches caused by an unknown `kid`: 5 seconds.
 * A key rotation is picked up at once; a flood of tokens with made-up `kid`s costs one request
 * per cooldown.
 */
export const JWKS_REFETCH_COOLDOWN = 5 * 1000;

class RemoteKeySet {
  readonly #uri: string;
  #keys: JWK[] | undefined;
  #fetchedAt = 0;
  /** After a failed refresh of old keys: until when the old keys are served without trying again. */
  #retryAt = 0;
  #lastRefetchAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<JWK[]> | undefined;
  readonly #imported = new WeakMap<JWK, Map<string, Promise<CryptoKey>>>();

  constructor(uri: string) {
    this.#uri = uri;
  }

  /** The imported keys that fit `selector` (at least one). */
  async candidates(selector: KeySelector, http: HttpOptions): Promise<CryptoKey[]> {
    let matching = selectKeys(await this.#current(http), selector);
    if (matching.length === 0 && this.#mayRefetch()) {
      this.#lastRefetchAt = Date.now();
      matching = selectKeys(await this.#load(http), selector);
    }
    if (matching.length === 0) {
      throw new LogtoError(
        'id_token.no_matching_key',
        `No usable key in the provider's JWKS fits the token (alg ${selector.alg}${
          selector.kid === undefined ? ', no kid' : `, kid "${selector.kid.slice(0, 64)}"`
        }).`,
      );
    }
    const imported = await Promise.all(
      matching.map((jwk) => this.#import(jwk, selector.alg).catch(() => undefined)),
    );
    const usable = imported.filter((key): key is CryptoKey => key !== undefined);
    if (usable.length === 0) {
      throw new LogtoError(
        'provider.invalid_response',
        `The provider's JWKS key for the token (alg ${selector.alg}) could not be imported: it is not a valid public key.`,
      );
    }
    return usable;
  }

  #mayRefetch(): boolean {
    return this.#pending !== undefined || Date.now() - this.#lastRefetchAt >= JWKS_REFETCH_COOLDOWN;
  }

  /**
   * Fresh keys. A failed refresh of an old document keeps serving the old keys, and is not tried
   * again for a cooldown: a provider that is down (or hangs) must not cost every token a timeout.
   */
  async #current(http: HttpOptions): Promise<JWK[]> {
    const now = Date.now();
    if (this.#keys && (now - this.#fetchedAt < JWKS_MAX_AGE || now < this.#retryAt)) {
      return this.#keys;
    }
    try {
      return await this.#load(http);
    } catch (error) {
      if (!this.#keys) throw error;
      this.#retryAt = Date.now() + JWKS_REFETCH_COOLDOWN;
      return this.#keys;
    }
  }

  #load(http: HttpOptions): Promise<JWK[]> {
    this.#pending ??= fetchKeySet(this.#uri, http)
      .then((keys) => {
        this.#keys = keys;
        this.#fetchedAt = Date.now();
        return keys;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  #import(jwk: JWK, alg: string): Promise<CryptoKey> {
    let byAlg = this.#imported.get(jwk);
    if (!byAlg) {
      byAlg = new Map();
      this.#imported.set(jwk, byAlg);
    }
    let key = byAlg.get(alg);
    if (!key) {
      key = importJWK(jwk, alg).then((imported) => {
        if (imported instanceof Uint8Array) throw new TypeError('not an asymmetric key');
        return imported;
      });
      byAlg.set(alg, key);
      key.catch(() => byAlg.delete(alg));
    }
    return key;
  }
}

async function fetchKeySet(uri: string, http: HttpOptions): Promise<JWK[]> {
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
  let document: unknown;
  try {
    document = JSON.parse(await response.text());
  } catch {
    throw invalid('is not JSON');
  }
  if (typeof document !== 'object' || document === null || !('keys' in document)) {
    throw invalid('has no "keys" member');
  }
  if (!Array.isArray(document.keys)) throw invalid('has a "keys" member that is not an array');
  return document.keys.filter(
    (key): key is JWK =>
      typeof key === 'object' && key !== null && typeof (key as JWK).kty === 'string',
  );
}

const keySets = new Map<string, RemoteKeySet>();

function keySetFor(jwksUri: string): RemoteKeySet {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = new RemoteKeySet(jwksUri);
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}

/**
 * Every usable key of the JWKS at `jwksUri` that fits the JWS header: one when the header has a
 * `kid` (or when only one key fits), several when it has none and several keys fit (the caller
 * tries each). Refetches the JWKS once when nothing fits, unless it did so within
 * {@link JWKS_REFETCH_COOLDOWN}.
 *
 * @throws LogtoError `id_token.no_matching_key` when no usable key fits;
 *   `provider.invalid_response` when the JWKS is not a JWK set or the fitting key cannot be
 *   imported; `provider.unreachable`, `provider.timeout` on network failures.
 */
export function getVerificationKeys(
  jwksUri: string,
  header: { alg: string; kid?: string },
  http: HttpOptions,
): Promise<CryptoKey[]> {
  return keySetFor(jwksUri).candidates(selectorOf(header), http);
}

/**
 * The one key of the JWKS at `jwksUri` that verifies a JWS with this header. For `logto-ts/api`
 * (access tokens) as well as ID tokens; the process-wide cache is shared.
 *
 * @example
 * ```ts
 * const key = await getVerificationKey(metadata.jwks_uri, protectedHeader, { fetch, timeout: 10_000 });
 * ```
 * @throws LogtoError `id_token.no_matching_key` when no usable key fits, or when the header has
 *   no `kid` and several keys fit (use {@link getVerificationKeys} to try each); otherwise as
 *   {@link getVerificationKeys}. Callers verifying other tokens may re-code the error.
 */
export async function getVerificationKey(
  jwksUri: string,
  header: { alg: string; kid?: string },
  http: HttpOptions,
): Promise<CryptoKey | Uint8Array> {
  const keys = await getVerificationKeys(jwksUri, header, http);
  const [key] = keys;
  if (keys.length !== 1 || !key) {
    throw new LogtoError(
      'id_token.no_matching_key',
      `The token names no kid and ${keys.length} keys of the provider's JWKS fit alg ${header.alg}; cannot choose one.`,
    );
  }
  return key;
}

function selectorOf(header: { alg: string; kid?: string }): KeySelector {
  return header.kid === undefined ? { alg: header.alg } : { alg: header.alg, kid: header.kid };
}
