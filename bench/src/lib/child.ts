/**
 * Starts one server app in its own child process and talks to it (CPU time, heap, stop).
 *
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerSpec } from '../servers/spec.js';
import { onCleanup, trackPid } from './cleanup.js';
import type { ChildReply, ParentMessage } from './ipc.js';

const entry = fileURLToPath(new URL('../servers/main.ts', import.meta.url));

/** A server child as the parent sees it. */
export interface ServerChild {
  spec: ServerSpec;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The child's CPU time so far (user + system), in µs. */
  cpuMicros(): Promise<number>;
  /** The child's `heapUsed` after a full GC, in bytes. */
  heapUsed(): Promise<number>;
  /** Writes a heap snapshot of the child (after a full GC) to `path`. */
  heapSnapshot(path: string): Promise<void>;
  /** Stops the child (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Forks `servers/main.ts` with `spec` and resolves once it listens (on a port it picks). */
export async function startServerChild(spec: ServerSpec): Promise<ServerChild> {
  const child = fork(entry, [], {
    execArgv: [
      '--expose-gc',
      '--import',
      'tsx',
      // BENCH_CPU_PROF=<dir>: every server child writes V8 CPU profiles (one per thread) to <dir>/<kind>/.
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${spec.kind}`]
        : []),
    ],
    env: { ...process.env, BENCH_SERVER_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  prefixOutput(child, spec.kind);
  const untrack = trackPid(child.pid);
  // A message to a child that is exiting fails with EPIPE: that is not the bench's failure.
  child.on('error', (error) => process.stderr.write(`  [${spec.kind}] ${error.message}\n`));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      untrack();
      resolve();
    }),
  );
  const stop = onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage, () => {});
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });

  const pending = new Map<number, (value: number) => void>();
  let nextId = 1;
  const ready = new Promise<number>((resolve, reject) => {
    child.on('message', (message: ChildReply) => {
      if (message.type === 'ready') resolve(message.port);
      else if (message.type === 'failed')
        reject(new Error(`${spec.kind} failed to start: ${message.message}`));
      else pending.get(message.id)?.(message.value);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${spec.kind} exited (${signal ?? code}) before it was ready`)),
    );
  });
  let port: number;
  try {
    port = await ready;
  } catch (error) {
    await stop();
    throw error;
  }

  const ask = (type: 'cpu' | 'heap' | 'snapshot', path = '') =>
    new Promise<number>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => reject(new Error(`${spec.kind} did not answer '${type}'`)),
        30_000,
      );
      pending.set(id, (value) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(value);
      });
      const message: ParentMessage = type === 'snapshot' ? { type, id, path } : { type, id };
      child.send(message, (error) => {
        if (error) reject(error);
      });
    });

  return {
    spec,
    baseUrl: `http://127.0.0.1:${port}`,
    cpuMicros: () => ask('cpu'),
    heapUsed: () => ask('heap'),
    heapSnapshot: (path) => ask('snapshot', path).then(() => undefined),
    stop,
  };
}

/** Shows the child's output on stderr, each line prefixed with its kind. */
function prefixOutput(child: ChildProcess, kind: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    let buffered = '';
    stream?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) process.stderr.write(`  [${kind}] ${line}\n`);
    });
  }
}
