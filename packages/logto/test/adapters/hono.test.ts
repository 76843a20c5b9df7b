/**
 * What only the Hono adapter has to get right: the session's Set-Cookie on a response the app did
 * not build itself (a proxied `fetch` response, immutable headers, carrying its own Set-Cookie).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { LogtoDev } from 'logto-dev';
import { type LogtoEnv, logto } from 'logto-ts/hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from './apps.js';
import { Browser } from './browser.js';
import { adapterOptions, startDevFor } from './spec-support.js';

describe('hono', () => {
  let server: AppServer;
  let dev: LogtoDev;
  let upstream: Server;
  let upstreamOrigin: string;

  beforeAll(async () => {
    server = await startAppServer();
    dev = await startDevFor(server.origin);
    upstream = createServer((_req, res) => {
      res.setHeader('set-cookie', 'upstream=1; Path=/');
      res.setHeader('content-type', 'text/plain');
      res.end('from upstream');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
    await dev?.stop();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  it('keeps the session Set-Cookie on a proxied fetch response that sets cookies of its own', async () => {
    const app = new Hono<LogtoEnv>();
    app.use(logto(adapterOptions(dev, server.origin)));
    app.get('/proxy', async (c) => {
      await (await c.get('logto').getSession()).setItem('note', 'changed');
      return fetch(`${upstreamOrigin}/`);
    });
    server.use(getRequestListener(app.fetch));
    const browser = new Browser(server.origin);
    const response = await browser.get('/proxy');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('from upstream');
    const cookies = browser.setCookies;
    expect(cookies).toContain('upstream=1; Path=/');
    expect(cookies.filter((cookie) => !cookie.startsWith('upstream=')).length).toBeGreaterThan(0);
  });
});
