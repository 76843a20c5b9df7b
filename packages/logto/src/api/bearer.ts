/**
 * The framework-neutral core of the middlewares: read `Authorization: Bearer <token>`, verify the
 * token, and turn a failure into the RFC 6750 answer (status, `WWW-Authenticate`, JSON body).
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { missingScopesOf } from './claim-checks.js';
import type { AccessTokenVerifier, VerifyOptions } from './verifier.js';

/** The JSON body of a refusal. */
export interface BearerErrorBody {
  /** `invalid_token`, `insufficient_scope`, or `unauthorized` when no token was sent. */
  error: string;
  /** What went wrong and what to do; never contains the token. */
  error_description: string;
}

/** A request that may go on: the verified claims. */
export interface BearerAccepted {
  /** Always `true`: the token is valid and has the required scopes. */
  ok: true;
  /** The verified claims of the access token. */
  claims: Readonly<AccessTokenClaims>;
}

/** A request to refuse, with the answer to send. */
export interface BearerRefused {
  /** Always `false`: answer with `status`, `headers` and `body`. */
  ok: false;
  /** 401 (no token, or an invalid one) or 403 (missing scopes). */
  status: 401 | 403;
  /** Headers to send: `WWW-Authenticate`, and `Cache-Control: no-store`. */
  headers: Readonly<Record<string, string>>;
  /** The JSON body to send: `{ error, error_description }`. */
  body: BearerErrorBody;
  /** Why: `access_token.missing`, or the verifier's `access_token.*` error. */
  error: LogtoError;
}

/** The outcome of {@link authorizeBearer}. */
export type BearerResult = BearerAccepted | BearerRefused;

/** Options of {@link authorizeBearer} and the middlewares. */
export interface BearerOptions extends VerifyOptions {
  /**
   * The `realm` of the `WWW-Authenticate` challenge. Default: the verifier's first audience, or
   * `logto` for an organization-token verifier.
   */
  realm?: string;
}

/** The token68 syntax of RFC 6750 §2.1. */
const token68 = /^[\w.~+/-]+=*$/;

/**
 * Reads the bearer token of an `Authorization` header value: `undefined` when there is no header
 * or it uses another scheme, `null` when it says Bearer but the token is not valid syntax.
 */
export function readBearerToken(
  authorization: string | null | undefined,
): string | null | undefined {
  if (typeof authorization !== 'string') return undefined;
  const value = authorization.trim();
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return undefined;
  const token = space === -1 ? '' : value.slice(space + 1).trim();
  return token68.test(token) ? token : null;
}

/**
 * Verifies the bearer token of an `Authorization` header value and says how to answer.
 *
 * @example
 * ```ts
 * const result = await authorizeBearer(verifier, request.headers.get('authorization'));
 * if (!result.ok) return Response.json(result.body, { status: result.status, headers: result.headers });
 * ```
 * @throws LogtoError `provider.*` when the provider's keys cannot be fetched (answer 5xx: it is
 *   not the client's fault), and any other error the verifier throws that is not about the token.
 */
export async function authorizeBearer(
  verifier: AccessTokenVerifier,
  authorization: string | null | undefined,
  options: BearerOptions = {},
): Promise<BearerResult> {
  const realm = options.realm ?? verifier.options.audiences?.[0] ?? 'logto';
  const token = readBearerToken(authorization);
  if (token === undefined) {
    return refuse(
      realm,
      new LogtoError(
        'access_token.missing',
        'This API needs an access token: send it as "Authorization: Bearer <token>".',
        { status: 401 },
      ),
    );
  }
  if (token === null) {
    return refuse(
      realm,
      new LogtoError(
        'access_token.malformed',
        'The Authorization header does not hold a bearer token of valid syntax.',
        { error: 'invalid_token', status: 401 },
      ),
    );
  }
  try {
    const { organization, requiredScopes } = options;
    return { ok: true, claims: await verifier.verify(token, { organization, requiredScopes }) };
  } catch (error) {
    if (error instanceof LogtoError && error.code.startsWith('access_token.')) {
      return refuse(realm, error);
    }
    throw error;
  }
}

function refuse(realm: string, error: LogtoError): BearerRefused {
  const scope = error.code === 'access_token.insufficient_scope';
  const kind =
    error.code === 'access_token.missing'
      ? 'unauthorized'
      : scope
        ? 'insufficient_scope'
        : 'invalid_token';
  const attributes = [`realm=${quote(realm)}`];
  // RFC 6750 §3.1: no error code when the request carried no authentication at all.
  if (kind !== 'unauthorized') {
    attributes.push(`error="${kind}"`, `error_description=${quote(error.message)}`);
  }
  if (scope) attributes.push(`scope=${quote(missingScopesOf(error).join(' '))}`);
  return {
    ok: false,
    status: scope ? 403 : 401,
    headers: { 'WWW-Authenticate': `Bearer ${attributes.join(', ')}`, 'Cache-Control': 'no-store' },
    body: { error: kind, error_description: error.message },
    error,
  };
}

/**
 * A quoted attribute value of the characters RFC 6750 §3 allows (printable ASCII but `"` and `\`,
 * which are replaced): clients need no unescaping.
 */
function quote(value: string): string {
  return `"${value
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/"/g, "'")
    .replace(/\\/g, '/')}"`;
}
