/**
 * A Fastify app as a node:http request listener (through `serverFactory`), so that it can be put
 * on a server that already listens.
 *
 * @module
 */
import { createServer, type RequestListener } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BuiltApp } from './spec.js';

/** Builds a Fastify app with `setup`, readies it, and returns its request listener. */
export async function fastifyHandler(
  setup: (app: FastifyInstance) => Promise<void>,
): Promise<BuiltApp> {
  let handler: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (listener) => {
      handler = listener;
      return createServer();
    },
  });
  await setup(app);
  await app.ready();
  if (!handler) throw new Error('Fastify did not call serverFactory');
  return { handler, close: () => app.close() };
}
