/**
 * Loads one server child with autocannon and measures its CPU time over the run.
 *
 * @module
 */
import autocannon from 'autocannon';
import type { ServerChild } from './child.js';
import { LatencyHistogram } from './latency-histogram.js';

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
  // autocannon's own histogram keeps whole milliseconds; the 'response' event has the exact time.
  const latencies = new LatencyHistogram();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${child.baseUrl}/protected`,
        connections,
        duration: seconds,
        headers: cookie ? { cookie } : undefined,
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.record(responseTime);
    });
  });
  const cpuAfter = await child.cpuMicros();
  return {
    requests: result.requests.total,
    seconds: result.duration,
    cpuMicros: cpuAfter - cpuBefore,
    latencies,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
