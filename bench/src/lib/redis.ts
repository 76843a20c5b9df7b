/**
 * A throwaway `redis-server` on a free loopback port (no persistence), when one is on PATH.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { startRedisCluster } from '../../../test/support/redis-cluster.js';
import { startRedisServer } from '../../../test/support/redis-server.js';
import { onCleanup, trackPid } from './cleanup.js';

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

/** Starts redis-server on a free port (the shared test helper), stopped by the bench's cleanup. */
export async function startRedis(): Promise<RedisServer> {
  const server = await startRedisServer('logto-bench-redis-');
  const untrack = trackPid(server.pid);
  const stop = onCleanup(async () => {
    await server.dispose();
    untrack();
  });
  const port = new URL(server.url).port;
  return {
    url: server.url,
    async usedMemory() {
      const info = await command(Number(port), 'INFO', 'memory');
      const match = /used_memory:(\d+)/.exec(info);
      return match ? Number(match[1]) : Number.NaN;
    },
    stop,
  };
}

/** A running local Redis Cluster. */
export interface RedisClusterServers {
  /** The root nodes' `redis://127.0.0.1:<port>`. */
  urls: readonly string[];
  /** Stops the nodes (also done by the bench's cleanup). */
  stop(): Promise<void>;
}

/**
 * Starts a 3-master Redis Cluster on free ports (the shared test helper), without persistence as
 * the single server, stopped by the bench's cleanup.
 */
export async function startRedisClusterServers(): Promise<RedisClusterServers> {
  const cluster = await startRedisCluster({ name: 'logto-bench-cluster-', persist: false });
  const untrack = cluster.nodes.map((node) => trackPid(node.pid));
  const stop = onCleanup(async () => {
    await cluster.dispose();
    for (const forget of untrack) forget();
  });
  return { urls: cluster.urls, stop };
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
