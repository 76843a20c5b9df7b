/**
 * A throwaway `redis-server` on a free loopback port (no persistence), when one is on PATH.
 *
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { onCleanup, trackPid } from './cleanup.js';
import { freePort } from './ports.js';

/** A running redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  /** Bytes of memory redis-server reports in use (`INFO memory` → `used_memory`). */
  usedMemory(): Promise<number>;
  /** Stops the server (also done by the bench's cleanup). */
  stop(): Promise<void>;
}

/** Whether `redis-server` can be started here. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Starts redis-server on a free port and waits until it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
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
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const untrack = trackPid(child.pid);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      untrack();
      resolve();
    }),
  );
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  });
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await command(port, 'PING')).startsWith('+PONG')) break;
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null) {
        await stop();
        throw new Error(`redis-server did not start on port ${port}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async usedMemory() {
      const info = await command(port, 'INFO', 'memory');
      const match = /used_memory:(\d+)/.exec(info);
      return match ? Number(match[1]) : Number.NaN;
    },
    stop,
  };
}

/** Sends one RESP command on a fresh connection and returns the raw reply. */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.once('error', reject);
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      const complete = bulk
        ? reply.length >= bulk[0].length + Number(bulk[1]) + 2
        : reply.endsWith('\r\n');
      if (complete) {
        socket.end();
        resolve(reply);
      }
    });
    socket.write(
      `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`,
    );
  });
}
