/**
 * Options of the access-token verifier, their defaults, and their validation.
 *
 * @module
 */
import { issuerPathAdvice } from '../config/issuer-path.js';
import { LogtoError } from '../errors.js';
import { issuerOf } from '../oidc/discovery.js';
import { SUPPORTED_ALGORITHMS } from '../tokens/jwt.js';

/**
 * Which organizations an organization token (or an organization-scoped API token) may be for:
 * one organization ID, any organization (`true`), or a predicate over the organization ID.
 */
export type OrganizationRule = string | true | ((organizationId: string) => boolean);

/** Options of {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  /** The Logto endpoint, e.g. `https://tenant.logto.app`; tokens must have `iss` `<endpoint>/oidc`. */
  endpoint: string;
  /**
   * The API resource indicator(s) this API answers to (`aud` must contain one of them). Omit it
   * only together with `organization`, to accept organization tokens
   * (`aud` = `urn:logto:organization:<id>`).
   */
  audience?: string | readonly string[];
  /**
   * Organization tokens. Without `audience`: tokens whose `aud` is `urn:logto:organization:<id>`
   * for an accepted `<id>`. With `audience`: organization-scoped API tokens (the resource as `aud`
   * and an accepted `organization_id` claim). Without this option, a token that carries an
   * `organization_id` is refused: its scopes were granted inside that organization only.
   */
  organization?: OrganizationRule;
  /** Scopes the token must all have (in its space-separated `scope` claim). Default: none. */
  requiredScopes?: readonly string[];
  /**
   * Allowed clock difference (in seconds) for `exp`, `nbf` and `iat`. Default 60, at most 300.
   * Cached tokens are never served at or after their `exp`, whatever the tolerance.
   */
  clockTolerance?: number;
  /**
   * The JWS algorithms accepted. Default: those the provider advertises in discovery
   * (`id_token_signing_alg_values_supported`: Logto signs access tokens with the same key) that
   * are asymmetric. `none` and HMAC algorithms are never accepted.
   */
  algorithms?: readonly string[];
  /** The most verified tokens kept in the verifier's cache. Default 1000; 0 disables it. */
  cacheSize?: number;
  /** The `fetch` used for discovery and the JWKS. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Time limit (in milliseconds) for one request to the provider. Default 10000. */
  timeout?: number;
  /** The clock, in milliseconds since the epoch. Default `Date.now` (tests and benchmarks inject one). */
  now?: () => number;
}

/** The options that always have a value once resolved. */
type Defaulted = Exclude<
  keyof AccessTokenVerifierOptions,
  'audience' | 'organization' | 'algorithms'
>;

/** The options with defaults applied, as {@link AccessTokenVerifier.options} exposes them. */
export interface ResolvedVerifierOptions
  extends Readonly<Required<Pick<AccessTokenVerifierOptions, Defaulted>>> {
  /** The `iss` every token must have: `<endpoint>/oidc`. */
  readonly issuer: string;
  /** The accepted API resource indicators, or `undefined` for organization tokens only. */
  readonly audiences: readonly string[] | undefined;
  /** Which organizations a token may be for; `undefined` refuses organization tokens. */
  readonly organization: OrganizationRule | undefined;
  /** The accepted JWS algorithms, or `undefined` to take the provider's asymmetric ones. */
  readonly algorithms: readonly string[] | undefined;
}

const invalid = (field: string, problem: string): LogtoError =>
  new LogtoError('config.invalid', `createAccessTokenVerifier: ${field} ${problem}`);

const nonEmptyStrings = (field: string, value: unknown): string[] => {
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    !list.every((item): item is string => typeof item === 'string' && item.length > 0)
  ) {
    throw invalid(field, 'must be a non-empty string or an array of non-empty strings.');
  }
  return list;
};

const numberIn = (
  field: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(field, `must be a number from ${min} to ${max}.`);
  }
  return value;
};

/**
 * Validates `options` and applies the defaults.
 *
 * @throws LogtoError `config.invalid` naming the offending option.
 */
export function resolveVerifierOptions(
  options: AccessTokenVerifierOptions,
): ResolvedVerifierOptions {
  if (typeof options?.endpoint !== 'string' || !URL.canParse(options.endpoint)) {
    throw invalid('endpoint', 'must be the absolute URL of the Logto endpoint.');
  }
  const advice = issuerPathAdvice(options.endpoint);
  if (advice !== undefined) throw invalid('endpoint', advice);
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const audiences =
    options.audience === undefined ? undefined : nonEmptyStrings('audience', options.audience);
  if (audiences?.length === 0) throw invalid('audience', 'must name at least one resource.');
  const { organization } = options;
  const organizationOk = organization === true || typeof organization === 'function';
  if (
    organization !== undefined &&
    !organizationOk &&
    !(typeof organization === 'string' && organization)
  ) {
    throw invalid('organization', 'must be an organization ID, true, or a predicate.');
  }
  if (audiences === undefined && organization === undefined) {
    throw invalid(
      'audience',
      'is required: pass the API resource indicator (or `organization` for organization tokens).',
    );
  }
  const requiredScopes =
    options.requiredScopes === undefined
      ? []
      : nonEmptyStrings('requiredScopes', options.requiredScopes);
  const algorithms =
    options.algorithms === undefined
      ? undefined
      : nonEmptyStrings('algorithms', options.algorithms);
  if (algorithms !== undefined) {
    if (algorithms.length === 0 || !algorithms.every((alg) => SUPPORTED_ALGORITHMS.includes(alg))) {
      throw invalid(
        'algorithms',
        `may only list asymmetric algorithms (${SUPPORTED_ALGORITHMS.join(', ')}).`,
      );
    }
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw invalid('fetch', 'must be a function.');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw invalid('now', 'must be a function returning milliseconds.');
  return {
    endpoint,
    issuer: issuerOf(endpoint),
    audiences,
    organization,
    requiredScopes,
    clockTolerance: numberIn('clockTolerance', options.clockTolerance, 60, 0, 300),
    algorithms,
    cacheSize: Math.floor(numberIn('cacheSize', options.cacheSize, 1000, 0, 10_000_000)),
    fetch: fetchImpl,
    timeout: numberIn('timeout', options.timeout, 10_000, 1, 600_000),
    now,
  };
}
