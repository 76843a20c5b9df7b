/**
 * The one way this SDK verifies a signed JWT from the provider (ID tokens, logout tokens and
 * access tokens): header checks, the signature with a key of the provider's JWKS, jose's claim
 * checks, and one mapping from jose's errors to our codes. Each kind of token then checks its own
 * claims.
 *
 * @module
 */
import {
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import { LogtoError, type LogtoErrorCode } from '../errors.js';
import type { ProviderMetadata } from '../oidc/discovery.js';
import type { HttpOptions } from '../oidc/http.js';
import { remoteKeys } from '../oidc/jwks.js';
import { safeCause } from '../oidc/provider-errors.js';

/**
 * The asymmetric JWS algorithms this SDK can verify. `none` and the HMAC algorithms are never
 * in it: a public key must not be used as an HMAC secret.
 */
export const SUPPORTED_ALGORITHMS: readonly string[] =
  'RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA Ed25519'.split(' ');

/**
 * The algorithms accepted for the provider's tokens: those it advertises for ID tokens that this
 * SDK can verify with a public key (OpenID Connect's default RS256 when it advertises none).
 * Never `none`, never HMAC.
 */
export function allowedAlgorithms(metadata: ProviderMetadata): string[] {
  const advertised = metadata.id_token_signing_alg_values_supported ?? ['RS256'];
  return advertised.filter((alg) => SUPPORTED_ALGORITHMS.includes(alg));
}

/** The kinds of token {@link verifyJwt} checks; the kind picks the error codes. */
export type TokenKind = 'id_token' | 'access_token' | 'logout_token';

/** What {@link verifyJwt} requires of a token. */
export interface JwtRules {
  readonly kind: TokenKind;
  /** Where the provider's signing keys are. */
  readonly jwksUri: string;
  /** How the JWKS is fetched when it is not cached. */
  readonly http: HttpOptions;
  /** The accepted `alg` values (asymmetric only). */
  readonly algorithms: readonly string[];
  /** The exact `iss`. */
  readonly issuer: string;
  /** A value `aud` must contain; not checked when absent (the caller checks it). */
  readonly audience?: string;
  /** Claims that must be present. */
  readonly requiredClaims: readonly string[];
  /** Allowed clock difference (in seconds) for `exp`, `nbf` and `iat`. */
  readonly clockTolerance: number;
  /** The greatest age of `iat`, in seconds; not checked when absent. */
  readonly maxTokenAge?: number;
  /** The time to check against. Default: now. */
  readonly currentDate?: Date;
  /** Accepted `typ` header values, compared without case; an absent `typ` passes. */
  readonly types?: readonly string[];
  /** The longest token accepted, in characters. */
  readonly maxLength?: number;
}

type Check = 'malformed' | 'algorithm' | 'critical' | 'type' | 'noMatchingKey' | 'signature';

/** The codes of one kind of token; `notYetValid` is `iat` in the future. */
interface KindCodes extends Readonly<Record<Check | 'notYetValid', LogtoErrorCode>> {
  /** How messages name the token. */
  readonly noun: string;
  /** Codes of failed claims, by claim; others are `malformed`. */
  readonly claims: Readonly<Record<string, LogtoErrorCode>>;
  /** The code of a missing claim; by default the claim's own code. */
  readonly missing?: LogtoErrorCode;
  /** What to do about an expired token, after the message. */
  readonly expiredHint?: string;
  /** Extra error details (an API answers `invalid_token` with 401). */
  readonly details?: { readonly error: string; readonly status: number };
}

const kinds: Readonly<Record<TokenKind, KindCodes>> = {
  id_token: {
    noun: 'ID token',
    malformed: 'id_token.malformed',
    algorithm: 'id_token.unsupported_algorithm',
    critical: 'id_token.unsupported_critical_header',
    type: 'id_token.malformed',
    noMatchingKey: 'id_token.no_matching_key',
    signature: 'id_token.invalid_signature',
    notYetValid: 'id_token.invalid_iat',
    claims: {
      iss: 'id_token.invalid_issuer',
      aud: 'id_token.invalid_audience',
      exp: 'id_token.expired',
      iat: 'id_token.invalid_iat',
      nbf: 'id_token.invalid_iat',
      sub: 'id_token.missing_sub',
    },
  },
  access_token: {
    noun: 'access token',
    malformed: 'access_token.malformed',
    algorithm: 'access_token.unsupported_algorithm',
    critical: 'access_token.malformed',
    type: 'access_token.invalid_type',
    noMatchingKey: 'access_token.no_matching_key',
    signature: 'access_token.invalid_signature',
    notYetValid: 'access_token.not_yet_valid',
    claims: {
      iss: 'access_token.invalid_issuer',
      exp: 'access_token.expired',
      nbf: 'access_token.not_yet_valid',
    },
    missing: 'access_token.malformed',
    expiredHint: ' Get a new one.',
    details: { error: 'invalid_token', status: 401 },
  },
  logout_token: {
    noun: 'logout token',
    malformed: 'logout_token.invalid',
    algorithm: 'logout_token.invalid',
    critical: 'logout_token.invalid',
    type: 'logout_token.invalid',
    noMatchingKey: 'logout_token.invalid',
    signature: 'logout_token.invalid',
    notYetValid: 'logout_token.invalid',
    claims: {},
    missing: 'logout_token.invalid',
  },
};

/** A failure of a `kind` token, with that kind's details and a cause stripped of claims. */
export function tokenError(
  kind: TokenKind,
  code: LogtoErrorCode,
  message: string,
  cause?: unknown,
): LogtoError {
  return new LogtoError(code, message, {
    ...kinds[kind].details,
    // jose's claim errors carry the whole payload: the cause keeps only name, message and code.
    ...(cause === undefined ? {} : { cause: safeCause(cause) }),
  });
}

/**
 * Verifies a compact JWS signed by the provider and returns its payload.
 *
 * Checks, in order: the compact shape (and `maxLength`); `alg` among `algorithms`; no `crit`;
 * `kid` a string; `typ` among `types`; the signature with a key of the JWKS at `jwksUri` (by
 * `kid`, or each fitting key when the token has none; an unknown `kid` refetches the JWKS once
 * per cooldown); `iss`, `aud`, `exp`, `nbf`, the required claims and `maxTokenAge` (jose); `iat`
 * not in the future beyond the clock tolerance.
 *
 * @throws LogtoError with the code of `rules.kind` naming the failed check, or `provider.*` when
 *   the JWKS cannot be fetched or its key cannot be imported. Messages never contain the token.
 */
export async function verifyJwt(token: string, rules: JwtRules): Promise<JWTPayload> {
  const codes = kinds[rules.kind];
  const fail = (code: LogtoErrorCode, message: string, cause?: unknown) =>
    tokenError(rules.kind, code, message, cause);
  const header = readHeader(token, rules, codes, fail);
  const keys = remoteKeys(rules.jwksUri, rules.http);
  const getKey: JWTVerifyGetKey = async (protectedHeader, jws) => {
    try {
      return await keys(protectedHeader, jws);
    } catch (error) {
      throw keyError(error, header, codes, fail);
    }
  };
  // The rules name jose's options (issuer, audience, …); jose skips a check whose option is undefined.
  const options: JWTVerifyOptions = {
    ...rules,
    algorithms: [...rules.algorithms],
    requiredClaims: [...rules.requiredClaims],
  };
  let payload: JWTPayload;
  try {
    payload = await verifyWithAnyKey(token, getKey, options);
  } catch (error) {
    throw fromJoseError(error, codes, fail);
  }
  const now = Math.floor((rules.currentDate?.getTime() ?? Date.now()) / 1000);
  if (typeof payload.iat === 'number' && payload.iat > now + rules.clockTolerance) {
    throw fail(
      codes.notYetValid,
      `The ${codes.noun} was issued in the future (beyond the ${rules.clockTolerance} s clock tolerance). Check the server clock.`,
    );
  }
  return payload;
}

type Fail = (code: LogtoErrorCode, message: string, cause?: unknown) => LogtoError;

/**
 * Throws unless `token` has the shape of a compact JWS (three dot-separated parts, the first not
 * empty) and at most `maxLength` characters. {@link verifyJwt} checks it too; callers that must
 * ask the provider something first (discovery) call it before, so garbage costs no request.
 */
export function assertCompactJws(token: string, kind: TokenKind, maxLength?: number): void {
  // Cheap checks only: jose parses the three parts strictly (a regex over the token costs µs).
  const first = typeof token === 'string' ? token.indexOf('.') : -1;
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (
    first <= 0 ||
    second === -1 ||
    token.indexOf('.', second + 1) !== -1 ||
    token.length > (maxLength ?? Number.POSITIVE_INFINITY)
  ) {
    const codes = kinds[kind];
    throw tokenError(
      kind,
      codes.malformed,
      `The ${codes.noun} is not a compact JWS (three dot-separated parts).`,
    );
  }
}

function readHeader(
  token: string,
  rules: JwtRules,
  codes: KindCodes,
  fail: Fail,
): ProtectedHeaderParameters {
  assertCompactJws(token, rules.kind, rules.maxLength);
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    throw fail(codes.malformed, `The ${codes.noun} header is not base64url-encoded JSON.`, error);
  }
  if (typeof header.alg !== 'string' || !rules.algorithms.includes(header.alg)) {
    throw fail(
      codes.algorithm,
      `The ${codes.noun} is signed with "${String(header.alg).slice(0, 32)}", which is not an allowed asymmetric algorithm advertised by the provider.`,
    );
  }
  if (header.crit !== undefined) {
    throw fail(
      codes.critical,
      `The ${codes.noun} has critical header parameters ("crit") this SDK does not understand.`,
    );
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw fail(codes.malformed, `The ${codes.noun} header has a "kid" that is not a string.`);
  }
  const { typ } = header;
  if (
    rules.types !== undefined &&
    typ !== undefined &&
    !(typeof typ === 'string' && rules.types.includes(typ.toLowerCase()))
  ) {
    throw fail(
      codes.type,
      `The token is not a ${codes.noun}: its "typ" is not "${rules.types[0]}".`,
    );
  }
  return header;
}

/** What went wrong while resolving the key, as our error (several fitting keys pass through). */
function keyError(
  error: unknown,
  header: ProtectedHeaderParameters,
  codes: KindCodes,
  fail: Fail,
): unknown {
  if (error instanceof LogtoError || error instanceof errors.JWKSMultipleMatchingKeys) return error;
  if (error instanceof errors.JWKSNoMatchingKey) {
    return fail(
      codes.noMatchingKey,
      `No usable key in the provider's JWKS fits the ${codes.noun} (alg ${String(header.alg)}${
        header.kid === undefined ? ', no kid' : `, kid "${header.kid.slice(0, 64)}"`
      }), even after fetching the JWKS again.`,
    );
  }
  return unusableKey(error);
}

const unusableKey = (cause?: unknown) =>
  new LogtoError(
    'provider.invalid_response',
    "The provider's JWKS key for the token could not be imported: it is not a valid public key.",
    { cause },
  );

/** jose leaves the choice among several fitting keys (a token without `kid`) to the caller. */
async function verifyWithAnyKey(
  token: string,
  getKey: JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, getKey, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    let tried = 0;
    for await (const key of error) {
      tried++;
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    if (tried === 0) throw unusableKey();
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function fromJoseError(error: unknown, codes: KindCodes, fail: Fail): LogtoError {
  if (error instanceof LogtoError) return error;
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return fail(
      codes.signature,
      `The ${codes.noun}'s signature does not verify with the provider's key.`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
    const missing = error.reason === 'missing';
    const code =
      (missing ? codes.missing : undefined) ?? codes.claims[error.claim] ?? codes.malformed;
    const message =
      error instanceof errors.JWTExpired && error.claim === 'exp'
        ? `The ${codes.noun} has expired.${codes.expiredHint ?? ''}`
        : error.claim === 'iss' && !missing
          ? `The ${codes.noun} was not issued by this Logto endpoint ("iss").`
          : `The ${codes.noun}'s "${error.claim}" claim ${missing ? 'is missing' : 'is not valid'}.`;
    return fail(code, message, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return fail(codes.algorithm, `The ${codes.noun} algorithm is not allowed.`, error);
  }
  return fail(codes.malformed, `The ${codes.noun} is not a valid JWT.`, error);
}
