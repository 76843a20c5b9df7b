/**
 * Ours: `logto-ts/fastify` with the cookie store.
 *
 * @module
 */
import { authenticated, logto } from 'logto-ts/fastify';
import { fastifyHandler } from './fastify-handler.js';
import { logtoOptions } from './logto-options.js';
import type { AppSetup, BuiltApp, ProtectedBody } from './spec.js';

/** Builds the logto-ts/fastify app. */
export async function start(setup: AppSetup): Promise<BuiltApp> {
  const { options } = await logtoOptions(setup);
  return fastifyHandler(async (app) => {
    await app.register(logto(options));
    app.get('/protected', { preHandler: authenticated() }, async (request) => {
      const user = request.logto.user;
      const body: ProtectedBody = { sub: user?.sub ?? '', name: user?.name ?? null };
      return body;
    });
  });
}
