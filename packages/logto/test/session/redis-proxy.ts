import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the real redis-server that a test can stall (Redis "slow": bytes are
 * held back until `resume`), stop (Redis "down": connections closed and refused) and restart on
 * the same port (Redis back).
 */
export const startRedisProxy = async (redisUrl: string) => {
  const target = new URL(redisUrl);
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let stalled = false;
  const handle = (client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (stalled) held.push(() => to.write(chunk));
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  };
  let server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    /** Holds every byte back from now on (requests get no answer until `resume`). */
    stall() {
      stalled = true;
    },
    /** Delivers the held bytes and forwards again. */
    resume() {
      stalled = false;
      for (const write of held.splice(0)) write();
    },
    /** Closes every connection and stops accepting new ones. */
    async stop() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    /** Accepts connections again on the same port. */
    async restart() {
      server = createServer(handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
};
