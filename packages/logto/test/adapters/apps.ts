/**
 * The same small app served by every adapter, so one specification runs against each of them.
 * Routes: `/` (never touches Logto), `/session-state` (every API's answer), `/protected`
 * (redirect guard), `/api/me` (401 guard), `/protected/userinfo`, `/resource`, `/resource/fresh`
 * (a new token on every call, so a Set-Cookie; `/resource/fresh/cached` also sets its own
 * Cache-Control), `/organization?id=`, `/tokens` (six cached tokens), and the adapter's helpers:
 * `/join?organization=` (signIn) and `/leave?to=` (signOut). `/guard/resource` and
 * `/guard/organization?id=` get their access token from the guard (`getAccessToken`), the
 * organization read from the request by each framework's own means.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import express5 from 'express';
import express4 from 'express4';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import Fastify4 from 'fastify4';
import { type Context, type Handler, Hono } from 'hono';
import { decodeJwt } from 'jose';
import * as expressAdapter from 'logto-ts/express';
import * as fastifyAdapter from 'logto-ts/fastify';
import * as honoAdapter from 'logto-ts/hono';
import * as webAdapter from 'logto-ts/web';
import type {
  AuthenticatedOptions,
  LogtoAdapterOptions,
  LogtoRequestContext,
} from '../../src/adapters/core/index.js';
import type { LogtoError } from '../../src/errors.js';

export const api = 'https://api.example.com';

interface AppRoute {
  guard?: AuthenticatedOptions;
  /** The guard's `organizationId` comes from the query parameter `id`, read from the framework's request. */
  organizationFromQuery?: true;
  /** A `Cache-Control` the route sets itself. */
  cacheControl?: string;
  handle: (context: LogtoRequestContext, query: URLSearchParams) => Promise<unknown>;
}

/** The audience and subject of the access token the guard put on the context. */
const tokenAudience = (context: LogtoRequestContext) => {
  const { aud, sub } = decodeJwt(context.accessToken ?? '');
  return { aud, sub };
};

/** The app's routes, written once. */
export const appRoutes: Readonly<Record<string, AppRoute>> = {
  '/': { handle: async () => ({ home: true }) },
  /** What every signed-in API says about the session (no guard): they must agree. */
  '/session-state': {
    handle: async (context) => ({
      isAuthenticated: await context.isAuthenticated(),
      sub: (await context.getIdTokenClaims())?.sub ?? null,
      clientIsAuthenticated: await context.client.isAuthenticated(),
      clientIdToken: (await context.client.getIdToken()) !== null,
    }),
  },
  '/protected': { guard: { redirect: true }, handle: async (context) => context.user },
  '/api/me': { guard: {}, handle: async (context) => context.user },
  '/protected/userinfo': {
    guard: { redirect: true, fetchUserInfo: true },
    handle: async (context) => context.user,
  },
  '/resource': {
    guard: {},
    handle: (context) => context.client.getAccessTokenClaims(api),
  },
  '/resource/fresh': {
    guard: {},
    handle: async (context) => {
      // A new token on every call: the session changes, so the response carries Set-Cookie.
      await context.client.clearAccessToken();
      return context.client.getAccessTokenClaims(api);
    },
  },
  '/resource/fresh/cached': {
    guard: {},
    cacheControl: 'private, max-age=60',
    handle: async (context) => {
      await context.client.clearAccessToken();
      return context.client.getAccessTokenClaims(api);
    },
  },
  '/guard/resource': {
    guard: { getAccessToken: true, resource: api },
    handle: async (context) => tokenAudience(context),
  },
  '/guard/organization': {
    guard: { getAccessToken: true },
    organizationFromQuery: true,
    handle: async (context) => tokenAudience(context),
  },
  /** `/resource/fresh` behind the guard's handler form (the middleware, on Hono). */
  '/guard/fresh': {
    guard: {},
    handle: async (context) => {
      await context.client.clearAccessToken();
      return context.client.getAccessTokenClaims(api);
    },
  },
  '/guard/organization-page': {
    guard: { redirect: true, getAccessToken: true },
    organizationFromQuery: true,
    handle: async (context) => tokenAudience(context),
  },
  '/organization': {
    guard: {},
    handle: (context, query) => context.client.getOrganizationTokenClaims(query.get('id') ?? ''),
  },
  '/tokens': {
    guard: {},
    handle: async (context) => {
      const { client } = context;
      await client.getAccessToken(api);
      await client.getOrganizationToken('acme');
      await client.getOrganizationToken('globex');
      await client.getAccessToken(api, 'acme');
      await client.getAccessToken(api, 'globex');
      const map = await (await context.getSession()).getItem('accessTokenMap');
      return { tokens: Object.keys(JSON.parse(map ?? '{}')).length };
    },
  },
};

/** What `/join?organization=` asks the adapter's `signIn` helper for. */
export const joinOptions = (query: URLSearchParams) => ({
  organizationId: query.get('organization') ?? 'acme',
  firstScreen: 'register' as const,
  returnTo: '/protected',
});

/** What `/leave?to=` asks the adapter's `signOut` helper for. */
export const leaveOptions = (query: URLSearchParams) => ({ returnTo: query.get('to') ?? '' });

const errorBody = (error: unknown) => ({
  error: (error as Partial<LogtoError>)?.code ?? 'internal',
});

/** Builds a Node request listener for the app on one adapter. */
export type AppBuilder = (options: LogtoAdapterOptions) => Promise<RequestListener>;

const expressApp =
  (express: typeof express5): AppBuilder =>
  async (options) => {
    const app = express();
    app.use(expressAdapter.logto(options));
    for (const [path, route] of Object.entries(appRoutes)) {
      const respond = async (req: express5.Request, res: express5.Response) => {
        const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
        if (route.cacheControl) res.set('cache-control', route.cacheControl);
        res.json(await route.handle(req.logto, query));
      };
      // Express 4 does not catch a rejected promise: the middleware form passes it to `next`.
      const handler = (
        req: express5.Request,
        res: express5.Response,
        next: express5.NextFunction,
      ) => {
        respond(req, res).catch(next);
      };
      const guard = route.guard && {
        ...route.guard,
        ...(route.organizationFromQuery && {
          organizationId: (req: express5.Request) => String(req.query.id ?? ''),
        }),
      };
      // The /guard/ routes use the handler form, the others the middleware form.
      if (guard && path.startsWith('/guard/')) {
        // The handler form takes the rejection itself (and answers a refused session as signed out).
        app.get(path, expressAdapter.authenticated(guard, respond));
      } else if (guard) {
        app.get(path, expressAdapter.authenticated(guard), handler);
      } else {
        app.get(path, handler);
      }
    }
    const queryOf = (req: express5.Request) =>
      new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    app.get('/join', (req, res, next) => {
      expressAdapter.signIn(req, res, joinOptions(queryOf(req))).catch(next);
    });
    app.get('/leave', (req, res, next) => {
      expressAdapter.signOut(req, res, leaveOptions(queryOf(req))).catch(next);
    });
    app.use(
      (
        error: unknown,
        _req: express5.Request,
        res: express5.Response,
        _next: express5.NextFunction,
      ) => {
        res.status(500).json(errorBody(error));
      },
    );
    return app as unknown as RequestListener;
  };

const honoApp: AppBuilder = async (options) => {
  const app = new Hono<honoAdapter.LogtoEnv>();
  app.use(honoAdapter.logto(options));
  for (const [path, route] of Object.entries(appRoutes)) {
    const handler: Handler<honoAdapter.LogtoEnv> = async (c) => {
      if (route.cacheControl) c.header('cache-control', route.cacheControl);
      return c.json(
        (await route.handle(c.get('logto'), new URL(c.req.url).searchParams)) as object,
      );
    };
    const guard =
      route.guard &&
      honoAdapter.authenticated({
        ...route.guard,
        ...(route.organizationFromQuery && { organizationId: (c: Context) => c.req.query('id') }),
      });
    if (guard) app.get(path, guard, handler);
    else app.get(path, handler);
  }
  app.get('/join', (c) => honoAdapter.signIn(c, joinOptions(new URL(c.req.url).searchParams)));
  app.get('/leave', (c) => honoAdapter.signOut(c, leaveOptions(new URL(c.req.url).searchParams)));
  app.onError((error, c) => c.json(errorBody(error), 500));
  return getRequestListener(app.fetch);
};

const fastifyApp = async (options: LogtoAdapterOptions, fastify = Fastify) => {
  let listener: RequestListener | undefined;
  const app = fastify({
    serverFactory: (handler) => {
      listener = handler as RequestListener;
      return createServer();
    },
  });
  await app.register(fastifyAdapter.logto(options));
  for (const [path, route] of Object.entries(appRoutes)) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      if (route.cacheControl) reply.header('cache-control', route.cacheControl);
      return route.handle(request.logto, new URLSearchParams(request.url.split('?')[1] ?? ''));
    };
    const guard = route.guard && {
      ...route.guard,
      ...(route.organizationFromQuery && {
        organizationId: (request: FastifyRequest) =>
          new URLSearchParams(request.url.split('?')[1] ?? '').get('id') ?? undefined,
      }),
    };
    // The /guard/ routes use the handler form, the others the preHandler form.
    if (guard && path.startsWith('/guard/')) {
      app.get(path, fastifyAdapter.authenticated(guard, handler));
    } else {
      app.get(path, guard ? { preHandler: fastifyAdapter.authenticated(guard) } : {}, handler);
    }
  }
  const queryOf = (url: string) => new URLSearchParams(url.split('?')[1] ?? '');
  app.get('/join', (request, reply) =>
    fastifyAdapter.signIn(request, reply, joinOptions(queryOf(request.url))),
  );
  app.get('/leave', (request, reply) =>
    fastifyAdapter.signOut(request, reply, leaveOptions(queryOf(request.url))),
  );
  app.setErrorHandler((error, _request, reply) => reply.code(500).send(errorBody(error)));
  await app.ready();
  if (!listener) throw new Error('fastify did not hand over its request handler');
  return listener;
};

const webApp: AppBuilder = async (options) => {
  const logto = webAdapter.createLogto(options);
  const dispatch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname === '/join') return logto.signIn(request, joinOptions(url.searchParams));
    if (url.pathname === '/leave') return logto.signOut(request, leaveOptions(url.searchParams));
    const route = appRoutes[url.pathname];
    if (!route) return new Response('not found', { status: 404 });
    const run = async (context: LogtoRequestContext) =>
      Response.json(
        await route.handle(context, url.searchParams),
        route.cacheControl ? { headers: { 'cache-control': route.cacheControl } } : {},
      );
    const guard = route.guard && {
      ...route.guard,
      ...(route.organizationFromQuery && {
        organizationId: (incoming: Request) => new URL(incoming.url).searchParams.get('id') ?? '',
      }),
    };
    return guard ? logto.authenticated(request, guard, run) : logto.withLogto(request, run);
  };
  return getRequestListener(async (request: Request) => {
    try {
      return (await logto.handle(request)) ?? (await dispatch(request));
    } catch (error) {
      return Response.json(errorBody(error), { status: 500 });
    }
  });
};

/** Every adapter under test. */
export const adapters: ReadonlyArray<{ name: string; build: AppBuilder }> = [
  { name: 'express 5', build: expressApp(express5) },
  { name: 'express 4', build: expressApp(express4 as typeof express5) },
  { name: 'hono', build: honoApp },
  { name: 'fastify', build: fastifyApp },
  { name: 'fastify 4', build: (options) => fastifyApp(options, Fastify4 as typeof Fastify) },
  { name: 'web', build: webApp },
];

/** A server on 127.0.0.1:0 whose listener can be swapped (to rebuild the app with other options). */
export interface AppServer {
  readonly origin: string;
  use(listener: RequestListener): void;
  close(): Promise<void>;
}

export const startAppServer = async (): Promise<AppServer> => {
  let current: RequestListener = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    use(listener) {
      current = listener;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
