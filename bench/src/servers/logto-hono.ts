/**
 * Ours: `logto-ts/hono` with the cookie store, on node:http through `@hono/node-server`.
 *
 * @module
 */
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { authenticated, type LogtoEnv, logto } from 'logto-ts/hono';
import { logtoOptions } from './logto-options.js';
import type { AppSetup, BuiltApp, ProtectedBody } from './spec.js';

/** Builds the logto-ts/hono app. */
export async function start(setup: AppSetup): Promise<BuiltApp> {
  const { options } = await logtoOptions(setup);
  const app = new Hono<LogtoEnv>();
  app.use(logto(options));
  app.get('/protected', authenticated(), (c) => {
    const { user } = c.get('logto');
    const body: ProtectedBody = { sub: user.sub, name: user.name ?? null };
    return c.json(body);
  });
  return { handler: getRequestListener(app.fetch) };
}
