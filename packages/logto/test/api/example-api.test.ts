/**
 * The example API end to end: real tokens from a real logto-dev, sent over HTTP to the example
 * Express app.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LogtoDev, startLogtoDev } from 'logto-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '../../../../examples/api/src/app.js';
import type { LogtoClient } from '../../src/index.js';
import { api, signedIn } from './support.js';

let dev: LogtoDev;
let server: Server;
let base: string;
let alice: LogtoClient;
let bob: LogtoClient;

beforeAll(async () => {
  dev = await startLogtoDev({ port: 0 });
  server = createApiApp({ endpoint: dev.endpoint }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  alice = await signedIn(dev, 'alice');
  bob = await signedIn(dev, 'bob');
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await dev.stop();
});

const get = (path: string, token?: string) =>
  fetch(
    `${base}${path}`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );

describe('GET /api/messages', () => {
  it('answers the messages for an API token with read:messages', async () => {
    const response = await get('/api/messages', await alice.getAccessToken(api));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: string; messages: unknown[] };
    expect(body.user).toBe('user-alice');
    expect(body.messages.length).toBeGreaterThan(0);
  });

  it('answers bob too (his role grants read:messages)', async () => {
    const response = await get('/api/messages', await bob.getAccessToken(api));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: string }).user).toBe('user-bob');
  });

  it('answers 401 without a token, with a bare Bearer challenge', async () => {
    const response = await get('/api/messages');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="https://api.example.com"');
  });

  it('answers 403 insufficient_scope, naming read:messages, for a token without it', async () => {
    const client = await signedIn(dev, 'alice', []);
    const response = await get('/api/messages', await client.getAccessToken(api));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="read:messages"');
  });

  it('answers 401 invalid_token for an organization token (wrong audience)', async () => {
    const response = await get('/api/messages', await alice.getOrganizationToken('acme'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('GET /api/organizations/:id/members', () => {
  it('answers what the organization token of that organization says, with read:members', async () => {
    const response = await get(
      '/api/organizations/acme/members',
      await alice.getOrganizationToken('acme'),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      organizationId: 'acme',
      user: 'user-alice',
      scope: expect.stringContaining('read:members'),
      audience: 'urn:logto:organization:acme',
    });
  });

  it('answers 401 for a token of another organization', async () => {
    const response = await get(
      '/api/organizations/globex/members',
      await alice.getOrganizationToken('acme'),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers 401 for an API token on the organization route', async () => {
    const response = await get('/api/organizations/acme/members', await alice.getAccessToken(api));
    expect(response.status).toBe(401);
  });

  it('answers 403 insufficient_scope, naming read:members, for an organization token without it', async () => {
    const client = await signedIn(dev, 'alice', ['urn:logto:scope:organizations']);
    const response = await get(
      '/api/organizations/acme/members',
      await client.getOrganizationToken('acme'),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="read:members"');
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});

it('answers 404 JSON for unknown routes', async () => {
  const response = await get('/api/nothing');
  expect(response.status).toBe(404);
});
