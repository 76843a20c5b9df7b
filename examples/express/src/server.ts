/**
 * Listening and stopping: an HTTP server for a request handler, closed cleanly.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A running HTTP server. */
export interface RunningServer {
  /** The server. */
  server: Server;
  /** The port it listens on (useful with port 0). */
  port: number;
  /** Stops accepting connections, ends idle and open ones, and resolves once closed. */
  close(): Promise<void>;
}

/** A Node request listener, such as an Express app. */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Serves `listener` on `host:port` (port 0 picks a free one).
 *
 * @throws Error whose message says what to do when the port is in use.
 */
export function listen(
  listener: RequestListener,
  port: number,
  host: string,
): Promise<RunningServer> {
  const server = createServer(listener);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} on ${host} is already in use: stop what uses it, or choose another port.`,
              {
                cause: error,
              },
            )
          : error,
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        server,
        port: actualPort,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Stops the sample on Ctrl-C or SIGTERM: runs `stop` once, then exits (0, or 1 if it failed); a
 * second signal while stopping exits at once (130).
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
