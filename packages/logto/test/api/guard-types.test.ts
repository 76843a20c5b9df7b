/**
 * Each framework's `requireAccessToken` types what it sets, with no cast: `req.auth` (Express),
 * `c.get('auth')` (Hono) and `request.auth` (Fastify) are the verified claims in the handler that
 * follows the guard. The `expectTypeOf` and `@ts-expect-error` lines are checked by the type check
 * (`npm run typecheck`); every route also answers a real request here, so the handlers holding
 * them run.
 */
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { LogtoEnv } from '../../src/adapters/hono/index.js';
import * as expressApi from '../../src/api/express.js';
import { requireAccessToken as expressGuard } from '../../src/api/express.js';
import * as fastifyApi from '../../src/api/fastify.js';
import { requireAccessToken as fastifyGuard } from '../../src/api/fastify.js';
import * as honoApi from '../../src/api/hono.js';
import { type AccessTokenEnv, requireAccessToken as honoGuard } from '../../src/api/hono.js';
import {
  type AccessTokenClaims,
  type AccessTokenVerifier,
  createAccessTokenVerifier,
} from '../../src/api/index.js';
import { accessTokenClaims, signAccessToken } from '../support/access-tokens.js';
import { type HostileProvider, startHostileProvider } from '../support/hostile-provider.js';

const api = 'https://api.example.com';
type Claims = Readonly<AccessTokenClaims>;

let provider: HostileProvider;
let verifier: AccessTokenVerifier;
let authorization: string;
beforeAll(async () => {
  provider = await startHostileProvider();
  verifier = createAccessTokenVerifier({ endpoint: provider.endpoint, audience: api });
  authorization = `Bearer ${await signAccessToken(accessTokenClaims(provider, api), provider.signingKey)}`;
});
afterAll(async () => {
  await provider.close();
});

/** `GET path` with the token on a listening Express app: the JSON answer. */
async function getFromExpress(app: express.Express, path: string): Promise<unknown> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const response = await fetch(`http://127.0.0.1:${address.port}${path}`, {
      headers: { authorization },
    });
    return await response.json();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('logto-ts/api/express', () => {
  it('types req.auth as the claims in the handler after the guard', async () => {
    const app = express();
    app.get('/me', expressGuard(verifier), (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<Claims>();
      expectTypeOf(req.auth.sub).toEqualTypeOf<string>();
      res.json({ sub: req.auth.sub });
    });
    expect(await getFromExpress(app, '/me')).toEqual({ sub: 'user-1' });
  });

  it('composes with express-jwt style request types (express.Request & { auth?: T })', async () => {
    type JwtStyleRequest = express.Request & { auth?: { sub?: string; scope?: string } };
    expectTypeOf<JwtStyleRequest['auth']['sub']>().toEqualTypeOf<string>();
    // A handler written for such a type still fits after the guard.
    const handler = (req: JwtStyleRequest, res: express.Response) => {
      res.json({ sub: req.auth?.sub, scope: req.auth?.scope });
    };
    const app = express();
    app.get('/me', expressGuard(verifier), handler);
    expect(await getFromExpress(app, '/me')).toEqual({ sub: 'user-1', scope: 'read:messages' });
  });
});

describe('logto-ts/api/hono', () => {
  /** What a Hono app answers, in JSON. */
  interface Requestable {
    request(path: string, init: RequestInit): Response | Promise<Response>;
  }
  const get = async (app: Requestable, path: string, headers: Record<string, string> = {}) =>
    (await app.request(path, { headers })).json();

  it("types c.get('auth') in the same route by inference, with no env on the app", async () => {
    const app = new Hono();
    app.get('/me', honoGuard(verifier), (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<Claims>();
      expectTypeOf(c.get('auth').sub).toEqualTypeOf<string>();
      return c.json({ sub: c.get('auth').sub });
    });
    app.get('/open', (c) =>
      // @ts-expect-error: no guard on this route, so no `auth` variable.
      c.json({ auth: c.get('auth') ?? null }),
    );
    expect(await get(app, '/me', { authorization })).toEqual({ sub: 'user-1' });
    expect(await get(app, '/open')).toEqual({ auth: null });
  });

  it('types it in routes behind app.use with AccessTokenEnv, also next to LogtoEnv', async () => {
    const app = new Hono<AccessTokenEnv>();
    app.use('/api/*', honoGuard(verifier));
    app.get('/api/me', (c) => c.json({ sub: c.get('auth').sub }));
    const both = new Hono<LogtoEnv & AccessTokenEnv>();
    both.use('/api/*', honoGuard(verifier));
    both.get('/api/me', (c) => {
      expectTypeOf(c.get('auth').sub).toEqualTypeOf<string>();
      return c.json({ sub: c.get('auth').sub });
    });
    expect(await get(app, '/api/me', { authorization })).toEqual({ sub: 'user-1' });
    expect(await get(both, '/api/me', { authorization })).toEqual({
      sub: 'user-1',
    });
  });

  it('types it on the routes chained after app.use', async () => {
    const app = new Hono()
      .use('/api/*', honoGuard(verifier))
      .get('/api/me', (c) => c.json({ sub: c.get('auth').sub }));
    expect(await get(app, '/api/me', { authorization })).toEqual({ sub: 'user-1' });
  });
});

describe('logto-ts/api/fastify', () => {
  it('types request.auth as the claims (preHandler or onRequest), and the route params of organizationFrom', async () => {
    const app = Fastify();
    app.get('/me', { preHandler: fastifyGuard(verifier) }, async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<Claims>();
      expectTypeOf(request.auth.sub).toEqualTypeOf<string>();
      return { sub: request.auth.sub };
    });
    app.get('/early', { onRequest: fastifyGuard(verifier) }, async (request) => ({
      sub: request.auth.sub,
    }));
    app.get<{ Params: { id: string } }>(
      '/organizations/:id',
      { preHandler: fastifyGuard(verifier, { organizationFrom: (r) => r.params.id }) },
      async (request) => {
        expectTypeOf(request.params.id).toEqualTypeOf<string>();
        return { sub: request.auth.sub, organization: request.auth.organization_id };
      },
    );
    try {
      const token = await signAccessToken(
        accessTokenClaims(provider, api, { organization_id: 'org-1' }),
        provider.signingKey,
      );
      const headers = { authorization: `Bearer ${token}` };
      const own = await app.inject({ url: '/organizations/org-1', headers });
      expect(own.json()).toEqual({ sub: 'user-1', organization: 'org-1' });
      const other = await app.inject({ url: '/organizations/org-2', headers });
      expect(other.statusCode).toBe(401);
      for (const url of ['/me', '/early']) {
        const response = await app.inject({ url, headers: { authorization } });
        expect(response.json()).toEqual({ sub: 'user-1' });
      }
    } finally {
      await app.close();
    }
  });
});

it.each([
  ['express', expressApi],
  ['hono', honoApi],
  ['fastify', fastifyApi],
])('logto-ts/api/%s exports one guard, under the same name as the others', (_name, module) => {
  expect(Object.keys(module)).toEqual(['requireAccessToken']);
});
