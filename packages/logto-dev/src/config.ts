import { readFile } from 'node:fs/promises';

/**
 * An application registered with logto-dev: a traditional web app (a confidential client that
 * signs users in), or a machine-to-machine app (tokens for itself, by client credentials).
 */
export interface ApplicationConfig {
  /** `traditional` (default) or `machine_to_machine`. */
  type?: 'traditional' | 'machine_to_machine';
  /**
   * Machine-to-machine apps: whether the app holds a role with the Logto Management API's `all`
   * permission, so its tokens for the Management API work. Default `false`.
   */
  managementApiAccess?: boolean;
  /** The `client_id`. */
  id: string;
  /** The `client_secret`; both `client_secret_basic` and `client_secret_post` are accepted. */
  secret: string;
  /** Display name on the sign-in page. Default: the id. */
  name?: string;
  /** Absolute http(s) redirect URIs, compared exactly (none for a machine-to-machine app). */
  redirectUris: string[];
  /** Absolute http(s) URIs allowed as `post_logout_redirect_uri`. */
  postLogoutRedirectUris: string[];
  /** Where logout tokens are POSTed when a session of this app ends (OIDC Back-Channel Logout). */
  backchannelLogoutUri?: string;
  /**
   * Logto's "session required" switch of back-channel logout (`backchannelLogoutSessionRequired`):
   * when on, logout tokens and ID tokens carry `sid`; when off (the default, as in Logto), they
   * name only `sub`.
   */
  backchannelLogoutSessionRequired?: boolean;
}

/** A linked social identity, as Logto returns it in userinfo `identities`. */
export interface IdentityConfig {
  /** The user's id at the identity provider. */
  userId: string;
  /** Free-form profile details from the identity provider. */
  details?: Record<string, unknown>;
}

/** A user who can sign in with a username and password. */
export interface UserConfig {
  /** The `sub` claim. */
  id: string;
  username: string;
  password: string;
  name?: string;
  email?: string;
  emailVerified?: boolean;
  /** E.164 phone number. */
  phone?: string;
  phoneVerified?: boolean;
  /** Absolute URL of the avatar. */
  picture?: string;
  /** Returned as `custom_data` in userinfo (scope `custom_data`). */
  customData?: Record<string, unknown>;
  /** Keyed by the identity provider's target, e.g. `github`. */
  identities?: Record<string, IdentityConfig>;
  /** Names of {@link RoleConfig}s. */
  roles?: string[];
}

/** An API resource: access tokens for it are JWTs with `aud` = the indicator. */
export interface ResourceConfig {
  /** The resource indicator (an absolute URI). */
  indicator: string;
  name?: string;
  /** The permissions (scopes) the API defines. */
  scopes: string[];
  /** Access-token lifetime in seconds. Default 3600. */
  accessTokenTtl?: number;
}

/** One permission on one API resource. */
export interface ResourceScopeConfig {
  /** A resource indicator of {@link ResourceConfig}. */
  resource: string;
  /** One of that resource's scopes. */
  scope: string;
}

/** A user role: it grants scopes on API resources. */
export interface RoleConfig {
  name: string;
  scopes: ResourceScopeConfig[];
}

/** A member of an organization with its organization roles. */
export interface OrganizationMemberConfig {
  /** A {@link UserConfig} id. */
  userId: string;
  /** Names of {@link OrganizationRoleConfig}s. */
  roles: string[];
}

/** An organization (a tenant of the app). */
export interface OrganizationConfig {
  id: string;
  name: string;
  description?: string;
  members: OrganizationMemberConfig[];
}

/** An organization role of the organization template. */
export interface OrganizationRoleConfig {
  name: string;
  /** Organization permissions (in organization tokens). */
  scopes: string[];
  /** API permissions (in organization-scoped API tokens). */
  resourceScopes?: ResourceScopeConfig[];
}

/** Everything logto-dev serves: apps, users, API resources, roles and organizations. */
export interface LogtoDevConfig {
  applications: ApplicationConfig[];
  users: UserConfig[];
  resources: ResourceConfig[];
  roles: RoleConfig[];
  organizations: OrganizationConfig[];
  organizationRoles: OrganizationRoleConfig[];
}

/** The demo application's id. */
export const demoAppId = 'demo-app';
/** The demo application's secret. */
export const demoAppSecret = 'demo-app-secret-0123456789abcdef0123456789abcdef';

/** The demo configuration: one app, one API, two users, two organizations. A fresh deep copy each call. */
export function demoConfig(): LogtoDevConfig {
  const api = 'https://api.example.com';
  return {
    applications: [
      {
        id: demoAppId,
        secret: demoAppSecret,
        name: 'Demo app',
        redirectUris: ['http://localhost:3000/callback', 'http://127.0.0.1:3000/callback'],
        postLogoutRedirectUris: ['http://localhost:3000/', 'http://127.0.0.1:3000/'],
      },
    ],
    users: [
      {
        id: 'user-alice',
        username: 'alice',
        password: 'alice-password',
        name: 'Alice Liddell',
        email: 'alice@example.com',
        emailVerified: true,
        phone: '+15555550100',
        phoneVerified: true,
        picture: 'https://avatars.example.com/alice.png',
        customData: { plan: 'pro' },
        identities: { github: { userId: 'alice-gh-1865', details: { login: 'alice' } } },
        roles: ['message-admin'],
      },
      {
        id: 'user-bob',
        username: 'bob',
        password: 'bob-password',
        name: 'Bob',
        email: 'bob@example.com',
        emailVerified: true,
        roles: ['message-reader'],
      },
    ],
    resources: [
      {
        indicator: api,
        name: 'Example API',
        scopes: ['read:messages', 'write:messages'],
        accessTokenTtl: 3600,
      },
    ],
    roles: [
      {
        name: 'message-admin',
        scopes: [
          { resource: api, scope: 'read:messages' },
          { resource: api, scope: 'write:messages' },
        ],
      },
      { name: 'message-reader', scopes: [{ resource: api, scope: 'read:messages' }] },
    ],
    organizations: [
      {
        id: 'acme',
        name: 'Acme Inc.',
        description: 'Makers of everything',
        members: [{ userId: 'user-alice', roles: ['admin'] }],
      },
      {
        id: 'globex',
        name: 'Globex Corporation',
        members: [{ userId: 'user-alice', roles: ['member'] }],
      },
    ],
    organizationRoles: [
      {
        name: 'admin',
        scopes: ['read:members', 'invite:members'],
        resourceScopes: [
          { resource: api, scope: 'read:messages' },
          { resource: api, scope: 'write:messages' },
        ],
      },
      {
        name: 'member',
        scopes: ['read:members'],
        resourceScopes: [{ resource: api, scope: 'read:messages' }],
      },
    ],
  };
}

/** An invalid configuration; `field` is the path of the offending value, e.g. `applications[0].redirectUris[1]`. */
export class LogtoDevConfigError extends Error {
  /** Path of the offending value. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`Invalid logto-dev config: ${field}: ${problem}`);
    this.name = 'LogtoDevConfigError';
    this.field = field;
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Reader {
  constructor(
    private readonly value: Json,
    private readonly path: string,
  ) {}

  private fail(key: string, problem: string): never {
    throw new LogtoDevConfigError(this.at(key), problem);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  string(key: string): string {
    const value = this.value[key];
    if (typeof value !== 'string' || value.length === 0)
      this.fail(key, 'must be a non-empty string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.value[key] === undefined ? undefined : this.string(key);
  }

  url(key: string): string {
    const value = this.string(key);
    if (!isHttpUrl(value)) this.fail(key, 'must be an absolute http(s) URL');
    return value;
  }

  optionalUrl(key: string): string | undefined {
    return this.value[key] === undefined ? undefined : this.url(key);
  }

  boolean(key: string): boolean | undefined {
    const value = this.value[key];
    if (value !== undefined && typeof value !== 'boolean') this.fail(key, 'must be true or false');
    return value as boolean | undefined;
  }

  positiveInteger(key: string): number | undefined {
    const value = this.value[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      this.fail(key, 'must be a positive integer (seconds)');
    }
    return value;
  }

  object(key: string): Json | undefined {
    const value = this.value[key];
    if (value === undefined) return undefined;
    if (!isObject(value)) this.fail(key, 'must be a JSON object');
    return value;
  }

  /** Whether `key` is set. */
  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  /** The objects of the array under `key`, each read by `read`. */
  objects<T>(key: string, read: (item: Reader) => T, optional = false): T[] {
    return this.array(key, (item, path) => read(reader(item, path)), optional);
  }

  array<T>(key: string, read: (item: unknown, path: string) => T, optional = false): T[] {
    const value = this.value[key];
    if (value === undefined && optional) return [];
    if (!Array.isArray(value)) this.fail(key, 'must be an array');
    return value.map((item, index) => read(item, `${this.at(key)}[${index}]`));
  }
}

function isHttpUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:');
}

function reader(value: unknown, path: string): Reader {
  if (!isObject(value)) throw new LogtoDevConfigError(path, 'must be a JSON object');
  return new Reader(value, path);
}

function stringItem(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new LogtoDevConfigError(path, 'must be a non-empty string');
  return value;
}

function urlItem(value: unknown, path: string): string {
  const text = stringItem(value, path);
  if (!isHttpUrl(text)) throw new LogtoDevConfigError(path, 'must be an absolute http(s) URL');
  return text;
}

function resourceScope(value: unknown, path: string): ResourceScopeConfig {
  const r = reader(value, path);
  return { resource: r.string('resource'), scope: r.string('scope') };
}

/** An item reader of a name of one of `known` (an unknown one is refused as an unknown `what`). */
const nameOf =
  (known: readonly { name: string }[], what: string) =>
  (value: unknown, path: string): string => {
    const name = stringItem(value, path);
    if (!known.some((item) => item.name === name)) {
      throw new LogtoDevConfigError(path, `unknown ${what} "${name}"`);
    }
    return name;
  };

/** Throws when two of `items` (the config's `list`) share a `field`, naming the second. */
function unique<T>(items: readonly T[], list: string, field: keyof T & string, what: string): void {
  const seen = new Set<unknown>();
  items.forEach((item, index) => {
    const value = item[field];
    if (seen.has(value)) {
      throw new LogtoDevConfigError(`${list}[${index}].${field}`, `duplicate ${what} "${value}"`);
    }
    seen.add(value);
  });
}

/** Sets each of `values` that is given (an optional config field) on `target`. */
function setGiven<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) Object.assign(target, { [key]: value });
  }
}

/**
 * Checks a parsed JSON config and returns a typed copy.
 * @throws LogtoDevConfigError naming the offending field.
 */
export function validateConfig(input: unknown): LogtoDevConfig {
  if (!isObject(input)) throw new LogtoDevConfigError('config', 'must be a JSON object');
  const rootAt = new Reader(input, '');
  const applications = rootAt.objects('applications', (r) => {
    const app: ApplicationConfig = {
      id: r.string('id'),
      secret: r.string('secret'),
      redirectUris: r.array('redirectUris', urlItem, true),
      postLogoutRedirectUris: r.array('postLogoutRedirectUris', urlItem, true),
    };
    const type = r.optionalString('type');
    if (type !== undefined && type !== 'traditional' && type !== 'machine_to_machine') {
      throw new LogtoDevConfigError(r.at('type'), 'must be "traditional" or "machine_to_machine"');
    }
    setGiven(app, {
      name: r.optionalString('name'),
      backchannelLogoutUri: r.optionalUrl('backchannelLogoutUri'),
      backchannelLogoutSessionRequired: r.boolean('backchannelLogoutSessionRequired'),
      type,
      managementApiAccess: r.boolean('managementApiAccess'),
    });
    if (app.redirectUris.length === 0 && type !== 'machine_to_machine')
      throw new LogtoDevConfigError(r.at('redirectUris'), 'must list at least one URI');
    if (app.secret.length < 32)
      throw new LogtoDevConfigError(r.at('secret'), 'must be at least 32 characters');
    return app;
  });
  if (applications.length === 0)
    throw new LogtoDevConfigError('applications', 'must list at least one application');
  unique(applications, 'applications', 'id', 'application id');

  const resources = rootAt.objects(
    'resources',
    (r) => {
      const resource: ResourceConfig = {
        indicator: r.string('indicator'),
        scopes: r.array('scopes', stringItem),
      };
      if (!URL.canParse(resource.indicator)) {
        throw new LogtoDevConfigError(r.at('indicator'), 'must be an absolute URI');
      }
      if (resource.indicator.startsWith('urn:logto:')) {
        throw new LogtoDevConfigError(r.at('indicator'), 'urn:logto: indicators are reserved');
      }
      setGiven(resource, {
        name: r.optionalString('name'),
        accessTokenTtl: r.positiveInteger('accessTokenTtl'),
      });
      return resource;
    },
    true,
  );
  unique(resources, 'resources', 'indicator', 'resource indicator');
  /** Reads a permission of one of the resources. */
  const knownScope = (value: unknown, path: string): ResourceScopeConfig => {
    const scope = resourceScope(value, path);
    const resource = resources.find((r) => r.indicator === scope.resource);
    if (!resource)
      throw new LogtoDevConfigError(`${path}.resource`, `unknown resource "${scope.resource}"`);
    if (!resource.scopes.includes(scope.scope)) {
      throw new LogtoDevConfigError(
        `${path}.scope`,
        `resource "${scope.resource}" has no scope "${scope.scope}"`,
      );
    }
    return scope;
  };

  const roles = rootAt.objects(
    'roles',
    (r): RoleConfig => ({ name: r.string('name'), scopes: r.array('scopes', knownScope) }),
    true,
  );
  unique(roles, 'roles', 'name', 'role name');

  const users = rootAt.objects('users', (r) => {
    const user: UserConfig = {
      id: r.string('id'),
      username: r.string('username'),
      password: r.string('password'),
    };
    setGiven(user, {
      name: r.optionalString('name'),
      email: r.optionalString('email'),
      phone: r.optionalString('phone'),
      picture: r.optionalUrl('picture'),
      emailVerified: r.boolean('emailVerified'),
      phoneVerified: r.boolean('phoneVerified'),
      customData: r.object('customData'),
    });
    const identities = r.object('identities');
    if (identities !== undefined) {
      user.identities = {};
      for (const [target, identity] of Object.entries(identities)) {
        const ir = reader(identity, `${r.at('identities')}.${target}`);
        const entry: IdentityConfig = { userId: ir.string('userId') };
        setGiven(entry, { details: ir.object('details') });
        user.identities[target] = entry;
      }
    }
    if (r.has('roles')) user.roles = r.array('roles', nameOf(roles, 'role'));
    return user;
  });
  unique(users, 'users', 'id', 'user id');
  unique(users, 'users', 'username', 'username');

  const organizationRoles = rootAt.objects(
    'organizationRoles',
    (r) => {
      const role: OrganizationRoleConfig = {
        name: r.string('name'),
        scopes: r.array('scopes', stringItem, true),
      };
      if (r.has('resourceScopes')) role.resourceScopes = r.array('resourceScopes', knownScope);
      return role;
    },
    true,
  );
  unique(organizationRoles, 'organizationRoles', 'name', 'organization role name');

  const organizations = rootAt.objects(
    'organizations',
    (r) => {
      const organization: OrganizationConfig = {
        id: r.string('id'),
        name: r.string('name'),
        members: r.objects(
          'members',
          (m) => {
            const userId = m.string('userId');
            if (!users.some((u) => u.id === userId)) {
              throw new LogtoDevConfigError(m.at('userId'), `unknown user "${userId}"`);
            }
            return {
              userId,
              roles: m.array('roles', nameOf(organizationRoles, 'organization role')),
            };
          },
          true,
        ),
      };
      setGiven(organization, { description: r.optionalString('description') });
      return organization;
    },
    true,
  );
  unique(organizations, 'organizations', 'id', 'organization id');

  return { applications, users, resources, roles, organizations, organizationRoles };
}

/** Reads and validates a JSON config file. */
export async function loadConfigFile(path: string): Promise<LogtoDevConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new Error(`Cannot read the logto-dev config file ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new Error(
      `The logto-dev config file ${path} is not valid JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
  return validateConfig(parsed);
}
