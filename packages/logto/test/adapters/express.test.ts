/**
 * What only the Express adapter has to get right, on Express 4 and 5: Set-Cookie on responses
 * that a route writes itself (streamed), errors through `next(err)`, bodies parsed before it.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import express5 from 'express';
import express4 from 'express4';
import type { LogtoDev } from 'logto-dev';
import { authenticated, logto } from 'logto-ts/express';
import { createRedisSessionStore } from 'logto-ts/redis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LogtoAdapterOptions } from '../../src/adapters/core/index.js';
import { LogtoError } from '../../src/errors.js';
import { startHostileProvider } from '../support/hostile-provider.js';
import { type AppServer, api, startAppServer } from './apps.js';
import { Browser } from './browser.js';
import {
  adapterOptions,
  json,
  revokeAtLogto,
  secret,
  signIn,
  startDevFor,
} from './spec-support.js';

const versions = [
  { name: 'express 5', express: express5 },
  { name: 'express 4', express: express4 as typeof express5 },
];

const errorHandler = (
  error: unknown,
  _req: express5.Request,
  res: express5.Response,
  _next: express5.NextFunction,
) => {
  res.status(500).json({ error: (error as { code?: string }).code ?? 'internal' });
};

describe.each(versions)('$name', ({ express }) => {
  let server: AppServer;
  let dev: LogtoDev;
  let options: LogtoAdapterOptions;

  beforeAll(async () => {
    server = await startAppServer();
    dev = await startDevFor(server.origin);
    options = adapterOptions(dev, server.origin);
  });
  afterAll(async () => {
    await server?.close();
    await dev?.stop();
  });

  const serve = (build: (app: express5.Express) => void) => {
    const app = express();
    build(app);
    app.use(errorHandler);
    server.use(app as unknown as RequestListener);
  };

  it('writes the session cookie before a streamed response that a route writes after refreshing a token', async () => {
    serve((app) => {
      app.use(logto(options));
      app.get('/stream', authenticated(), (req, res, next) => {
        req.logto.client.getAccessToken(api).then(() => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('a');
          res.write('b');
          res.end('c');
        }, next);
      });
    });
    const browser = new Browser(server.origin);
    await signIn(browser);
    const first = await browser.get('/stream');
    expect(await first.text()).toBe('abc');
    expect(first.headers.getSetCookie().length).toBeGreaterThan(0);
    dev.resetRequests();
    const second = await browser.get('/stream');
    expect(await second.text()).toBe('abc');
    expect(dev.requests.filter((request) => request.path === '/oidc/token')).toEqual([]);
  });

  it('sends Set-Cookie from a route that refreshed a token, and none from a read-only route', async () => {
    serve((app) => {
      app.use(logto(options));
      app.get('/read', authenticated(), (req, res) => {
        res.json({ sub: req.logto.user?.sub });
      });
      app.get('/refresh', authenticated(), (req, res, next) => {
        req.logto.client.getAccessToken(api).then((token) => {
          res.json({ token: token.length > 0 });
        }, next);
      });
    });
    const browser = new Browser(server.origin);
    await signIn(browser);
    const read = await browser.get('/read');
    expect(await json(read)).toEqual({ sub: 'user-alice' });
    expect(read.headers.getSetCookie()).toEqual([]);
    dev.resetRequests();
    const refreshed = await browser.get('/refresh');
    expect(await json(refreshed)).toEqual({ token: true });
    expect(dev.requests.filter((request) => request.path === '/oidc/token')).toHaveLength(1);
    expect(refreshed.headers.getSetCookie().length).toBeGreaterThan(0);
    // The cached token came back in that cookie: the next request needs no refresh.
    dev.resetRequests();
    const cached = await browser.get('/refresh');
    expect(await json(cached)).toEqual({ token: true });
    expect(cached.headers.getSetCookie()).toEqual([]);
    expect(dev.requests.filter((request) => request.path === '/oidc/token')).toEqual([]);
  });

  it('sends a session store failure at commit to the error handler (no hung request, no crash)', async () => {
    const redis = createClient({ url: inject('redisUrl') });
    await redis.connect();
    serve((app) => {
      app.use(
        logto({
          ...options,
          session: createRedisSessionStore({ client: redis, logger: { warn() {} } }),
        }),
      );
      app.get('/break', (req, res, next) => {
        req.logto
          .getSession()
          .then(async (session) => {
            await session.setItem('note', 'written at commit');
            await redis.quit();
            res.json({ ok: true });
          })
          .catch(next);
      });
    });
    const response = await new Browser(server.origin).get('/break');
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ error: 'session.store_unavailable' });
  });

  it('sends a response error that surfaces while the response is held (headers written twice) to the error handler, not to an unhandled rejection', async () => {
    const errors: unknown[] = [];
    serve((app) => {
      app.use(logto(options));
      app.get('/twice', authenticated(), (req, res, next) => {
        // A changed session holds the response until it is committed.
        req.logto
          .getSession()
          .then((session) => session.setItem('note', 'changed'))
          .then(() => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.writeHead(201);
            res.end('done');
          })
          .catch(next);
      });
      app.use(
        (
          error: unknown,
          _req: express5.Request,
          _res: express5.Response,
          next: express5.NextFunction,
        ) => {
          errors.push(error);
          next(error);
        },
      );
    });
    const browser = new Browser(server.origin);
    await signIn(browser);
    const response = await browser.get('/twice');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('done');
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ERR_HTTP_HEADERS_SENT');
  });

  it('authenticated(options, handler) runs the handler with the user of its options, and sends its errors (rejections too) to the error handler', async () => {
    serve((app) => {
      app.use(logto(options));
      app.get(
        '/me',
        authenticated({ fetchUserInfo: true }, (req, res) => {
          res.json({ sub: req.logto.user.sub, customData: req.logto.user.custom_data });
        }),
      );
      app.get(
        '/fails',
        authenticated({}, async () => {
          throw new LogtoError('token.invalid_target', 'no such resource');
        }),
      );
    });
    const browser = new Browser(server.origin);
    expect((await browser.get('/me')).status).toBe(401);
    await signIn(browser);
    expect(await json(await browser.get('/me'))).toEqual({
      sub: 'user-alice',
      customData: { plan: 'pro' },
    });
    const failed = await browser.get('/fails');
    expect(failed.status).toBe(500);
    expect(await json(failed)).toEqual({ error: 'token.invalid_target' });
  });

  it('answers as signed out, with the cleared cookie, when Logto refuses the session while the handler runs', async () => {
    serve((app) => {
      app.use(logto(options));
      app.get(
        '/revoked-meanwhile',
        authenticated({}, async (req, res) => {
          const refreshToken = await (await req.logto.getSession()).getItem('refreshToken');
          await revokeAtLogto(dev, options, refreshToken ?? '');
          await req.logto.client.clearAccessToken();
          await req.logto.client.getAccessToken(api);
          res.json({ reached: true });
        }),
      );
    });
    const browser = new Browser(server.origin);
    await signIn(browser);
    const response = await browser.get('/revoked-meanwhile');
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: 'not_authenticated' });
    // The session's cookies were cleared with that answer.
    expect(browser.cookieHeader()).toBeUndefined();
  });

  it('passes config.invalid to the error handler when authenticated() runs without logto()', async () => {
    serve((app) => {
      app.get('/protected', authenticated(), (_req, res) => {
        res.json({ reached: true });
      });
    });
    const response = await new Browser(server.origin).get('/protected');
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ error: 'config.invalid' });
  });

  it('leaves a disabled route to the app', async () => {
    serve((app) => {
      app.use(logto({ ...options, routes: { signOut: false } }));
      app.get('/sign-out', (_req, res) => {
        res.json({ mine: true });
      });
    });
    const response = await new Browser(server.origin).get('/sign-out');
    expect(await json(response)).toEqual({ mine: true });
  });

  it.each([
    {
      parser: 'express.urlencoded() parsed the body first',
      parse: express.urlencoded({ extended: false }),
    },
    // body-parser 1.x (Express 4) sets req.body = {} on every request its parser skipped.
    { parser: 'a global express.json() skipped the form', parse: express.json() },
  ])('serves back-channel logout when $parser', async ({ parse }) => {
    const provider = await startHostileProvider({ clientId: 'bcl-app' });
    try {
      serve((app) => {
        app.use(parse);
        app.use(
          logto({
            endpoint: provider.endpoint,
            appId: provider.clientId,
            baseUrl: server.origin,
            secret,
            logger: { warn() {} },
          }),
        );
      });
      const token = await provider.signIdToken({
        header: { typ: 'logout+jwt' },
        claims: {
          jti: randomUUID(),
          sid: 'provider-session',
          events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
        },
        omit: ['exp', 'nonce'],
      });
      const post = (contentType: string, body: string) =>
        fetch(`${server.origin}/backchannel-logout`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
      const form = new URLSearchParams({ logout_token: token }).toString();
      expect((await post('application/x-www-form-urlencoded', form)).status).toBe(200);
      // A JSON body is no form: the route answers 400, it does not hang or crash.
      const notForm = await post('application/json', JSON.stringify({ logout_token: token }));
      expect(notForm.status).toBe(400);
    } finally {
      await provider.close();
    }
  });

  /** Serves `build` behind a middleware that sends the headers early, recording what reaches the error handlers. */
  const serveWithHeadersSent = (build: (app: express5.Express) => void) => {
    const errors: unknown[] = [];
    serve((app) => {
      app.use((_req, res, next) => {
        res.flushHeaders();
        next();
      });
      build(app);
      app.use(
        (
          error: unknown,
          _req: express5.Request,
          res: express5.Response,
          _next: express5.NextFunction,
        ) => {
          errors.push(error);
          res.end();
        },
      );
    });
    return errors;
  };

  it('sends an error writing an auth route response (headers already sent) to the error handler, not to an unhandled rejection', async () => {
    const errors = serveWithHeadersSent((app) => {
      app.use(logto(options));
    });
    const response = await new Browser(server.origin).get('/sign-in');
    await response.arrayBuffer();
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ERR_HTTP_HEADERS_SENT');
  });

  it('sends an error writing the guard response (headers already sent) to the error handler, not to an unhandled rejection', async () => {
    let reached = false;
    const errors = serveWithHeadersSent((app) => {
      app.use(logto(options));
      app.get('/guarded', authenticated(), (_req, res) => {
        reached = true;
        res.end();
      });
    });
    const response = await new Browser(server.origin).get('/guarded');
    await response.arrayBuffer();
    expect(reached).toBe(false);
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ERR_HTTP_HEADERS_SENT');
  });
});
