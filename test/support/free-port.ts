/**
 * A free loopback port, for servers that cannot listen on port 0 and report the port they got
 * (redis-server), or whose address must be known before they start (redirect URIs registered at
 * logto-dev).
 *
 * @module
 */
import { createServer } from 'node:net';

/** Asks the kernel for a free port on 127.0.0.1 (listen on 0, read the port, close). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
