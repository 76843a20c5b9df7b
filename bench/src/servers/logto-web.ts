/**
 * Ours: `logto-ts/web` (a function of a Web `Request` returning a `Response`) with the cookie store,
 * on node:http through `@hono/node-server`'s Request/Response bridge.
 *
 * @module
 */
import { getRequestListener } from '@hono/node-server';
import { createLogto } from 'logto-ts/web';
import { logtoOptions } from './logto-options.js';
import type { AppSetup, BuiltApp, ProtectedBody } from './spec.js';

/** Builds the logto-ts/web app. */
export async function start(setup: AppSetup): Promise<BuiltApp> {
  const { options } = await logtoOptions(setup);
  const logto = createLogto(options);
  const fetchHandler = async (request: Request): Promise<Response> => {
    const handled = await logto.handle(request);
    if (handled) return handled;
    if (new URL(request.url).pathname !== '/protected')
      return new Response('Not found', { status: 404 });
    return logto.authenticated(request, {}, (context) => {
      const body: ProtectedBody = { sub: context.user.sub, name: context.user.name ?? null };
      return Response.json(body);
    });
  };
  return { handler: getRequestListener(fetchHandler) };
}
