/**
 * `npm run setup:tenant` against logto-dev's Management API over HTTP: a tenant without the
 * sample's resource, roles or organization gets them; a second run changes nothing; the user then
 * gets the tokens the sample needs; each misconfiguration fails with a message naming its fix.
 */
import {
  completeSignIn,
  demoConfig,
  type LogtoDev,
  type LogtoDevConfig,
  startLogtoDev,
} from 'logto-dev';
import { LogtoClient, MemoryStorage, UserInfoScope } from 'logto-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetupCommand } from '../src/tenant/cli.js';

const api = 'https://api.example.com';
const m2m = { id: 'm2m-setup', secret: 'm2m-setup-secret-0123456789abcdef0123456789' };
const m2mWithoutAccess = {
  id: 'm2m-no-access',
  secret: 'm2m-no-access-secret-0123456789abcdef0123',
};

/** A tenant as a developer starts with: the app and users, nothing of the sample's API. */
function freshTenant(): LogtoDevConfig {
  const config = demoConfig();
  config.resources = [];
  config.roles = [];
  config.organizations = [];
  config.organizationRoles = [];
  for (const user of config.users) delete user.roles;
  config.applications.push(
    {
      ...m2m,
      type: 'machine_to_machine',
      managementApiAccess: true,
      redirectUris: [],
      postLogoutRedirectUris: [],
    },
    {
      ...m2mWithoutAccess,
      type: 'machine_to_machine',
      redirectUris: [],
      postLogoutRedirectUris: [],
    },
  );
  return config;
}

let dev: LogtoDev;

beforeAll(async () => {
  dev = await startLogtoDev({ port: 0, config: freshTenant() });
});

afterAll(async () => {
  await dev?.stop();
});

const env = (extra: Record<string, string> = {}) => ({
  LOGTO_ENDPOINT: dev.endpoint,
  LOGTO_M2M_APP_ID: m2m.id,
  LOGTO_M2M_APP_SECRET: m2m.secret,
  LOGTO_APP_ID: 'demo-app',
  BASE_URL: 'http://localhost:4567',
  ...extra,
});

/** Runs the command; returns its exit code and what it printed. */
async function run(args: string[], variables: Record<string, string | undefined>) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runSetupCommand(args, variables, {
    log: (line) => lines.push(line),
    error: (line) => errors.push(line),
  });
  return { code, lines, errors };
}

const snapshot = () => JSON.stringify(dev.config);

describe('setup:tenant', () => {
  it('creates the resource, permission, roles, organization and membership, and registers the redirect URIs', async () => {
    const first = await run(['--user', 'alice', '--redirect-uris'], env());
    expect(first.errors).toEqual([]);
    expect(first.code).toBe(0);
    const text = first.lines.join('\n');
    for (const line of [
      `created  API resource ${api}`,
      `created  permission read:messages of ${api}`,
      'created  role "Logto sample reader"',
      'added    read:messages to role "Logto sample reader"',
      'created  organization permission read:members',
      'created  organization role "Logto sample member"',
      'added    read:members to the organization role',
      'added    read:messages to the organization role',
      'added    role "Logto sample reader" to user alice',
      'created  organization "Logto sample organization"',
      'added    user alice to the organization',
      'added    organization role "Logto sample member" to user alice',
      'updated  redirect URIs http://localhost:4567/callback and http://localhost:4567/ on app demo-app',
    ]) {
      expect(text).toContain(line);
    }
    expect(dev.config.applications[0]?.redirectUris).toContain('http://localhost:4567/callback');
    expect(dev.config.applications[0]?.postLogoutRedirectUris).toContain('http://localhost:4567/');
  });

  it('changes nothing when run again: every step reports what it found', async () => {
    const before = snapshot();
    const second = await run(['--user', 'alice', '--redirect-uris'], env());
    expect(second.code).toBe(0);
    const steps = second.lines.filter((line) => line.startsWith('  '));
    expect(steps).toHaveLength(13);
    for (const step of steps) expect(step).toMatch(/^ {2}found {3}/);
    expect(second.lines).toContain('Nothing to change: the tenant is ready.');
    expect(snapshot()).toBe(before);
  });

  it("gives the user what the sample's pages need: the API permission, the organization token and the organization-scoped API token", async () => {
    const client = new LogtoClient(
      {
        endpoint: dev.endpoint,
        appId: 'demo-app',
        appSecret: dev.config.applications[0]?.secret ?? '',
        scopes: [UserInfoScope.Organizations, 'read:messages', 'read:members'],
        resources: [api],
      },
      { storage: new MemoryStorage() },
    );
    const redirectUri = 'http://localhost:4567/callback';
    await client.handleSignInCallback(
      await completeSignIn(await client.signIn({ redirectUri }), {
        username: 'alice',
        password: 'alice-password',
      }),
    );
    expect((await client.getAccessTokenClaims(api)).scope).toBe('read:messages');
    const [organizationId] = ((await client.getIdTokenClaims())?.organizations ?? []) as string[];
    expect(organizationId).toMatch(/^[a-z0-9]{21}$/);
    expect((await client.getOrganizationTokenClaims(organizationId ?? '')).scope).toBe(
      'read:members',
    );
    expect((await client.getAccessTokenClaims(api, organizationId)).scope).toBe('read:messages');
  });

  it('says how to give a machine-to-machine app access when it has no Management API role', async () => {
    const result = await run(
      ['--user', 'alice'],
      env({ LOGTO_M2M_APP_ID: m2mWithoutAccess.id, LOGTO_M2M_APP_SECRET: m2mWithoutAccess.secret }),
    );
    expect(result.code).toBe(1);
    expect(result.errors.join('\n')).toContain(
      'The machine-to-machine app has no access to the Logto Management API (https://default.logto.app/api)',
    );
    expect(result.errors.join('\n')).toContain('permission "all"');
  });

  it('names the fix for wrong credentials, a web app in place of a machine-to-machine one, and a wrong Management API resource', async () => {
    const wrongSecret = await run(
      [],
      env({ LOGTO_M2M_APP_SECRET: 'not-the-secret-0123456789abcdef' }),
    );
    expect(wrongSecret.errors.join('')).toContain(
      'Check LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET',
    );

    const webApp = await run(
      [],
      env({
        LOGTO_M2M_APP_ID: 'demo-app',
        LOGTO_M2M_APP_SECRET: dev.config.applications[0]?.secret ?? '',
      }),
    );
    expect(webApp.errors.join('')).toContain('must be a "Machine-to-machine" application');

    const cloudResource = await run(['--management-api', 'https://abc123.logto.app/api'], env());
    expect(cloudResource.errors.join('')).toContain(
      'Logto does not know the Management API resource https://abc123.logto.app/api',
    );
  });

  it('names a missing user and missing variables', async () => {
    const noUser = await run(['--user', 'nobody'], env());
    expect(noUser.code).toBe(1);
    expect(noUser.errors.join('')).toContain('There is no user with the username "nobody"');

    const noEnv = await run([], {});
    expect(noEnv.code).toBe(1);
    expect(noEnv.errors.join('')).toContain(
      'Set LOGTO_ENDPOINT, LOGTO_M2M_APP_ID, LOGTO_M2M_APP_SECRET',
    );
  });

  it('reports Logto Cloud tenants by their own Management API resource', async () => {
    const { managementApiResourceFor } = await import('../src/tenant/management-client.js');
    expect(managementApiResourceFor('https://abc123.logto.app')).toBe(
      'https://abc123.logto.app/api',
    );
    expect(managementApiResourceFor('https://auth.example.com')).toBe(
      'https://default.logto.app/api',
    );
  });
});
