/**
 * Listening helpers for the server children.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { RunningApp } from './spec.js';

/** Something with Express's `listen(port, host, callback)`. */
interface Listenable {
  listen(port: number, host: string, callback: () => void): Server;
}

/** Listens on 127.0.0.1:`port` and returns how to close the server. */
export function listenExpress(app: Listenable, port: number): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(closer(server)));
    server.once('error', reject);
  });
}

/** Closes a node:http server, dropping idle keep-alive connections. */
export function closer(server: Server): RunningApp {
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
