import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server (redis-server) that a test can take down, stall and
 * bring back on the same port.
 *
 * "Down" stops listening BEFORE it closes the open connections: a client that reconnects at once
 * must meet a refused connection, not land in the accept queue of a listener that is about to
 * close (some network stacks leave such a connection open and silent forever).
 */
export const startTcpProxy = async (targetUrl: string) => {
  const target = new URL(targetUrl);
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
  const stop = async () => {
    const closed = server.listening
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    /** Holds every byte back from now on (requests get no answer until `resume`). */
    stall() {
      stalled = true;
    },
    /** Delivers the held bytes and forwards again. */
    resume() {
      stalled = false;
      for (const write of held.splice(0)) write();
    },
    /** Stops listening, then closes every connection (clients meet "connection refused"). */
    stop,
    /** Listens again on the same port. */
    async restart() {
      server = createServer(handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
};
