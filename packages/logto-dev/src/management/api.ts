/**
 * The few Logto Management API endpoints a set-up script needs (`/api/...`): API resources and
 * their permissions, roles, users' roles, organization permissions and roles, organizations and
 * their members, and an application's redirect URIs. Requests need a Management API token from a
 * machine-to-machine app (client credentials, resource `https://default.logto.app/api`, scope
 * `all`), as in Logto. Lists are paginated as Logto's (`page`, `page_size`, `Total-Number`).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, type JWK as JoseJwk, jwtVerify } from 'jose';
import type { JWK } from 'oidc-provider';
import { managementApiResource, managementApiScope } from '../directory.js';
import { readBody } from '../read-body.js';
import type { ManagementEntities } from './entities.js';

/** What the Management API needs from the running logto-dev. */
export interface ManagementApiContext {
  entities: ManagementEntities;
  issuer: string;
  /** The provider's current public signing keys. */
  publicKeys(): JWK[];
  /** An application's settings changed: the provider must reload its clients. */
  applicationsChanged(): void;
}

/** A Logto-shaped error answer: `{ message, code }` with a status. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (what: string) =>
  new ApiError(404, 'entity.not_found', `The ${what} with the given id was not found.`);

type Json = Record<string, unknown>;

interface Call {
  method: string;
  params: string[];
  query: URLSearchParams;
  body: Json;
  response: ServerResponse;
}

const maxBodyBytes = 64 * 1024;

async function readJson(request: IncomingMessage): Promise<Json> {
  const text = await readBody(
    request,
    maxBodyBytes,
    () => new ApiError(413, 'request.too_large', 'The body is too large.'),
  );
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  } catch {
    // Answered below.
  }
  throw new ApiError(400, 'guard.invalid_input', 'The body must be a JSON object.');
}

function send(response: ServerResponse, status: number, body?: unknown, total?: number): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (total !== undefined) headers['total-number'] = String(total);
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  headers['content-type'] = 'application/json; charset=utf-8';
  response.writeHead(status, headers).end(JSON.stringify(body));
}

/** Sends one page of `items`: `page` (from 1) and `page_size` (default 20, at most 100). */
function sendPage(call: Call, items: unknown[]): void {
  const page = Number(call.query.get('page') ?? '1');
  const size = Number(call.query.get('page_size') ?? '20');
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1 || size > 100) {
    throw new ApiError(400, 'guard.invalid_pagination', 'The pagination value is not valid.');
  }
  send(call.response, 200, items.slice((page - 1) * size, page * size), items.length);
}

function text(body: Json, key: string, required = true): string | undefined {
  const value = body[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ApiError(400, 'guard.invalid_input', `${key} must be a non-empty string.`);
  }
  return value;
}

function ids(body: Json, key: string): string[] {
  const value = body[key];
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string' || id === '')) {
    throw new ApiError(400, 'guard.invalid_input', `${key} must be an array of ids.`);
  }
  return value as string[];
}

function urls(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((uri) => typeof uri !== 'string' || !URL.canParse(uri))) {
    throw new ApiError(400, 'guard.invalid_input', `${key} must be an array of absolute URIs.`);
  }
  return value as string[];
}

const taken = (what: string) =>
  new ApiError(422, 'entity.unique_integrity_violation', `The ${what} is already in use.`);

type Route = [
  method: string,
  pattern: RegExp,
  handle: (call: Call, api: ManagementApiContext) => void,
];

const routes: Route[] = [
  ['GET', /^resources$/, (call, { entities }) => sendPage(call, entities.resources())],
  [
    'POST',
    /^resources$/,
    (call, { entities }) => {
      const name = text(call.body, 'name') as string;
      const indicator = text(call.body, 'indicator') as string;
      if (!URL.canParse(indicator)) {
        throw new ApiError(400, 'guard.invalid_input', 'indicator must be an absolute URI.');
      }
      if (entities.resources().some((resource) => resource.indicator === indicator)) {
        throw new ApiError(
          422,
          'resource.resource_indicator_already_exists',
          'The resource indicator is already in use.',
        );
      }
      const ttl = call.body.accessTokenTtl;
      send(
        call.response,
        201,
        entities.createResource(name, indicator, typeof ttl === 'number' ? ttl : undefined),
      );
    },
  ],
  [
    'GET',
    /^resources\/([^/]+)\/scopes$/,
    (call, { entities }) => sendPage(call, entities.scopes(resourceOf(call, entities))),
  ],
  [
    'POST',
    /^resources\/([^/]+)\/scopes$/,
    (call, { entities }) => {
      const resource = resourceOf(call, entities);
      const name = text(call.body, 'name') as string;
      if (resource.scopes.includes(name)) {
        throw new ApiError(422, 'scope.name_exists_in_resource', 'The scope name already exists.');
      }
      send(
        call.response,
        201,
        entities.createScope(resource, name, text(call.body, 'description', false)),
      );
    },
  ],
  ['GET', /^roles$/, (call, { entities }) => sendPage(call, entities.roles())],
  [
    'POST',
    /^roles$/,
    (call, { entities }) => {
      const name = text(call.body, 'name') as string;
      if (entities.roles().some((role) => role.name === name)) throw taken('role name');
      const type = call.body.type ?? 'User';
      if (type !== 'User') {
        throw new ApiError(400, 'guard.invalid_input', 'logto-dev supports only User roles.');
      }
      const created = entities.createRole(name, text(call.body, 'description', false));
      if (call.body.scopeIds !== undefined) {
        const role = entities.roleById(created.id);
        for (const id of ids(call.body, 'scopeIds')) role?.scopes.push(resourceScope(id, entities));
      }
      send(call.response, 200, created);
    },
  ],
  [
    'GET',
    /^roles\/([^/]+)\/scopes$/,
    (call, { entities }) => sendPage(call, entities.roleScopes(roleOf(call, entities))),
  ],
  [
    'POST',
    /^roles\/([^/]+)\/scopes$/,
    (call, { entities }) => {
      const role = roleOf(call, entities);
      for (const id of ids(call.body, 'scopeIds')) {
        const scope = resourceScope(id, entities);
        if (!role.scopes.some((s) => s.resource === scope.resource && s.scope === scope.scope)) {
          role.scopes.push(scope);
        }
      }
      send(call.response, 201, entities.roleScopes(role));
    },
  ],
  [
    'GET',
    /^users$/,
    (call, { entities }) => {
      const username = call.query.get('search.username');
      const exact = call.query.get('mode.username') === 'exact';
      const users = entities.users().filter((user) => {
        if (username === null) return true;
        const wanted = username.replaceAll('%', '').toLowerCase();
        const actual = user.username.toLowerCase();
        return exact ? actual === wanted : actual.includes(wanted);
      });
      sendPage(
        call,
        users.map((user) => entities.user(user)),
      );
    },
  ],
  [
    'GET',
    /^users\/([^/]+)\/roles$/,
    (call, { entities }) => sendPage(call, entities.userRoles(userOf(call, entities))),
  ],
  [
    'POST',
    /^users\/([^/]+)\/roles$/,
    (call, { entities }) => {
      const user = userOf(call, entities);
      const roleIds = ids(call.body, 'roleIds');
      const names = roleIds.map((id) => {
        const role = entities.roleById(id);
        if (!role) throw notFound('role');
        return role.name;
      });
      const added = names.filter((name) => !(user.roles ?? []).includes(name));
      user.roles = [...(user.roles ?? []), ...added];
      send(call.response, 201, {
        roleIds,
        addedRoleIds: roleIds.filter((_, index) => added.includes(names[index] ?? '')),
      });
    },
  ],
  [
    'GET',
    /^organization-scopes$/,
    (call, { entities }) => sendPage(call, entities.organizationScopes()),
  ],
  [
    'POST',
    /^organization-scopes$/,
    (call, { entities }) => {
      const name = text(call.body, 'name') as string;
      if (entities.organizationScopes().some((scope) => scope.name === name)) {
        throw taken('organization scope name');
      }
      send(
        call.response,
        201,
        entities.createOrganizationScope(name, text(call.body, 'description', false)),
      );
    },
  ],
  [
    'GET',
    /^organization-roles$/,
    (call, { entities }) =>
      sendPage(
        call,
        entities.organizationRoles().map((role) => entities.organizationRole(role)),
      ),
  ],
  [
    'POST',
    /^organization-roles$/,
    (call, { entities }) => {
      const name = text(call.body, 'name') as string;
      if (entities.organizationRoles().some((role) => role.name === name)) {
        throw taken('organization role name');
      }
      const scopes = (
        call.body.organizationScopeIds === undefined ? [] : ids(call.body, 'organizationScopeIds')
      ).map((id) => organizationScope(id, entities));
      const resourceScopes = (
        call.body.resourceScopeIds === undefined ? [] : ids(call.body, 'resourceScopeIds')
      ).map((id) => resourceScope(id, entities));
      const role = entities.createOrganizationRole(name, text(call.body, 'description', false));
      role.scopes.push(...scopes);
      role.resourceScopes?.push(...resourceScopes);
      send(call.response, 201, entities.organizationRole(role));
    },
  ],
  [
    'GET',
    /^organization-roles\/([^/]+)\/scopes$/,
    (call, { entities }) => {
      const role = organizationRoleOf(call, entities);
      sendPage(
        call,
        entities.organizationScopes().filter((scope) => role.scopes.includes(scope.name)),
      );
    },
  ],
  [
    'POST',
    /^organization-roles\/([^/]+)\/scopes$/,
    (call, { entities }) => {
      const role = organizationRoleOf(call, entities);
      for (const id of ids(call.body, 'organizationScopeIds')) {
        const name = organizationScope(id, entities);
        if (!role.scopes.includes(name)) role.scopes.push(name);
      }
      send(call.response, 201);
    },
  ],
  [
    'GET',
    /^organization-roles\/([^/]+)\/resource-scopes$/,
    (call, { entities }) =>
      sendPage(call, entities.organizationRoleResourceScopes(organizationRoleOf(call, entities))),
  ],
  [
    'POST',
    /^organization-roles\/([^/]+)\/resource-scopes$/,
    (call, { entities }) => {
      const role = organizationRoleOf(call, entities);
      role.resourceScopes ??= [];
      for (const id of ids(call.body, 'scopeIds')) {
        const scope = resourceScope(id, entities);
        if (
          !role.resourceScopes.some((s) => s.resource === scope.resource && s.scope === scope.scope)
        ) {
          role.resourceScopes.push(scope);
        }
      }
      send(call.response, 201);
    },
  ],
  [
    'GET',
    /^organizations$/,
    (call, { entities }) =>
      sendPage(
        call,
        entities.organizations().map((organization) => entities.organization(organization)),
      ),
  ],
  [
    'POST',
    /^organizations$/,
    (call, { entities }) => {
      const organization = entities.createOrganization(
        text(call.body, 'name') as string,
        text(call.body, 'description', false),
      );
      send(call.response, 201, entities.organization(organization));
    },
  ],
  [
    'GET',
    /^organizations\/([^/]+)\/users$/,
    (call, { entities }) => {
      const organization = organizationOf(call, entities);
      sendPage(
        call,
        organization.members.flatMap((member) => {
          const user = entities.userById(member.userId);
          if (!user) return [];
          return [
            { ...entities.user(user), organizationRoles: memberRoles(member.roles, entities) },
          ];
        }),
      );
    },
  ],
  [
    'POST',
    /^organizations\/([^/]+)\/users$/,
    (call, { entities }) => {
      const organization = organizationOf(call, entities);
      const userIds = ids(call.body, 'userIds');
      for (const userId of userIds) {
        if (!entities.userById(userId)) throw notFound('user');
        if (!organization.members.some((member) => member.userId === userId)) {
          organization.members.push({ userId, roles: [] });
        }
      }
      send(call.response, 201, { userIds });
    },
  ],
  [
    'GET',
    /^organizations\/([^/]+)\/users\/([^/]+)\/roles$/,
    (call, { entities }) => {
      const member = memberOf(call, entities);
      sendPage(call, memberRoles(member.roles, entities));
    },
  ],
  [
    'POST',
    /^organizations\/([^/]+)\/users\/([^/]+)\/roles$/,
    (call, { entities }) => {
      const member = memberOf(call, entities);
      const roleIds = ids(call.body, 'organizationRoleIds');
      for (const id of roleIds) {
        const role = entities.organizationRoleById(id);
        if (!role) throw notFound('organization role');
        if (!member.roles.includes(role.name)) member.roles.push(role.name);
      }
      send(call.response, 201, { organizationRoleIds: roleIds });
    },
  ],
  [
    'GET',
    /^applications\/([^/]+)$/,
    (call, { entities }) =>
      send(call.response, 200, entities.application(applicationOf(call, entities))),
  ],
  [
    'PATCH',
    /^applications\/([^/]+)$/,
    (call, api) => {
      const application = applicationOf(call, api.entities);
      const metadata = call.body.oidcClientMetadata;
      if (metadata !== undefined) {
        if (typeof metadata !== 'object' || metadata === null) {
          throw new ApiError(400, 'guard.invalid_input', 'oidcClientMetadata must be an object.');
        }
        const fields = metadata as Json;
        const redirectUris = urls(fields.redirectUris, 'redirectUris');
        const postLogoutRedirectUris = urls(
          fields.postLogoutRedirectUris,
          'postLogoutRedirectUris',
        );
        if (redirectUris !== undefined) application.redirectUris = redirectUris;
        if (postLogoutRedirectUris !== undefined) {
          application.postLogoutRedirectUris = postLogoutRedirectUris;
        }
        api.applicationsChanged();
      }
      send(call.response, 200, api.entities.application(application));
    },
  ],
];

const param = (call: Call, index: number) => call.params[index] ?? '';

/** Finds the entity whose id is the path's first parameter, or answers 404 naming `what`. */
const lookup =
  <T>(what: string, byId: (entities: ManagementEntities, id: string) => T | undefined) =>
  (call: Call, entities: ManagementEntities): T => {
    const entity = byId(entities, param(call, 0));
    if (entity === undefined) throw notFound(what);
    return entity;
  };

const resourceOf = lookup('resource', (entities, id) => entities.resourceById(id));
const roleOf = lookup('role', (entities, id) => entities.roleById(id));
const userOf = lookup('user', (entities, id) => entities.userById(id));
const organizationRoleOf = lookup('organization role', (entities, id) =>
  entities.organizationRoleById(id),
);
const organizationOf = lookup('organization', (entities, id) => entities.organizationById(id));

function memberOf(call: Call, entities: ManagementEntities) {
  const member = organizationOf(call, entities).members.find(
    (candidate) => candidate.userId === param(call, 1),
  );
  if (!member) {
    throw new ApiError(
      422,
      'organization.require_membership',
      'The user is not a member of the organization.',
    );
  }
  return member;
}

function applicationOf(call: Call, entities: ManagementEntities) {
  const application = entities.applicationById(param(call, 0));
  if (!application) throw notFound('application');
  return application;
}

function resourceScope(id: string, entities: ManagementEntities) {
  const scope = entities.scopeById(id);
  if (!scope) throw notFound('scope');
  return { resource: scope.resource.indicator, scope: scope.name };
}

function organizationScope(id: string, entities: ManagementEntities): string {
  const name = entities.organizationScopeById(id);
  if (name === undefined) throw notFound('organization scope');
  return name;
}

function memberRoles(names: string[], entities: ManagementEntities) {
  return entities
    .organizationRoles()
    .filter((role) => names.includes(role.name))
    .map((role) => ({ id: entities.organizationRoleId(role), name: role.name }));
}

/** Checks the bearer token as Logto does: a Management API token with the `all` permission. */
async function authorize(request: IncomingMessage, api: ManagementApiContext): Promise<void> {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) {
    throw new ApiError(
      401,
      'auth.authorization_header_missing',
      'Authorization header is missing.',
    );
  }
  let scope: unknown;
  try {
    ({
      payload: { scope },
    } = await jwtVerify(
      header.slice('Bearer '.length),
      createLocalJWKSet({ keys: api.publicKeys() as JoseJwk[] }),
      {
        issuer: api.issuer,
        audience: managementApiResource,
      },
    ));
  } catch {
    throw new ApiError(
      401,
      'auth.unauthorized',
      'Unauthorized. Please check credentials and its scope.',
    );
  }
  if (typeof scope !== 'string' || !scope.split(' ').includes(managementApiScope)) {
    throw new ApiError(
      403,
      'auth.forbidden',
      'Forbidden. Please check your user roles and permissions.',
    );
  }
}

/** Serves one request under `/api/`. */
export async function handleManagementApi(
  request: IncomingMessage,
  response: ServerResponse,
  api: ManagementApiContext,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://logto-dev');
  const path = url.pathname.slice('/api/'.length);
  try {
    const matches = routes.filter(([, pattern]) => pattern.test(path));
    if (matches.length === 0)
      throw new ApiError(404, 'route.not_found', 'logto-dev has no such Management API route.');
    const route = matches.find(([method]) => method === request.method);
    if (!route) throw new ApiError(405, 'route.method_not_allowed', 'Method not allowed.');
    await authorize(request, api);
    const [, pattern, handle] = route;
    const params = (pattern.exec(path) ?? []).slice(1).map((value) => decodeURIComponent(value));
    const body = request.method === 'GET' ? {} : await readJson(request);
    handle(
      { method: request.method ?? 'GET', params, query: url.searchParams, body, response },
      api,
    );
  } catch (error) {
    if (error instanceof ApiError) {
      send(response, error.status, { message: error.message, code: error.code });
      return;
    }
    throw error;
  }
}
