/**
 * A throwaway real `redis-server` on a free loopback port, without persistence unless asked, in a
 * temporary directory of its own. It keeps its port and directory across a stop and a start, so a
 * test can take Redis down and bring it back where its clients expect it (empty, or with its data
 * when its `config` turns persistence on).
 *
 * Used by the Vitest global setup, the production tests, the soak script, the bench and the
 * cluster helper (`redis-cluster.ts`).
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** How long `redis-server` may take to say it is ready (ms). */
const startTimeout = 10_000;
/** How long a stopped `redis-server` may take to exit after SIGTERM before it gets SIGKILL (ms). */
const stopTimeout = 3000;

/** A running (or stopped, restartable) `redis-server`. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** The process id of the running server; `undefined` while it is stopped. */
  readonly pid: number | undefined;
  /**
   * Starts it again on the same port and directory (empty without persistence); resolves once it
   * accepts connections.
   */
  start(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would; resolves once it has exited. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 3 s); resolves once it has exited. */
  stop(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

const isRunning = (child: ChildProcess | undefined): child is ChildProcess =>
  child !== undefined && child.exitCode === null && child.signalCode === null;

/** Spawns redis-server and resolves once it logs "Ready to accept connections". */
const spawnReady = (port: number, dir: string, config: readonly string[]): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        // Later options win: a caller's config may turn persistence back on.
        ...config,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not start within ${startTimeout / 1000} s`)),
      startTimeout,
    );
    child.once('error', (error) =>
      fail(
        new Error(
          `could not start redis-server (${error.message}); install it with: apt-get install -y redis-server`,
        ),
      ),
    );
    child.once('exit', (code) =>
      fail(new Error(`redis-server exited (${code}) before it was ready on port ${port}`)),
    );
    // The listener stays attached: it keeps redis-server's log drained.
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve(child);
      }
    });
  });

/** Waits for `child` to exit after sending it `signal` (SIGKILL after 3 s if it was SIGTERM). */
const terminate = (child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL') =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeout);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });

/**
 * Starts a `redis-server` on a free port of 127.0.0.1 and resolves once it accepts connections.
 *
 * @param name - Prefix of its temporary directory's name, saying who started it.
 * @param options - `config`: more `redis-server` arguments (e.g. `['--appendonly', 'yes']`);
 *   `port`: the port to listen on (default a free one).
 */
export const startRedisServer = async (
  name = 'logto-redis-',
  options: { config?: readonly string[]; port?: number } = {},
): Promise<RedisServer> => {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), name));
  let child: ChildProcess | undefined;
  const halt = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const running = child;
    child = undefined;
    if (isRunning(running)) await terminate(running, signal);
  };
  const start = async () => {
    if (isRunning(child)) return;
    child = await spawnReady(port, dir, options.config ?? []);
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return isRunning(child) ? child.pid : undefined;
    },
    start,
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
    async dispose() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
