/**
 * The baselines: the same JSON from `GET /protected` with no auth at all, on plain Express (the
 * reference of every target), on Hono over `@hono/node-server` (the baseline of the Hono and Web
 * rows) and on Fastify.
 *
 * @module
 */
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { fastifyHandler } from './fastify-handler.js';
import type { AppSetup, BuiltApp, ProtectedBody } from './spec.js';

const body: ProtectedBody = { sub: 'user-alice', name: 'Alice Liddell' };

/** Builds the no-auth app of `setup.kind`. */
export async function start(setup: AppSetup): Promise<BuiltApp> {
  if (setup.kind === 'no-auth-hono') {
    const app = new Hono();
    app.get('/protected', (c) => c.json(body));
    return { handler: getRequestListener(app.fetch) };
  }
  if (setup.kind === 'no-auth-fastify') {
    return fastifyHandler(async (app) => {
      app.get('/protected', async () => body);
    });
  }
  const app = express();
  app.get('/protected', (_req, res) => {
    res.json(body);
  });
  return { handler: app };
}
