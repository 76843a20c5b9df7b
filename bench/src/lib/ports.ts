/**
 * Free loopback ports, for the servers whose redirect URI must be registered at logto-dev before
 * they start.
 *
 * @module
 */
import { createServer } from 'node:net';

/** Asks the kernel for a free port on 127.0.0.1 (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
