/**
 * The checks that depend on what one API route expects (audience, organization, scopes). They
 * run on every call, on cached tokens too, so one verified token can serve routes with different
 * requirements.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import type { AccessTokenClaims } from '../tokens/claims.js';
import type { OrganizationRule } from './options.js';

/** The audience prefix of Logto organization tokens. */
export const ORGANIZATION_AUDIENCE_PREFIX = 'urn:logto:organization:';

const missingScopesByError = new WeakMap<LogtoError, readonly string[]>();

/**
 * The scopes an `access_token.insufficient_scope` error found missing (empty for any other error).
 */
export function missingScopesOf(error: LogtoError): readonly string[] {
  return missingScopesByError.get(error) ?? [];
}

/** A failed check: 401 `invalid_token` (RFC 6750), no token content in the message. */
export function invalidToken(
  code: LogtoError['code'],
  message: string,
  cause?: unknown,
): LogtoError {
  return new LogtoError(code, message, { error: 'invalid_token', status: 401, cause });
}

const accepts = (rule: OrganizationRule, organizationId: string): boolean =>
  rule === true || (typeof rule === 'string' ? rule === organizationId : rule(organizationId));

/**
 * Checks `aud` and the organization: a resource token for one of `audiences`; with an
 * organization rule, an organization token (no `audiences`) or an organization-scoped API token.
 *
 * @throws LogtoError `access_token.invalid_audience` or `access_token.invalid_organization`.
 */
export function checkAudience(
  claims: AccessTokenClaims,
  audiences: readonly string[] | undefined,
  organization: OrganizationRule | undefined,
): void {
  const tokenAudiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  const organizationId = claims.organization_id;
  if (audiences !== undefined) {
    if (!tokenAudiences.some((aud) => audiences.includes(aud))) {
      throw invalidToken(
        'access_token.invalid_audience',
        `The access token is not for this API (expected the audience ${audiences.join(' or ')}).`,
      );
    }
    if (organization === undefined) {
      if (organizationId !== undefined) {
        throw invalidToken(
          'access_token.invalid_organization',
          'The access token is scoped to an organization, and this API does not accept organization-scoped tokens.',
        );
      }
      return;
    }
    if (typeof organizationId !== 'string' || !accepts(organization, organizationId)) {
      throw invalidToken(
        'access_token.invalid_organization',
        'The access token is not scoped to an organization this API accepts.',
      );
    }
    return;
  }
  if (organization === undefined) return;
  const organizationAudiences = tokenAudiences.filter((aud) =>
    aud.startsWith(ORGANIZATION_AUDIENCE_PREFIX),
  );
  const [audience] = organizationAudiences;
  if (audience === undefined || organizationAudiences.length !== 1) {
    throw invalidToken(
      'access_token.invalid_audience',
      'The access token is not an organization token (its audience is not urn:logto:organization:<id>).',
    );
  }
  const id = audience.slice(ORGANIZATION_AUDIENCE_PREFIX.length);
  if (
    id.length === 0 ||
    (organizationId !== undefined && organizationId !== id) ||
    !accepts(organization, id)
  ) {
    throw invalidToken(
      'access_token.invalid_organization',
      'The organization token is for an organization this API does not accept.',
    );
  }
}

/**
 * Checks that every required scope was granted.
 *
 * @throws LogtoError `access_token.insufficient_scope` (status 403); {@link missingScopesOf}
 *   lists the missing scopes.
 */
export function checkScopes(granted: ReadonlySet<string>, required: readonly string[]): void {
  if (required.length === 0) return;
  const missing = required.filter((scope) => !granted.has(scope));
  if (missing.length === 0) return;
  const error = new LogtoError(
    'access_token.insufficient_scope',
    `The access token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(' ')}. The app must request ${missing.length > 1 ? 'them' : 'it'} at sign-in, and in Logto the user needs a role that grants ${missing.length > 1 ? 'them' : 'it'} (an organization role for organization tokens); then get a new token.`,
    { error: 'insufficient_scope', status: 403 },
  );
  missingScopesByError.set(error, Object.freeze(missing));
  throw error;
}

/** The granted scopes of a `scope` claim. */
export function scopesOf(scope: unknown): ReadonlySet<string> {
  return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
}

/** The organization ID of an organization token or organization-scoped API token, if any. */
export function organizationIdOf(claims: AccessTokenClaims): string | undefined {
  if (typeof claims.organization_id === 'string') return claims.organization_id;
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  const audience = audiences.find((aud) => aud.startsWith(ORGANIZATION_AUDIENCE_PREFIX));
  return audience?.slice(ORGANIZATION_AUDIENCE_PREFIX.length);
}
