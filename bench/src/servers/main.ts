/**
 * Entry of a server child process. Listens on a random loopback port first (the app's origin,
 * and so its redirect URI, depends on it), builds the app of `BENCH_SERVER_SPEC.kind` for that
 * origin, tells the parent the port, and answers the parent's questions over IPC: its CPU time
 * (`process.cpuUsage()`) and its heap after a full GC. Exits when the parent says so or goes away.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import type { ChildReply, ParentMessage } from '../lib/ipc.js';
import type { AppSetup, BuiltApp, ServerKind, ServerSpec } from './spec.js';

type Builder = { start(setup: AppSetup): Promise<BuiltApp> };

const builders: Record<ServerKind, () => Promise<Builder>> = {
  'no-auth': () => import('./no-auth.js'),
  'no-auth-hono': () => import('./no-auth.js'),
  'no-auth-fastify': () => import('./no-auth.js'),
  'peer-logto-express': () => import('./peer-logto-express.js'),
  'peer-express-openid-connect': () => import('./peer-express-openid-connect.js'),
  'logto-express-cookie': () => import('./logto-express.js'),
  'logto-express-cookie-revocations': () => import('./logto-express.js'),
  'logto-express-redis': () => import('./logto-express.js'),
  'logto-express-memory': () => import('./logto-express.js'),
  'logto-hono-cookie': () => import('./logto-hono.js'),
  'logto-fastify-cookie': () => import('./logto-fastify.js'),
  'logto-web-cookie': () => import('./logto-web.js'),
};

function send(message: ChildReply): void {
  process.send?.(message);
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the child with --expose-gc');
  for (let i = 0; i < 4; i++) gc();
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_SERVER_SPEC ?? '') as ServerSpec;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const app = await (await builders[spec.kind]()).start({ ...spec, port });
  server.on('request', app.handler);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await Promise.race([
      Promise.all([closed, app.close?.()]),
      new Promise((resolve) => setTimeout(resolve, 2000)),
    ]);
    process.exit(0);
  };
  process.on('disconnect', () => void shutdown());
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      void shutdown();
      return;
    }
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'reply', id: message.id, value: usage.user + usage.system });
      return;
    }
    fullGc();
    // A heap snapshot on request, for finding what a store retains (see bench/README.md).
    if (message.type === 'snapshot') writeHeapSnapshot(message.path);
    send({ type: 'reply', id: message.id, value: process.memoryUsage().heapUsed });
  });
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error(error);
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
