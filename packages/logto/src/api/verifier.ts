/**
 * Verifies Logto JWT access tokens on the API side (RFC 9068 profile as Logto issues them).
 *
 * @module
 */
import {
  type CryptoKey,
  errors,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import { discover } from '../oidc/discovery.js';
import type { HttpOptions } from '../oidc/http.js';
import { getVerificationKeys } from '../oidc/jwks.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { allowedAlgorithms, stripClaims } from '../tokens/id-token.js';
import { checkAudience, checkScopes, invalidToken, scopesOf } from './claim-checks.js';
import {
  type AccessTokenVerifierOptions,
  type OrganizationRule,
  type ResolvedVerifierOptions,
  resolveVerifierOptions,
} from './options.js';
import { deepFreeze, type VerifiedToken, VerifiedTokenCache } from './token-cache.js';

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
   * Verifies `token` and returns its claims (a deeply frozen object shared by later calls with
   * the same token).
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

/**
 * How long (in milliseconds) a verifier reuses what it read from the shared discovery and JWKS
 * caches: 30 seconds. A key removed from the JWKS is refused at most this long after the shared
 * cache learns of it.
 */
const PROVIDER_MEMO_TTL = 30 * 1000;

interface ProviderState {
  readonly jwksUri: string;
  readonly algorithms: readonly string[];
  /** `Date.now()` until which the state is reused. */
  readonly until: number;
}

/**
 * Creates an access-token verifier for one API.
 *
 * Checks, in order: the compact JWS shape; `alg` in the allow-list (asymmetric only, never
 * `none` or HMAC); no unknown `crit`; `typ` absent or `at+jwt` (RFC 9068; oidc-provider and so
 * Logto set it, and an ID token, which has none, fails on its audience); the signature with a key from the provider's JWKS (process-wide cache; an
 * unknown `kid` refetches it once per cooldown); `iss` = `<endpoint>/oidc`; `exp`, `nbf`, `iat`
 * within `clockTolerance`; then on every call, cached or not, `aud` (and the organization) and
 * the required scopes. A token verified before is found in a bounded cache keyed by the whole
 * token and is never served at or after its `exp`.
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
  const resolved = resolveVerifierOptions(options);
  return new Verifier(resolved);
}

class Verifier implements AccessTokenVerifier {
  readonly options: ResolvedVerifierOptions;
  readonly #cache: VerifiedTokenCache;
  readonly #http: HttpOptions;
  #providerState: ProviderState | undefined;
  readonly #keyMemo = new Map<string, { keys: CryptoKey[]; until: number }>();
  readonly #inFlight = new Map<string, Promise<VerifiedToken>>();

  constructor(options: ResolvedVerifierOptions) {
    this.options = options;
    this.#cache = new VerifiedTokenCache(options.cacheSize);
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
    checkShape(token);
    // The warm path awaits nothing of its own: every await costs a turn of the event loop.
    const state = this.#providerState;
    const provider = state && state.until > Date.now() ? state : await this.#loadProvider();
    // Several keys fit only a token without kid; jose gets the first, the others are tried after.
    let otherKeys: readonly CryptoKey[] = [];
    const resolveKey = (header: JWSHeaderParameters): CryptoKey | Promise<CryptoKey> => {
      checkHeader(header);
      const alg = header.alg ?? '';
      const memo = this.#keyMemo.get(`${alg} ${header.kid ?? ''}`);
      const keys = memo && memo.until > Date.now() ? memo.keys : undefined;
      if (keys) {
        if (keys.length > 1) otherKeys = keys.slice(1);
        return keys[0] as CryptoKey;
      }
      return this.#fetchKeys(provider.jwksUri, alg, header.kid).then((fetched) => {
        otherKeys = fetched.slice(1);
        return fetched[0] as CryptoKey;
      });
    };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, resolveKey, this.#joseOptions(provider, now)));
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed) || otherKeys.length === 0) {
        throw fromJoseError(error);
      }
      payload = await this.#verifyWithAnyKey(token, otherKeys, provider, now);
    }
    const claims = checkIssuedClaims(payload, now, this.options.clockTolerance);
    const entry: VerifiedToken = {
      claims: deepFreeze(claims),
      scopes: scopesOf(claims.scope),
      expiresAt: claims.exp * 1000,
    };
    // A token that only passes thanks to the clock tolerance on nbf stays out of the cache.
    if (payload.nbf === undefined || payload.nbf * 1000 <= now) this.#cache.set(token, entry, now);
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

  /**
   * The keys for `alg`/`kid` from the shared JWKS cache (which refetches on an unknown kid),
   * remembered in `#keyMemo` for {@link PROVIDER_MEMO_TTL} so a new token costs no cache walk.
   */
  async #fetchKeys(jwksUri: string, alg: string, kid: string | undefined): Promise<CryptoKey[]> {
    const memoKey = `${alg} ${kid ?? ''}`;
    let keys: CryptoKey[];
    try {
      keys = await getVerificationKeys(
        jwksUri,
        kid === undefined ? { alg } : { alg, kid },
        this.#http,
      );
    } catch (error) {
      if (error instanceof LogtoError && error.code === 'id_token.no_matching_key') {
        throw invalidToken(
          'access_token.no_matching_key',
          "No key of the provider's JWKS fits the access token: it was not signed by this Logto tenant.",
        );
      }
      throw error;
    }
    // Only keys the JWKS really has are remembered: made-up kids cannot grow this map, and
    // rotations leave at most a few stale entries, dropped all at once past a small bound.
    if (this.#keyMemo.size >= 64) this.#keyMemo.clear();
    this.#keyMemo.set(memoKey, { keys, until: Date.now() + PROVIDER_MEMO_TTL });
    return keys;
  }

  #joseOptions(provider: ProviderState, now: number): JWTVerifyOptions {
    return {
      algorithms: provider.algorithms as string[],
      issuer: this.options.issuer,
      clockTolerance: this.options.clockTolerance,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(now),
    };
  }

  async #verifyWithAnyKey(
    token: string,
    keys: readonly CryptoKey[],
    provider: ProviderState,
    now: number,
  ): Promise<JWTPayload> {
    for (const key of keys) {
      try {
        return (await jwtVerify(token, key, this.#joseOptions(provider, now))).payload;
      } catch (error) {
        if (error instanceof errors.JWSSignatureVerificationFailed) continue;
        throw fromJoseError(error);
      }
    }
    throw fromJoseError(new errors.JWSSignatureVerificationFailed());
  }
}

/** Cheap checks only: jose parses the three parts strictly (a regex over the token costs µs). */
function checkShape(token: string): void {
  const first = typeof token === 'string' ? token.indexOf('.') : -1;
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (
    first <= 0 ||
    second === -1 ||
    token.indexOf('.', second + 1) !== -1 ||
    token.length > MAX_TOKEN_LENGTH
  ) {
    throw invalidToken(
      'access_token.malformed',
      'The access token is not a JWT (a compact JWS of three base64url parts).',
    );
  }
}

/** Header checks jose leaves to the caller (it has already checked `alg` and `crit`). */
function checkHeader(header: JWSHeaderParameters): void {
  if (header.typ !== undefined && !isAccessTokenType(header.typ)) {
    throw invalidToken(
      'access_token.invalid_type',
      'The token is not a JWT access token (its "typ" is not "at+jwt"); an ID token is not an access token.',
    );
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw invalidToken('access_token.malformed', 'The access token "kid" is not a string.');
  }
}

/** RFC 9068 §4: `at+jwt`, with or without the `application/` prefix, in any case. */
function isAccessTokenType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const type = typ.toLowerCase();
  return type === 'at+jwt' || type === 'application/at+jwt';
}

function checkIssuedClaims(
  payload: JWTPayload,
  now: number,
  clockTolerance: number,
): AccessTokenClaims {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw invalidToken('access_token.malformed', 'The access token has no "sub".');
  }
  const { aud } = payload;
  if (
    !(typeof aud === 'string' || (Array.isArray(aud) && aud.length > 0)) ||
    (Array.isArray(aud) && !aud.every((item) => typeof item === 'string'))
  ) {
    throw invalidToken('access_token.malformed', 'The access token "aud" is not valid.');
  }
  if (typeof payload.iat !== 'number' || payload.iat * 1000 > now + clockTolerance * 1000) {
    throw invalidToken(
      'access_token.not_yet_valid',
      `The access token was issued in the future (beyond the ${clockTolerance} s clock tolerance). Check the server clock.`,
    );
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

const claimCodes: Readonly<Record<string, LogtoErrorCode>> = {
  iss: 'access_token.invalid_issuer',
  exp: 'access_token.expired',
  nbf: 'access_token.not_yet_valid',
  iat: 'access_token.malformed',
};

function fromJoseError(error: unknown): LogtoError {
  // Thrown by our key resolver: already the right code (or a provider.* error).
  if (error instanceof LogtoError) return error;
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalidToken(
      'access_token.invalid_signature',
      "The access token's signature does not verify with the provider's key.",
    );
  }
  if (error instanceof errors.JWTExpired) {
    return invalidToken('access_token.expired', 'The access token has expired. Get a new one.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const code =
      error.reason === 'missing'
        ? 'access_token.malformed'
        : (claimCodes[error.claim] ?? 'access_token.malformed');
    const problem = error.reason === 'missing' ? 'is missing' : 'is not valid';
    const message =
      code === 'access_token.invalid_issuer'
        ? 'The access token was not issued by this Logto endpoint ("iss").'
        : `The access token's "${error.claim}" claim ${problem}.`;
    return invalidToken(code, message, stripClaims(error));
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalidToken(
      'access_token.unsupported_algorithm',
      'The access token algorithm is not allowed.',
    );
  }
  return invalidToken(
    'access_token.malformed',
    'The access token is not a valid JWT.',
    stripClaims(error),
  );
}
