/**
 * The config seen as Logto's Management API sees it: entities with ids. Reads and writes go
 * straight to the config object the provider serves from, so a resource, role or organization
 * created here takes effect at the next sign-in or token request.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type {
  ApplicationConfig,
  LogtoDevConfig,
  OrganizationConfig,
  OrganizationRoleConfig,
  ResourceConfig,
  ResourceScopeConfig,
  RoleConfig,
  UserConfig,
} from '../config.js';

/** A Management API resource: `{ id, name, indicator, accessTokenTtl }`. */
export interface ResourceEntity {
  id: string;
  tenantId: string;
  name: string;
  indicator: string;
  isDefault: boolean;
  accessTokenTtl: number;
}

/** A permission of an API resource. */
export interface ScopeEntity {
  id: string;
  tenantId: string;
  resourceId: string;
  name: string;
  description: string | null;
}

/** A user role. */
export interface RoleEntity {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  type: 'User';
  isDefault: boolean;
}

/** An organization permission, or an organization role. */
export interface NamedEntity {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
}

const tenantId = 'default';

/** Logto's ids: 21 lowercase letters and digits. */
const newId = (): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(21)].map((byte) => alphabet[byte % alphabet.length]).join('');
};

/** The Management API's view of one logto-dev config. */
export class ManagementEntities {
  readonly #config: LogtoDevConfig;
  readonly #ids = new Map<string, string>();
  readonly #descriptions = new Map<string, string>();
  /** Organization permissions created before any organization role holds them. */
  readonly #organizationScopes = new Set<string>();

  constructor(config: LogtoDevConfig) {
    this.#config = config;
  }

  /** A stable id per entity key, made on first sight. */
  #id(key: string): string {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = newId();
      this.#ids.set(key, id);
    }
    return id;
  }

  #describe(key: string, description: string | undefined): void {
    if (description !== undefined) this.#descriptions.set(key, description);
  }

  // Resources and their permissions.

  resources(): ResourceEntity[] {
    return this.#config.resources.map((resource) => this.#resource(resource));
  }

  #resource(resource: ResourceConfig): ResourceEntity {
    return {
      id: this.#id(`resource:${resource.indicator}`),
      tenantId,
      name: resource.name ?? resource.indicator,
      indicator: resource.indicator,
      isDefault: false,
      accessTokenTtl: resource.accessTokenTtl ?? 3600,
    };
  }

  resourceById(id: string): ResourceConfig | undefined {
    return this.#config.resources.find(
      (resource) => this.#id(`resource:${resource.indicator}`) === id,
    );
  }

  createResource(name: string, indicator: string, accessTokenTtl?: number): ResourceEntity {
    const resource: ResourceConfig = { indicator, name, scopes: [] };
    if (accessTokenTtl !== undefined) resource.accessTokenTtl = accessTokenTtl;
    this.#config.resources.push(resource);
    return this.#resource(resource);
  }

  scopes(resource: ResourceConfig): ScopeEntity[] {
    return resource.scopes.map((name) => this.#scope(resource, name));
  }

  #scope(resource: ResourceConfig, name: string): ScopeEntity {
    const key = `scope:${resource.indicator}:${name}`;
    return {
      id: this.#id(key),
      tenantId,
      resourceId: this.#id(`resource:${resource.indicator}`),
      name,
      description: this.#descriptions.get(key) ?? null,
    };
  }

  createScope(resource: ResourceConfig, name: string, description?: string): ScopeEntity {
    resource.scopes.push(name);
    this.#describe(`scope:${resource.indicator}:${name}`, description);
    return this.#scope(resource, name);
  }

  /** A resource permission by id, with its resource. */
  scopeById(id: string): { resource: ResourceConfig; name: string } | undefined {
    for (const resource of this.#config.resources) {
      for (const name of resource.scopes) {
        if (this.#id(`scope:${resource.indicator}:${name}`) === id) return { resource, name };
      }
    }
    return undefined;
  }

  // User roles.

  roles(): RoleEntity[] {
    return this.#config.roles.map((role) => this.#role(role));
  }

  #role(role: RoleConfig): RoleEntity {
    const key = `role:${role.name}`;
    return {
      id: this.#id(key),
      tenantId,
      name: role.name,
      description: this.#descriptions.get(key) ?? role.name,
      type: 'User',
      isDefault: false,
    };
  }

  roleById(id: string): RoleConfig | undefined {
    return this.#config.roles.find((role) => this.#id(`role:${role.name}`) === id);
  }

  createRole(name: string, description: string | undefined): RoleEntity {
    const role: RoleConfig = { name, scopes: [] };
    this.#config.roles.push(role);
    this.#describe(`role:${name}`, description);
    return this.#role(role);
  }

  roleScopes(role: RoleConfig): ScopeEntity[] {
    return this.#scopesOf(role.scopes);
  }

  /** The permissions `scopes` name, as entities (those of a resource since deleted left out). */
  #scopesOf(scopes: readonly ResourceScopeConfig[]): ScopeEntity[] {
    return scopes.flatMap((scope) => {
      const resource = this.#config.resources.find((r) => r.indicator === scope.resource);
      return resource ? [this.#scope(resource, scope.scope)] : [];
    });
  }

  // Users.

  users(): UserConfig[] {
    return this.#config.users;
  }

  userById(id: string): UserConfig | undefined {
    return this.#config.users.find((user) => user.id === id);
  }

  /** A user as the Management API shows one (no password). */
  user(user: UserConfig): Record<string, unknown> {
    return {
      id: user.id,
      tenantId,
      username: user.username,
      primaryEmail: user.email ?? null,
      primaryPhone: user.phone ?? null,
      name: user.name ?? null,
      avatar: user.picture ?? null,
      customData: user.customData ?? {},
      isSuspended: false,
    };
  }

  userRoles(user: UserConfig): RoleEntity[] {
    return (user.roles ?? []).flatMap((name) => {
      const role = this.#config.roles.find((candidate) => candidate.name === name);
      return role ? [this.#role(role)] : [];
    });
  }

  // Organization permissions and roles.

  organizationScopes(): NamedEntity[] {
    const names = new Set([
      ...this.#config.organizationRoles.flatMap((role) => role.scopes),
      ...this.#organizationScopes,
    ]);
    return [...names].map((name) => this.#organizationScope(name));
  }

  #organizationScope(name: string): NamedEntity {
    const key = `organization-scope:${name}`;
    return {
      id: this.#id(key),
      tenantId,
      name,
      description: this.#descriptions.get(key) ?? null,
    };
  }

  organizationScopeById(id: string): string | undefined {
    return this.organizationScopes().find((scope) => scope.id === id)?.name;
  }

  createOrganizationScope(name: string, description?: string): NamedEntity {
    this.#organizationScopes.add(name);
    this.#describe(`organization-scope:${name}`, description);
    return this.#organizationScope(name);
  }

  organizationRoles(): OrganizationRoleConfig[] {
    return this.#config.organizationRoles;
  }

  /** An organization role with its permissions, as `GET /api/organization-roles` lists it. */
  organizationRole(role: OrganizationRoleConfig): Record<string, unknown> {
    const key = `organization-role:${role.name}`;
    return {
      id: this.#id(key),
      tenantId,
      name: role.name,
      description: this.#descriptions.get(key) ?? null,
      type: 'User',
      scopes: role.scopes.map((name) => {
        const { id } = this.#organizationScope(name);
        return { id, name };
      }),
      resourceScopes: this.organizationRoleResourceScopes(role).map((scope) => ({
        id: scope.id,
        name: scope.name,
        resource: { id: scope.resourceId },
      })),
    };
  }

  organizationRoleId(role: OrganizationRoleConfig): string {
    return this.#id(`organization-role:${role.name}`);
  }

  organizationRoleById(id: string): OrganizationRoleConfig | undefined {
    return this.#config.organizationRoles.find((role) => this.organizationRoleId(role) === id);
  }

  createOrganizationRole(name: string, description?: string): OrganizationRoleConfig {
    const role: OrganizationRoleConfig = { name, scopes: [], resourceScopes: [] };
    this.#config.organizationRoles.push(role);
    this.#describe(`organization-role:${name}`, description);
    return role;
  }

  organizationRoleResourceScopes(role: OrganizationRoleConfig): ScopeEntity[] {
    return this.#scopesOf(role.resourceScopes ?? []);
  }

  // Organizations.

  organizations(): OrganizationConfig[] {
    return this.#config.organizations;
  }

  organization(organization: OrganizationConfig): Record<string, unknown> {
    return {
      id: organization.id,
      tenantId,
      name: organization.name,
      description: organization.description ?? null,
      customData: {},
      isMfaRequired: false,
    };
  }

  organizationById(id: string): OrganizationConfig | undefined {
    return this.#config.organizations.find((organization) => organization.id === id);
  }

  createOrganization(name: string, description?: string): OrganizationConfig {
    const organization: OrganizationConfig = { id: newId(), name, members: [] };
    if (description !== undefined) organization.description = description;
    this.#config.organizations.push(organization);
    return organization;
  }

  // Applications.

  applicationById(id: string): ApplicationConfig | undefined {
    return this.#config.applications.find((application) => application.id === id);
  }

  application(application: ApplicationConfig): Record<string, unknown> {
    return {
      id: application.id,
      tenantId,
      name: application.name ?? application.id,
      type: application.type === 'machine_to_machine' ? 'MachineToMachine' : 'Traditional',
      oidcClientMetadata: {
        redirectUris: application.redirectUris,
        postLogoutRedirectUris: application.postLogoutRedirectUris,
      },
    };
  }
}
