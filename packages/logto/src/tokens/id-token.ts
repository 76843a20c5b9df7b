/**
 * ID token validation (OpenID Connect Core §3.1.3.7 and §12.2), strict by default.
 *
 * @module
 */
import {
  type CryptoKey,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import type { ProviderMetadata } from '../oidc/discovery.js';
import type { HttpOptions } from '../oidc/http.js';
import { getVerificationKeys } from '../oidc/jwks.js';
import { SUPPORTED_ALGORITHMS } from '../oidc/key-selection.js';
import type { IdTokenClaims } from './claims.js';

/** Options of {@link verifyIdToken}. */
export interface VerifyIdTokenOptions {
  /** The provider's discovery document: issuer, `jwks_uri`, allowed algorithms. */
  metadata: ProviderMetadata;
  /** The application ID: must be in `aud`, and equal `azp` when present. */
  clientId: string;
  /** How the JWKS is fetched when it is not cached. */
  http: HttpOptions;
  /** Allowed clock difference (in seconds) for `exp` and `iat`. The client's default is 60. */
  clockTolerance: number;
  /** The nonce sent with the authorization request; required to match when given. */
  nonce?: string;
  /** The `sub` of the ID token already held (refresh grant): the new token must keep it. */
  expectedSub?: string;
  /** The time to check against. Default: now. */
  currentDate?: Date;
}

/**
 * The algorithms accepted for ID tokens: those the provider advertises that this SDK can verify
 * with a public key (OpenID Connect's default RS256 when it advertises none). Never `none`,
 * never HMAC.
 */
export function allowedAlgorithms(metadata: ProviderMetadata): string[] {
  const advertised = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  return advertised.filter((alg) => SUPPORTED_ALGORITHMS.includes(alg));
}

/**
 * Verifies an ID token and returns its claims.
 *
 * Checks, in order: the JWS shape; `alg` in {@link allowedAlgorithms}; no unknown `crit` header;
 * the signature with a key from the provider's JWKS (by `kid`, or every fitting key when the token
 * has no `kid`); `iss` equal to the issuer; `aud` containing the client ID; `exp` and `iat`
 * present and within `clockTolerance` (`iat` not in the future); a non-empty `sub`; `azp` equal to
 * the client ID when present, and present when `aud` has several values; `nonce` and
 * `expectedSub` when given.
 *
 * @throws LogtoError with an `id_token.*` code naming the failed check, or `provider.*` when the
 *   JWKS cannot be fetched. Messages never contain the token.
 */
export async function verifyIdToken(
  idToken: string,
  options: VerifyIdTokenOptions,
): Promise<IdTokenClaims> {
  const header = readHeader(idToken);
  const alg = header.alg;
  if (typeof alg !== 'string' || !allowedAlgorithms(options.metadata).includes(alg)) {
    throw fail(
      'id_token.unsupported_algorithm',
      `The ID token is signed with "${String(alg).slice(0, 32)}", which is not an allowed asymmetric algorithm advertised by the provider.`,
    );
  }
  if (header.crit !== undefined) {
    throw fail(
      'id_token.unsupported_critical_header',
      'The ID token has critical header parameters ("crit") this SDK does not understand.',
    );
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw fail('id_token.malformed', 'The ID token header has a "kid" that is not a string.');
  }
  const kid = header.kid;
  const keys = await getVerificationKeys(
    options.metadata.jwks_uri,
    kid === undefined ? { alg } : { alg, kid },
    options.http,
  );
  const payload = await verifyWithAnyKey(idToken, keys, alg, options);
  return checkOidcClaims(payload, options);
}

function readHeader(idToken: string): ProtectedHeaderParameters {
  if (typeof idToken !== 'string' || idToken.split('.').length !== 3) {
    throw fail(
      'id_token.malformed',
      'The ID token is not a compact JWS (three dot-separated parts).',
    );
  }
  try {
    return decodeProtectedHeader(idToken);
  } catch (error) {
    throw fail('id_token.malformed', 'The ID token header is not base64url-encoded JSON.', error);
  }
}

async function verifyWithAnyKey(
  idToken: string,
  keys: readonly CryptoKey[],
  alg: string,
  options: VerifyIdTokenOptions,
): Promise<JWTPayload> {
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(idToken, key, {
        algorithms: [alg],
        issuer: options.metadata.issuer,
        audience: options.clientId,
        clockTolerance: options.clockTolerance,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
        ...(options.currentDate === undefined ? {} : { currentDate: options.currentDate }),
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      throw fromJoseError(error);
    }
  }
  throw fail(
    'id_token.invalid_signature',
    "The ID token's signature does not verify with the provider's key.",
  );
}

const claimCodes: Readonly<Record<string, LogtoErrorCode>> = {
  iss: 'id_token.invalid_issuer',
  aud: 'id_token.invalid_audience',
  exp: 'id_token.expired',
  iat: 'id_token.invalid_iat',
  nbf: 'id_token.invalid_iat',
  sub: 'id_token.missing_sub',
};

function fromJoseError(error: unknown): LogtoError {
  if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
    const code = claimCodes[error.claim] ?? 'id_token.malformed';
    const problem = error.reason === 'missing' ? 'is missing' : 'is not valid';
    return fail(code, `The ID token's "${error.claim}" claim ${problem}.`, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return fail('id_token.unsupported_algorithm', 'The ID token algorithm is not allowed.', error);
  }
  if (error instanceof errors.JOSENotSupported) {
    return fail(
      'id_token.malformed',
      'The ID token uses a JOSE feature this SDK does not support.',
      error,
    );
  }
  return fail('id_token.malformed', 'The ID token is not a valid JWT.', error);
}

function checkOidcClaims(payload: JWTPayload, options: VerifyIdTokenOptions): IdTokenClaims {
  const now = Math.floor((options.currentDate ?? new Date()).getTime() / 1000);
  if (typeof payload.iat !== 'number' || payload.iat > now + options.clockTolerance) {
    throw fail(
      'id_token.invalid_iat',
      `The ID token was issued in the future (beyond the ${options.clockTolerance} s clock tolerance). Check the server clock.`,
    );
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    throw fail('id_token.missing_sub', 'The ID token has no "sub" (user ID).');
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (payload.azp !== undefined && payload.azp !== options.clientId) {
    throw fail('id_token.invalid_azp', 'The ID token was issued to another party ("azp").');
  }
  if (audiences.length > 1 && payload.azp === undefined) {
    throw fail(
      'id_token.invalid_azp',
      'The ID token has several audiences and no "azp" naming this application.',
    );
  }
  if (options.nonce !== undefined && payload.nonce !== options.nonce) {
    throw fail(
      'id_token.nonce_mismatch',
      'The ID token nonce does not match the sign-in request. Start a new sign-in.',
    );
  }
  if (options.expectedSub !== undefined && payload.sub !== options.expectedSub) {
    throw fail(
      'id_token.sub_mismatch',
      'The refreshed ID token is for another user than the session. Sign in again.',
    );
  }
  return payload as IdTokenClaims;
}

function fail(code: LogtoErrorCode, message: string, cause?: unknown): LogtoError {
  return new LogtoError(code, message, cause === undefined ? {} : { cause: stripClaims(cause) });
}

/** jose's claim errors carry the whole payload (a token's claims); keep only their name and message. */
export function stripClaims(cause: unknown): Error {
  if (!(cause instanceof Error)) return new Error(String(cause));
  const copy = new Error(cause.message);
  copy.name = cause.name;
  return copy;
}
