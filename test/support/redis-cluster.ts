/**
 * A throwaway real Redis Cluster: a few `redis-server --cluster-enabled yes` masters (no replicas)
 * on free loopback ports, each in a temporary directory of its own, joined by
 * `redis-cli --cluster create`. Each node keeps its data across a restart (append-only file,
 * fsynced on every write; `persist: false` turns it off), so a test can restart a master and find
 * what was written before.
 *
 * Every wait is bounded; a start that fails part way removes what it started.
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const run = promisify(execFile);

/** How long `redis-cli --cluster create` may take (ms). */
const createTimeout = 20_000;
/** How long the nodes may take to agree that the cluster is up (ms). */
const healthyTimeout = 20_000;

/** One master of the cluster. */
export interface RedisClusterNode extends RedisServer {
  /** `127.0.0.1`. */
  readonly host: string;
}

/** A running local Redis Cluster. */
export interface RedisCluster {
  /** The masters, in the order `redis-cli --cluster create` was given them. */
  readonly nodes: readonly RedisClusterNode[];
  /** `redis://127.0.0.1:<port>` of every node: the root nodes to hand a cluster client. */
  readonly urls: readonly string[];
  /** The master that serves `key` now (by `CLUSTER KEYSLOT` and `CLUSTER NODES`). */
  nodeOf(key: string): Promise<RedisClusterNode>;
  /** Resolves once every node reports `cluster_state:ok` and knows every other (bounded wait). */
  waitUntilHealthy(timeout?: number): Promise<void>;
  /** Stops every node and removes their directories. */
  dispose(): Promise<void>;
}

/** Sends one command through `redis-cli` to the node on `port`; resolves with its output. */
export const redisCli = async (port: number, ...args: string[]): Promise<string> =>
  (await run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 })).stdout;

/** Free ports, none equal to another: a node needs two (clients, and the cluster bus). */
const distinctFreePorts = async (count: number): Promise<number[]> => {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
};

/** Whether the node on `port` sees a healthy cluster of `size` nodes. */
const isHealthy = async (port: number, size: number): Promise<boolean> => {
  try {
    const info = await redisCli(port, 'CLUSTER', 'INFO');
    return (
      info.includes('cluster_state:ok') &&
      info.includes(`cluster_known_nodes:${size}`) &&
      info.includes('cluster_slots_ok:16384')
    );
  } catch {
    return false;
  }
};

/** The slot ranges each node owns, from `CLUSTER NODES` (lines `id host:port@bus flags ... 0-5460`). */
const slotOwners = async (
  port: number,
): Promise<Array<{ port: number; from: number; to: number }>> => {
  const owners: Array<{ port: number; from: number; to: number }> = [];
  for (const line of (await redisCli(port, 'CLUSTER', 'NODES')).split('\n')) {
    const fields = line.trim().split(' ');
    const address = /:(\d+)@/.exec(fields[1] ?? '');
    if (!address || !fields[2]?.includes('master')) continue;
    for (const range of fields.slice(8)) {
      const [from, to = from] = range.split('-').map(Number);
      if (from !== undefined && Number.isInteger(from)) {
        owners.push({ port: Number(address[1]), from, to: to ?? from });
      }
    }
  }
  return owners;
};

/**
 * Starts a Redis Cluster of `size` masters (default 3) on free loopback ports and resolves once it
 * serves every slot.
 *
 * @param options - `name`: prefix of the nodes' temporary directories; `nodeTimeout`: the
 *   cluster's `cluster-node-timeout` in ms (default 1,000, so a stopped master is noticed fast);
 *   `persist`: keep data across restarts (default true).
 */
export const startRedisCluster = async (
  options: { size?: number; name?: string; nodeTimeout?: number; persist?: boolean } = {},
): Promise<RedisCluster> => {
  const size = options.size ?? 3;
  const name = options.name ?? 'logto-redis-cluster-';
  const ports = await distinctFreePorts(size * 2);
  const started = await Promise.allSettled(
    Array.from({ length: size }, (_, index) => {
      const port = ports[index * 2] ?? 0;
      const bus = ports[index * 2 + 1] ?? 0;
      return startRedisServer(`${name}${index}-`, {
        port,
        config: [
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(bus),
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          String(options.nodeTimeout ?? 1000),
          ...(options.persist === false ? [] : ['--appendonly', 'yes', '--appendfsync', 'always']),
        ],
      });
    }),
  );
  const servers = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const dispose = async () => {
    await Promise.all(servers.map((server) => server.dispose()));
  };
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...servers.map((server) => `127.0.0.1:${server.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: createTimeout },
    );
    const nodes = servers.map((server) => Object.assign(server, { host: '127.0.0.1' }));
    const cluster: RedisCluster = {
      nodes,
      urls: nodes.map((node) => node.url),
      async nodeOf(key) {
        const port = nodes.find((node) => node.pid !== undefined)?.port ?? 0;
        const slot = Number((await redisCli(port, 'CLUSTER', 'KEYSLOT', key)).trim());
        const owner = (await slotOwners(port)).find(({ from, to }) => from <= slot && slot <= to);
        const node = nodes.find(({ port }) => port === owner?.port);
        if (!node) throw new Error(`no node serves slot ${slot} of ${key}`);
        return node;
      },
      async waitUntilHealthy(timeout = healthyTimeout) {
        const deadline = Date.now() + timeout;
        for (;;) {
          const healthy = await Promise.all(nodes.map((node) => isHealthy(node.port, size)));
          if (healthy.every(Boolean)) return;
          if (Date.now() > deadline) {
            throw new Error(`the Redis Cluster was not healthy within ${timeout / 1000} s`);
          }
          await sleep(50);
        }
      },
      dispose,
    };
    await cluster.waitUntilHealthy();
    return cluster;
  } catch (error) {
    await dispose();
    throw error;
  }
};
