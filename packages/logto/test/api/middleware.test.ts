/**
 * The middlewares of each framework answer per RFC 6750: the same table of requests, the same
 * status, `WWW-Authenticate` and JSON body, whatever the framework.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Fastify4 from 'fastify4';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAccessToken as expressGuard } from '../../src/api/express.js';
import { requireAccessToken as fastifyGuard } from '../../src/api/fastify.js';
import { requireAccessToken as honoGuard } from '../../src/api/hono.js';
import {
  type AccessTokenVerifier,
  authorizeBearer,
  authorizeRequest,
  createAccessTokenVerifier,
  readBearerToken,
} from '../../src/api/index.js';
import { accessTokenClaims, signAccessToken } from '../support/access-tokens.js';
import {
  generateTestKey,
  type HostileProvider,
  respond,
  signCompact,
  startHostileProvider,
} from '../support/hostile-provider.js';

const api = 'https://api.example.com';
const realm = `realm="${api}"`;

interface Answer {
  status: number;
  wwwAuthenticate: string | null;
  cacheControl: string | null;
  body: unknown;
}

/** One framework: a server whose `GET /messages` needs `read:messages` and answers `{ sub }`. */
interface Harness {
  request(authorization?: string): Promise<Answer>;
  close(): Promise<void>;
}

const fromResponse = async (response: Response): Promise<Answer> => ({
  status: response.status,
  wwwAuthenticate: response.headers.get('www-authenticate'),
  cacheControl: response.headers.get('cache-control'),
  body: await response.json(),
});

const fetchFrom = (base: string) => async (authorization?: string) =>
  fromResponse(
    await fetch(
      `${base}/messages`,
      authorization === undefined ? {} : { headers: { authorization } },
    ),
  );

/** One Express app (4 or 5) guarded by its `requireAccessToken`, with a 503 error handler. */
async function expressHarness(
  createApp: () => express.Express,
  verifier: AccessTokenVerifier,
): Promise<Harness> {
  const app = createApp();
  app.get(
    '/messages',
    expressGuard(verifier, { requiredScopes: ['read:messages'] }),
    (req, res) => {
      res.json({ sub: req.auth.sub });
    },
  );
  app.use(((error, _req, res, _next) => {
    res.status(503).json({ error: 'server_error', code: (error as { code?: string }).code });
  }) as express.ErrorRequestHandler);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    request: fetchFrom(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One Fastify app (4 or 5) guarded by its `requireAccessToken`, with a 503 error handler. */
async function fastifyHarness(
  fastify: typeof Fastify,
  verifier: AccessTokenVerifier,
): Promise<Harness> {
  const app = fastify();
  app.get(
    '/messages',
    { preHandler: fastifyGuard(verifier, { requiredScopes: ['read:messages'] }) },
    async (request) => ({ sub: request.auth.sub }),
  );
  app.setErrorHandler((error, _request, reply) => {
    void reply.code(503).send({ error: 'server_error', code: (error as { code?: string }).code });
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { request: fetchFrom(address), close: () => app.close() };
}

const harnesses: Record<string, (verifier: AccessTokenVerifier) => Promise<Harness>> = {
  express: (verifier) => expressHarness(express, verifier),
  'express 4': (verifier) => expressHarness(express4 as typeof express, verifier),
  async hono(verifier) {
    const app = new Hono();
    app.get('/messages', honoGuard(verifier, { requiredScopes: ['read:messages'] }), (c) =>
      c.json({ sub: c.get('auth').sub }),
    );
    app.onError((error, c) =>
      c.json({ error: 'server_error', code: (error as { code?: string }).code }, 503),
    );
    return {
      request: async (authorization) =>
        fromResponse(
          await app.request(
            '/messages',
            authorization === undefined ? {} : { headers: { authorization } },
          ),
        ),
      close: async () => undefined,
    };
  },
  fastify: (verifier) => fastifyHarness(Fastify, verifier),
  'fastify 4': (verifier) => fastifyHarness(Fastify4 as typeof Fastify, verifier),
  async web(verifier) {
    const handle = async (request: Request): Promise<Response> => {
      try {
        const auth = await authorizeRequest(verifier, request, {
          requiredScopes: ['read:messages'],
        });
        if (auth instanceof Response) return auth;
        return Response.json({ sub: auth.claims.sub });
      } catch (error) {
        return Response.json(
          { error: 'server_error', code: (error as { code?: string }).code },
          { status: 503 },
        );
      }
    };
    return {
      request: async (authorization) =>
        fromResponse(
          await handle(
            new Request(
              'http://api.test/messages',
              authorization === undefined ? {} : { headers: { authorization } },
            ),
          ),
        ),
      close: async () => undefined,
    };
  },
};

let provider: HostileProvider;
beforeAll(async () => {
  provider = await startHostileProvider();
});
afterAll(async () => {
  await provider.close();
});

const claims = (extra: Record<string, unknown> = {}) => accessTokenClaims(provider, api, extra);
const sign = (payload = claims(), key = provider.signingKey) => signAccessToken(payload, key);

describe.each(Object.keys(harnesses))('%s', (name) => {
  let harness: Harness;
  beforeAll(async () => {
    const build = harnesses[name];
    if (!build) throw new Error(name);
    harness = await build(
      createAccessTokenVerifier({ endpoint: provider.endpoint, audience: api }),
    );
  });
  afterAll(async () => {
    await harness.close();
  });

  it('lets a valid token through and exposes its claims as auth', async () => {
    const answer = await harness.request(`Bearer ${await sign()}`);
    expect(answer).toMatchObject({ status: 200, body: { sub: 'user-1' } });
  });

  it('accepts the scheme in any case', async () => {
    expect((await harness.request(`bearer ${await sign()}`)).status).toBe(200);
  });

  it('answers 401 with a bare challenge (no error attribute) when no token is sent', async () => {
    const answer = await harness.request();
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toBe(`Bearer ${realm}`);
    expect(answer.cacheControl).toBe('no-store');
    expect(answer.body).toEqual({ error: 'unauthorized', error_description: expect.any(String) });
  });

  it('treats another scheme as no token', async () => {
    const answer = await harness.request('Basic dXNlcjpwYXNz');
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toBe(`Bearer ${realm}`);
  });

  it.each([
    ['an empty bearer token', 'Bearer '],
    ['a token with spaces', 'Bearer abc def'],
    ['garbage', 'Bearer not-a-jwt'],
  ])('answers 401 invalid_token for %s', async (_case, authorization) => {
    const answer = await harness.request(authorization);
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toMatch(
      new RegExp(`^Bearer ${realm}, error="invalid_token", error_description="[^"\\\\]+"$`),
    );
    expect(answer.body).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
  });

  it('answers 401 invalid_token for an expired token, saying so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(claims({ iat: now - 7200, exp: now - 3600 }));
    const answer = await harness.request(`Bearer ${token}`);
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toContain('error="invalid_token"');
    expect(answer.body).toEqual({
      error: 'invalid_token',
      error_description: 'The access token has expired. Get a new one.',
    });
  });

  it('answers 401 invalid_token for a token of a foreign key, without echoing the token', async () => {
    const foreign = await generateTestKey('ES384');
    const token = await sign(claims(), foreign);
    const answer = await harness.request(`Bearer ${token}`);
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toContain('error="invalid_token"');
    for (const part of token.split('.')) {
      expect(answer.wwwAuthenticate).not.toContain(part);
      expect(JSON.stringify(answer.body)).not.toContain(part);
    }
  });

  it('answers 403 insufficient_scope naming the missing scopes', async () => {
    const answer = await harness.request(
      `Bearer ${await sign(claims({ scope: 'write:messages' }))}`,
    );
    expect(answer.status).toBe(403);
    expect(answer.wwwAuthenticate).toMatch(
      new RegExp(
        `^Bearer ${realm}, error="insufficient_scope", error_description="[^"\\\\]+", scope="read:messages"$`,
      ),
    );
    expect(answer.body).toMatchObject({ error: 'insufficient_scope' });
  });
});

describe('not the token fault', () => {
  it.each(Object.keys(harnesses))(
    '%s: a JWKS that cannot be fetched goes to the framework error path, not a 401',
    async (name) => {
      const broken = await startHostileProvider();
      broken.handle('jwks', respond.html(502));
      const harness = await harnesses[name]?.(
        createAccessTokenVerifier({ endpoint: broken.endpoint, audience: api }),
      );
      try {
        const token = await signCompact(
          { alg: 'ES384', typ: 'at+jwt', kid: broken.signingKey.publicJwk.kid },
          { ...claims(), iss: broken.issuer },
          broken.signingKey.privateKey,
        );
        const answer = await harness?.request(`Bearer ${token}`);
        expect(answer).toMatchObject({ status: 503, body: { code: 'provider.invalid_response' } });
      } finally {
        await harness?.close();
        await broken.close();
      }
    },
  );
});

describe('authorizeBearer and readBearerToken', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['Basic abc', undefined],
    ['Bearer', null],
    ['Bearer ', null],
    ['Bearer a b', null],
    ['Bearer abc.def-ghi_jkl', 'abc.def-ghi_jkl'],
    ['  Bearer   abc  ', 'abc'],
    ['BEARER abc==', 'abc=='],
  ])('reads %j as %j', (header, expected) => {
    expect(readBearerToken(header)).toBe(expected);
  });

  it('uses the realm option in the challenge', async () => {
    const verifier = createAccessTokenVerifier({ endpoint: provider.endpoint, audience: api });
    const result = await authorizeBearer(verifier, undefined, { realm: 'messages' });
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer realm="messages"' },
    });
    if (!result.ok) expect(result.error.code).toBe('access_token.missing');
  });
});

it('logto-ts/api imports no web framework at runtime (type-only imports)', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const dir = new URL('../../src/api/', import.meta.url);
  const frameworkImports: string[] = [];
  for (const file of await readdir(dir)) {
    // The code only: the module comments show how an app imports its framework.
    const source = (await readFile(new URL(file, dir), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '');
    for (const match of source.matchAll(
      /\b(import|export)\b[^;]*?from\s+'(express|hono|fastify)[^']*'/g,
    )) {
      frameworkImports.push(match[0]);
      expect(match[0]).toMatch(/^import type /);
    }
  }
  expect(frameworkImports).toHaveLength(3);
});
