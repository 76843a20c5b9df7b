/**
 * Entry of a server child process: builds one app (by `BENCH_SERVER_SPEC.kind`), listens, tells
 * the parent it is ready, and answers the parent's questions over IPC: its CPU time
 * (`process.cpuUsage()`) and its heap after a full GC. Exits when the parent says so or goes away.
 *
 * @module
 */
import type { ChildReply, ParentMessage } from '../lib/ipc.js';
import type { RunningApp, ServerKind, ServerSpec } from './spec.js';

const starters: Record<
  ServerKind,
  () => Promise<{ start(spec: ServerSpec): Promise<RunningApp> }>
> = {
  'no-auth': () => import('./no-auth.js'),
  'peer-logto-express': () => import('./peer-logto-express.js'),
  'peer-express-openid-connect': () => import('./peer-express-openid-connect.js'),
  'logto-express-cookie': () => import('./logto-express.js'),
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
  const app = await (await starters[spec.kind]()).start(spec);
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    process.exit(code);
  };
  process.on('disconnect', () => void shutdown(0));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      void shutdown(0);
      return;
    }
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'reply', id: message.id, value: usage.user + usage.system });
      return;
    }
    fullGc();
    send({ type: 'reply', id: message.id, value: process.memoryUsage().heapUsed });
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
