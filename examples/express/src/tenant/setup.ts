/**
 * Prepares a Logto tenant for the sample, idempotently: each step finds what is there and
 * creates only what is missing, and reports which it did.
 *
 * @module
 */
import { type ManagementClient, TenantSetupError } from './management-client.js';

/** What the sample needs in the tenant. */
export interface TenantPlan {
  /** The API resource indicator (`API_RESOURCE`, default `https://api.example.com`). */
  apiResource: string;
  /** The API permission the sample asks for (`API_SCOPE`, default `read:messages`). */
  apiScope: string;
  /** The user to give the roles and the organization to (`--user`); none: skip those steps. */
  username?: string;
  /** The sample app whose redirect URIs to register (`LOGTO_APP_ID`, with `--redirect-uris`). */
  appId?: string;
  /** `BASE_URL`: the redirect URIs are `<baseUrl>/callback` and `<baseUrl>/`. */
  baseUrl?: string;
}

/** One line of the report: what a step found, created or changed. */
export interface SetupStep {
  outcome: 'found' | 'created' | 'added' | 'updated';
  what: string;
}

/** Names the set-up gives what it creates (and looks for). */
export const setupNames = {
  resource: 'Logto sample API',
  role: 'Logto sample reader',
  organizationScope: 'read:members',
  organizationRole: 'Logto sample member',
  organization: 'Logto sample organization',
} as const;

interface Identified {
  id: string;
  name: string;
}

interface Resource extends Identified {
  indicator: string;
}

interface User extends Identified {
  username: string | null;
}

interface OrganizationRole extends Identified {
  scopes: Identified[];
  resourceScopes: Identified[];
}

interface Application {
  id: string;
  oidcClientMetadata: { redirectUris: string[]; postLogoutRedirectUris: string[] };
}

/**
 * Runs every step against the tenant and returns the report. Running it again finds everything
 * and changes nothing.
 *
 * @throws TenantSetupError when a step fails (e.g. the user does not exist).
 */
export async function setUpTenant(
  api: ManagementClient,
  plan: TenantPlan,
  report: (step: SetupStep) => void = () => {},
): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  const note = (outcome: SetupStep['outcome'], what: string) => {
    const step = { outcome, what };
    steps.push(step);
    report(step);
  };

  // The API resource and its permission.
  const resources = await api.list<Resource>('resources');
  let resource = resources.find((candidate) => candidate.indicator === plan.apiResource);
  if (resource) note('found', `API resource ${plan.apiResource}`);
  else {
    resource = await api.request<Resource>('POST', 'resources', {
      name: setupNames.resource,
      indicator: plan.apiResource,
    });
    note('created', `API resource ${plan.apiResource}`);
  }
  const scopes = await api.list<Identified>(`resources/${resource.id}/scopes`);
  let scope = scopes.find((candidate) => candidate.name === plan.apiScope);
  if (scope) note('found', `permission ${plan.apiScope} of ${plan.apiResource}`);
  else {
    scope = await api.request<Identified>('POST', `resources/${resource.id}/scopes`, {
      name: plan.apiScope,
      description: 'Read the example API messages (Logto sample)',
    });
    note('created', `permission ${plan.apiScope} of ${plan.apiResource}`);
  }

  // A user role that grants it.
  let role = (await api.list<Identified>('roles')).find((r) => r.name === setupNames.role);
  if (role) note('found', `role "${setupNames.role}"`);
  else {
    role = await api.request<Identified>('POST', 'roles', {
      name: setupNames.role,
      description: `Grants ${plan.apiScope} on ${plan.apiResource} (Logto sample)`,
      type: 'User',
    });
    note('created', `role "${setupNames.role}"`);
  }
  const roleScopes = await api.list<Identified>(`roles/${role.id}/scopes`);
  if (roleScopes.some((candidate) => candidate.id === scope.id)) {
    note('found', `role "${setupNames.role}" grants ${plan.apiScope}`);
  } else {
    await api.request('POST', `roles/${role.id}/scopes`, { scopeIds: [scope.id] });
    note('added', `${plan.apiScope} to role "${setupNames.role}"`);
  }

  // The organization permission and an organization role with it (plus the API permission, for
  // organization-scoped API tokens).
  let organizationScope = (await api.list<Identified>('organization-scopes')).find(
    (candidate) => candidate.name === setupNames.organizationScope,
  );
  if (organizationScope) note('found', `organization permission ${setupNames.organizationScope}`);
  else {
    organizationScope = await api.request<Identified>('POST', 'organization-scopes', {
      name: setupNames.organizationScope,
      description: 'Read the members of the organization (Logto sample)',
    });
    note('created', `organization permission ${setupNames.organizationScope}`);
  }
  let organizationRole = (await api.list<OrganizationRole>('organization-roles')).find(
    (candidate) => candidate.name === setupNames.organizationRole,
  );
  if (organizationRole) note('found', `organization role "${setupNames.organizationRole}"`);
  else {
    organizationRole = await api.request<OrganizationRole>('POST', 'organization-roles', {
      name: setupNames.organizationRole,
      description: `Grants ${setupNames.organizationScope} and ${plan.apiScope} (Logto sample)`,
    });
    note('created', `organization role "${setupNames.organizationRole}"`);
  }
  const organizationRoleId = organizationRole.id;
  const roleOrganizationScopes = await api.list<Identified>(
    `organization-roles/${organizationRoleId}/scopes`,
  );
  const organizationScopeId = organizationScope.id;
  if (roleOrganizationScopes.some((candidate) => candidate.id === organizationScopeId)) {
    note('found', `organization role grants ${setupNames.organizationScope}`);
  } else {
    await api.request('POST', `organization-roles/${organizationRoleId}/scopes`, {
      organizationScopeIds: [organizationScopeId],
    });
    note('added', `${setupNames.organizationScope} to the organization role`);
  }
  const roleResourceScopes = await api.list<Identified>(
    `organization-roles/${organizationRoleId}/resource-scopes`,
  );
  if (roleResourceScopes.some((candidate) => candidate.id === scope.id)) {
    note('found', `organization role grants ${plan.apiScope}`);
  } else {
    await api.request('POST', `organization-roles/${organizationRoleId}/resource-scopes`, {
      scopeIds: [scope.id],
    });
    note('added', `${plan.apiScope} to the organization role`);
  }

  // The user: the role, and a demo organization with both organization roles' worth of rights.
  if (plan.username !== undefined) {
    const user = await findUser(api, plan.username);
    const userRoles = await api.list<Identified>(`users/${user.id}/roles`);
    if (userRoles.some((candidate) => candidate.id === role.id)) {
      note('found', `user ${plan.username} has role "${setupNames.role}"`);
    } else {
      await api.request('POST', `users/${user.id}/roles`, { roleIds: [role.id] });
      note('added', `role "${setupNames.role}" to user ${plan.username}`);
    }
    let organization = (await api.list<Identified>('organizations')).find(
      (candidate) => candidate.name === setupNames.organization,
    );
    if (organization) note('found', `organization "${setupNames.organization}"`);
    else {
      organization = await api.request<Identified>('POST', 'organizations', {
        name: setupNames.organization,
        description: 'Created by npm run setup:tenant for the Logto sample',
      });
      note('created', `organization "${setupNames.organization}"`);
    }
    const members = await api.list<Identified>(`organizations/${organization.id}/users`);
    if (members.some((member) => member.id === user.id)) {
      note('found', `user ${plan.username} in the organization`);
    } else {
      await api.request('POST', `organizations/${organization.id}/users`, { userIds: [user.id] });
      note('added', `user ${plan.username} to the organization`);
    }
    const memberRoles = await api.list<Identified>(
      `organizations/${organization.id}/users/${user.id}/roles`,
    );
    if (memberRoles.some((candidate) => candidate.id === organizationRoleId)) {
      note('found', `user ${plan.username} has organization role "${setupNames.organizationRole}"`);
    } else {
      await api.request('POST', `organizations/${organization.id}/users/${user.id}/roles`, {
        organizationRoleIds: [organizationRoleId],
      });
      note('added', `organization role "${setupNames.organizationRole}" to user ${plan.username}`);
    }
  }

  // The sample app's redirect URIs.
  if (plan.appId !== undefined && plan.baseUrl !== undefined) {
    const origin = new URL(plan.baseUrl).origin;
    const app = await api.request<Application>('GET', `applications/${plan.appId}`);
    const { redirectUris, postLogoutRedirectUris } = app.oidcClientMetadata;
    const callback = `${origin}/callback`;
    const home = `${origin}/`;
    if (redirectUris.includes(callback) && postLogoutRedirectUris.includes(home)) {
      note('found', `redirect URIs ${callback} and ${home} on app ${plan.appId}`);
    } else {
      await api.request('PATCH', `applications/${plan.appId}`, {
        oidcClientMetadata: {
          redirectUris: redirectUris.includes(callback)
            ? redirectUris
            : [...redirectUris, callback],
          postLogoutRedirectUris: postLogoutRedirectUris.includes(home)
            ? postLogoutRedirectUris
            : [...postLogoutRedirectUris, home],
        },
      });
      note('updated', `redirect URIs ${callback} and ${home} on app ${plan.appId}`);
    }
  }
  return steps;
}

async function findUser(api: ManagementClient, username: string): Promise<User> {
  const users = await api.list<User>('users', {
    'search.username': username,
    'mode.username': 'exact',
  });
  const user = users.find((candidate) => candidate.username === username);
  if (!user) {
    throw new TenantSetupError(
      `There is no user with the username "${username}" in the tenant. Create the user (Console → User management), or sign in to the sample once to register, then run this again with --user <username>.`,
    );
  }
  return user;
}
