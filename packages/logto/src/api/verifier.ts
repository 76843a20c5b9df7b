/**
 * Verifies Logto JWT access tokens on the API side (RFC 9068 profile as Logto issues them).
 *
 * @module
 */
import type { JWTPayload } from 'jose';
import { BoundedCache } from '../bounded-cache.js';
import { discover } from '../oidc/discovery.js';
import type { HttpOptions } from '../oidc/http.js';
import { type AccessTokenClaims, deepFreeze } from '../tokens/claims.js';
import { allowedAlgorithms, assertCompactJws, verifyJwt } from '../tokens/jwt.js';
import { checkAudience, checkScopes, invalidToken, scopesOf } from './claim-checks.js';
import {
  type AccessTokenVerifierOptions,
  type OrganizationRule,
  type ResolvedVerifierOptions,
  resolveVerifierOptions,
} from './options.js';

/** Requirements of one call that replace or add to the verifier's (e.g. the organization in the URL). */
export interface VerifyOptions {
  /** Replaces the verifier's `organization` rule for this call. */
  organization?: OrganizationRule;
  /** Scopes required in addition to the verifier's `requiredScopes`. */
  requiredScopes?: readonly string[];
}

/** Verifies access tokens; create one per API (or per audience) and reuse it. */
export interface AccessTokenVerifier {
  /**
   * Verifies `token` and returns its claims (deeply frozen, shared by later calls).
   *
   * @throws LogtoError `access_token.*` naming the failed check (`error`/`status` are
   *   `invalid_token`/401, or `insufficient_scope`/403); `provider.*` when discovery or the JWKS
   *   cannot be fetched (not the token's fault).
   */
  verify(token: string, options?: VerifyOptions): Promise<Readonly<AccessTokenClaims>>;
  /** The options in use, with defaults applied. */
  readonly options: ResolvedVerifierOptions;
}

/** The longest token accepted (in characters); a longer string is not a Logto access token. */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** How long (ms) a verifier reuses what it read from the discovery cache (the warm path awaits nothing). */
const PROVIDER_MEMO_TTL = 30 * 1000;

/** What the verifier keeps about one verified token, in a cache keyed by the whole token. */
interface VerifiedToken {
  /** The token's claims, deeply frozen so no caller can change what later callers get. */
  readonly claims: Readonly<AccessTokenClaims>;
  /** The granted scopes, parsed once. */
  readonly scopes: ReadonlySet<string>;
}

interface ProviderState {
  readonly jwksUri: string;
  readonly algorithms: readonly string[];
  /** `Date.now()` until which the state is reused. */
  readonly until: number;
}

/**
 * Creates an access-token verifier for one API: the JWS checks of an RFC 9068 token (`typ` absent
 * or `at+jwt`, asymmetric `alg`, the provider's JWKS, `iss`, times), then on every call, cached or
 * not, `aud` (and the organization) and the required scopes. Verified tokens are cached until `exp`.
 *
 * @example
 * ```ts
 * const verifier = createAccessTokenVerifier({
 *   endpoint: 'https://tenant.logto.app',
 *   audience: 'https://api.example.com',
 *   requiredScopes: ['read:messages'],
 * });
 * const claims = await verifier.verify(token);
 * ```
 * @throws LogtoError `config.invalid` for invalid options.
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  return new Verifier(resolveVerifierOptions(options));
}

class Verifier implements AccessTokenVerifier {
  readonly options: ResolvedVerifierOptions;
  /** Keyed by the whole token: two tokens are never confused, a tampered one never hits. */
  readonly #cache: BoundedCache<string, VerifiedToken>;
  readonly #http: HttpOptions;
  #providerState: ProviderState | undefined;
  readonly #inFlight = new Map<string, Promise<VerifiedToken>>();

  constructor(options: ResolvedVerifierOptions) {
    this.options = options;
    this.#cache = new BoundedCache(options.cacheSize);
    this.#http = { fetch: options.fetch, timeout: options.timeout };
  }

  async verify(token: string, call?: VerifyOptions): Promise<Readonly<AccessTokenClaims>> {
    const now = this.options.now();
    const entry =
      (typeof token === 'string' ? this.#cache.get(token, now) : undefined) ??
      (await this.#verifyOnce(token, now));
    const organization =
      call?.organization === undefined ? this.options.organization : call.organization;
    checkAudience(entry.claims, this.options.audiences, organization);
    // One check over both lists, so a 403 names every scope the token lacks.
    checkScopes(
      entry.scopes,
      call?.requiredScopes === undefined
        ? this.options.requiredScopes
        : [...this.options.requiredScopes, ...call.requiredScopes],
    );
    return entry.claims;
  }

  /** Concurrent first sights of one token (a page firing several API calls) share one check. */
  #verifyOnce(token: string, now: number): Promise<VerifiedToken> {
    if (typeof token !== 'string' || this.options.cacheSize === 0) {
      return this.#verifyToken(token, now);
    }
    let pending = this.#inFlight.get(token);
    if (!pending) {
      pending = this.#verifyToken(token, now).finally(() => this.#inFlight.delete(token));
      this.#inFlight.set(token, pending);
    }
    return pending;
  }

  async #verifyToken(token: string, now: number): Promise<VerifiedToken> {
    assertCompactJws(token, 'access_token', MAX_TOKEN_LENGTH);
    const state = this.#providerState;
    const provider = state && state.until > Date.now() ? state : await this.#loadProvider();
    const payload = await verifyJwt(token, {
      kind: 'access_token',
      jwksUri: provider.jwksUri,
      http: this.#http,
      algorithms: provider.algorithms,
      issuer: this.options.issuer,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      clockTolerance: this.options.clockTolerance,
      currentDate: new Date(now),
      types: ['at+jwt', 'application/at+jwt'],
      maxLength: MAX_TOKEN_LENGTH,
    });
    const claims = checkIssuedClaims(payload);
    const entry: VerifiedToken = { claims: deepFreeze(claims), scopes: scopesOf(claims.scope) };
    // Never served at or after `exp`. A token that only passes thanks to the clock tolerance on
    // nbf stays out of the cache.
    if (payload.nbf === undefined || payload.nbf * 1000 <= now) {
      this.#cache.set(token, entry, claims.exp * 1000, now);
    }
    return entry;
  }

  /** What discovery says (jwks_uri, algorithms), reread from the shared cache now and then. */
  async #loadProvider(): Promise<ProviderState> {
    const metadata = await discover(this.options.endpoint, this.#http);
    const state: ProviderState = {
      jwksUri: metadata.jwks_uri,
      algorithms: this.options.algorithms ?? allowedAlgorithms(metadata),
      until: Date.now() + PROVIDER_MEMO_TTL,
    };
    this.#providerState = state;
    return state;
  }
}

/** Claims jose does not check the type of. */
function checkIssuedClaims(payload: JWTPayload): AccessTokenClaims {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw invalidToken('access_token.malformed', 'The access token has no "sub".');
  }
  const { aud } = payload;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (audiences.length === 0 || !audiences.every((item) => typeof item === 'string')) {
    throw invalidToken('access_token.malformed', 'The access token "aud" is not valid.');
  }
  if (payload.scope !== undefined && typeof payload.scope !== 'string') {
    throw invalidToken('access_token.malformed', 'The access token "scope" is not a string.');
  }
  if (payload.organization_id !== undefined && typeof payload.organization_id !== 'string') {
    throw invalidToken(
      'access_token.malformed',
      'The access token "organization_id" is not a string.',
    );
  }
  return payload as AccessTokenClaims;
}
