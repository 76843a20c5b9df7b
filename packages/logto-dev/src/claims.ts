import type { UserConfig } from './config.js';
import { type Directory, organizationRolesScope, organizationsScope } from './directory.js';

/** Claims each scope releases (Logto's scope → claim table). */
export const scopeClaims: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['name', 'username', 'picture', 'created_at', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  custom_data: ['custom_data'],
  identities: ['identities', 'sso_identities'],
  roles: ['roles'],
  [organizationsScope]: ['organizations', 'organization_data'],
  [organizationRolesScope]: ['organization_roles'],
};

/** Claims Logto releases only from userinfo, never in the ID token. */
const userinfoOnly = new Set(['custom_data', 'identities', 'sso_identities', 'organization_data']);

/** When the demo users were "created": fixed, so tokens are reproducible across runs. */
const createdAt = Date.UTC(2024, 0, 1);

/** Every claim the user has, for `use` ('id_token' or 'userinfo'); oidc-provider filters by scope. */
export function userClaims(
  directory: Directory,
  user: UserConfig,
  use: string,
): Record<string, unknown> {
  const memberships = directory.memberships(user.id);
  const claims: Record<string, unknown> = {
    sub: user.id,
    name: user.name ?? null,
    username: user.username,
    picture: user.picture ?? null,
    created_at: createdAt,
    updated_at: createdAt,
    email: user.email ?? null,
    email_verified: user.emailVerified ?? false,
    phone_number: user.phone ?? null,
    phone_number_verified: user.phoneVerified ?? false,
    roles: user.roles ?? [],
    organizations: memberships.map((m) => m.organization.id),
    organization_roles: memberships.flatMap((m) =>
      m.roles.map((role) => `${m.organization.id}:${role}`),
    ),
    custom_data: user.customData ?? {},
    identities: user.identities ?? {},
    sso_identities: [],
    organization_data: memberships.map((m) => ({
      id: m.organization.id,
      name: m.organization.name,
      description: m.organization.description ?? null,
    })),
  };
  if (use === 'id_token') for (const claim of userinfoOnly) delete claims[claim];
  return claims;
}
