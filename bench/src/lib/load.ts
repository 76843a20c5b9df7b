/**
 * Loads one server child with autocannon and measures its CPU time over the run.
 *
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerChild } from './child.js';
import { onCleanup, trackPid } from './cleanup.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { LoadAnswer, LoadRequest } from './load-child.js';

/** The load process, started on first use and kept for the whole bench. */
let loader: ChildProcess | undefined;

function loadProcess(): ChildProcess {
  if (loader?.connected) return loader;
  const child = fork(fileURLToPath(new URL('./load-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const untrack = trackPid(child.pid);
  child.once('exit', untrack);
  onCleanup(async () => {
    if (child.connected) child.disconnect();
  });
  loader = child;
  return child;
}

/** One measured run. */
export interface LoadRun {
  /** Completed requests. */
  requests: number;
  /** Seconds the run lasted. */
  seconds: number;
  /** The child's CPU time (user + system) over the run, in µs. */
  cpuMicros: number;
  /** Latencies of the 2xx responses. */
  latencies: LatencyHistogram;
  /** Responses other than 2xx, connection errors and timeouts (should be 0). */
  failures: number;
}

/** Runs `connections` connections against `GET /protected` with `cookie` for `seconds`. */
export async function loadProtected(
  child: ServerChild,
  cookie: string,
  connections: number,
  seconds: number,
): Promise<LoadRun> {
  const cpuBefore = await child.cpuMicros();
  const request: LoadRequest = { url: `${child.baseUrl}/protected`, connections, seconds, cookie };
  const load = loadProcess();
  const answer = await new Promise<LoadAnswer>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the load process exited (${code})`));
    load.once('exit', onExit);
    load.once('message', (message: LoadAnswer) => {
      load.off('exit', onExit);
      if (message.error !== undefined) reject(new Error(`autocannon: ${message.error}`));
      else resolve(message);
    });
    load.send(request);
  });
  const cpuAfter = await child.cpuMicros();
  return {
    requests: answer.requests,
    seconds: answer.seconds,
    cpuMicros: cpuAfter - cpuBefore,
    latencies: LatencyHistogram.fromCounts(answer),
    failures: answer.failures,
  };
}
