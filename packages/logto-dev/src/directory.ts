import type { LogtoDevConfig, OrganizationConfig, UserConfig } from './config.js';

/** Logto's reserved resource for organization tokens, requested at sign-in with the organizations scope. */
export const organizationsResource = 'urn:logto:resource:organizations';
/** The scope that puts `organizations` in the ID token and allows organization tokens. */
export const organizationsScope = 'urn:logto:scope:organizations';
/** The scope that puts `organization_roles` in the ID token. */
export const organizationRolesScope = 'urn:logto:scope:organization_roles';
/** The Logto Management API's resource indicator on a self-hosted Logto (Logto Cloud: `https://<tenant-id>.logto.app/api`). */
export const managementApiResource = 'https://default.logto.app/api';
/** The Management API's one permission: everything. */
export const managementApiScope = 'all';

/** The audience of an organization token. */
export const organizationAudience = (organizationId: string): string =>
  `urn:logto:organization:${organizationId}`;

/** Read-only queries over a validated config: who is who, and who may do what. */
export class Directory {
  readonly #config: LogtoDevConfig;

  constructor(config: LogtoDevConfig) {
    this.#config = config;
  }

  /** The user with this id, if any. */
  userById(id: string): UserConfig | undefined {
    return this.#config.users.find((user) => user.id === id);
  }

  /** The user with this username and password, if both match. */
  authenticate(username: string, password: string): UserConfig | undefined {
    const user = this.#config.users.find((candidate) => candidate.username === username);
    return user && user.password === password ? user : undefined;
  }

  /** Whether `indicator` is a configured API resource or the organizations resource. */
  isKnownResource(indicator: string): boolean {
    return (
      indicator === organizationsResource ||
      indicator === managementApiResource ||
      this.#config.resources.some((r) => r.indicator === indicator)
    );
  }

  /** Every scope a resource defines (for the organizations resource: every organization permission). */
  resourceScopes(indicator: string): string[] {
    if (indicator === organizationsResource) {
      return [...new Set(this.#config.organizationRoles.flatMap((role) => role.scopes))];
    }
    if (indicator === managementApiResource) return [managementApiScope];
    return this.#config.resources.find((r) => r.indicator === indicator)?.scopes ?? [];
  }

  /** Access-token lifetime of a resource, in seconds. */
  resourceTtl(indicator: string): number {
    return this.#config.resources.find((r) => r.indicator === indicator)?.accessTokenTtl ?? 3600;
  }

  /** The scopes a machine-to-machine app's roles grant on a resource (only the Management API's `all`). */
  applicationResourceScopes(appId: string, indicator: string): string[] {
    const app = this.#config.applications.find((candidate) => candidate.id === appId);
    return app?.type === 'machine_to_machine' &&
      app.managementApiAccess === true &&
      indicator === managementApiResource
      ? [managementApiScope]
      : [];
  }

  /** The scopes the user's roles grant on a resource. */
  userResourceScopes(userId: string, indicator: string): string[] {
    const roleNames = new Set(this.userById(userId)?.roles ?? []);
    return unique(
      this.#config.roles
        .filter((role) => roleNames.has(role.name))
        .flatMap((role) => role.scopes.filter((s) => s.resource === indicator).map((s) => s.scope)),
    );
  }

  /** The organizations the user is a member of, with the member's roles. */
  memberships(userId: string): Array<{ organization: OrganizationConfig; roles: string[] }> {
    return this.#config.organizations.flatMap((organization) => {
      const member = organization.members.find((m) => m.userId === userId);
      return member ? [{ organization, roles: member.roles }] : [];
    });
  }

  /** The member's roles in an organization, or undefined for a non-member or an unknown organization. */
  organizationRoles(userId: string, organizationId: string): string[] | undefined {
    return this.memberships(userId).find((m) => m.organization.id === organizationId)?.roles;
  }

  /** Organization permissions of a member, from the member's organization roles. */
  organizationScopes(roleNames: string[]): string[] {
    return unique(
      this.#config.organizationRoles
        .filter((role) => roleNames.includes(role.name))
        .flatMap((role) => role.scopes),
    );
  }

  /** API permissions on a resource that a member's organization roles grant. */
  organizationResourceScopes(roleNames: string[], indicator: string): string[] {
    return unique(
      this.#config.organizationRoles
        .filter((role) => roleNames.includes(role.name))
        .flatMap((role) =>
          (role.resourceScopes ?? []).filter((s) => s.resource === indicator).map((s) => s.scope),
        ),
    );
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
