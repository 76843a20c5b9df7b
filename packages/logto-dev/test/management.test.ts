/**
 * The Management API subset: Logto's token rules (client credentials, the Management API
 * resource, the `all` permission) and Logto-shaped answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, type LogtoDev, startLogtoDev } from '../src/index.js';

const withAccess = { id: 'm2m-admin', secret: 'm2m-admin-secret-0123456789abcdef0123456789' };
const withoutAccess = { id: 'm2m-plain', secret: 'm2m-plain-secret-0123456789abcdef0123456789' };

let dev: LogtoDev;

beforeAll(async () => {
  const config = demoConfig();
  config.applications.push(
    {
      ...withAccess,
      type: 'machine_to_machine',
      managementApiAccess: true,
      redirectUris: [],
      postLogoutRedirectUris: [],
    },
    { ...withoutAccess, type: 'machine_to_machine', redirectUris: [], postLogoutRedirectUris: [] },
  );
  dev = await startLogtoDev({ port: 0, config });
});

afterAll(async () => {
  await dev?.stop();
});

async function token(app: { id: string; secret: string }) {
  const response = await fetch(`${dev.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: 'https://default.logto.app/api',
      scope: 'all',
    }),
  });
  return (await response.json()) as { access_token: string; scope?: string };
}

describe('the Management API', () => {
  it('grants the all permission only to a machine-to-machine app that holds it', async () => {
    expect((await token(withAccess)).scope).toBe('all');
    expect((await token(withoutAccess)).scope).toBeUndefined();
  });

  it('answers 401 without a token and 403 for a token without all, in Logto shape', async () => {
    const anonymous = await fetch(`${dev.endpoint}/api/resources`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'auth.authorization_header_missing' });
    const { access_token } = await token(withoutAccess);
    const forbidden = await fetch(`${dev.endpoint}/api/resources`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({
      message: 'Forbidden. Please check your user roles and permissions.',
      code: 'auth.forbidden',
    });
  });

  it('lists by page with a Total-Number header, and refuses a duplicate resource indicator', async () => {
    const { access_token } = await token(withAccess);
    const headers = { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };
    const list = await fetch(`${dev.endpoint}/api/resources?page=1&page_size=1`, { headers });
    expect(list.headers.get('total-number')).toBe('1');
    expect(await list.json()).toMatchObject([{ indicator: 'https://api.example.com' }]);
    const duplicate = await fetch(`${dev.endpoint}/api/resources`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'again', indicator: 'https://api.example.com' }),
    });
    expect(duplicate.status).toBe(422);
  });
});
