/**
 * Loads one server child with autocannon and measures its CPU time per request.
 *
 * @module
 */
import autocannon from 'autocannon';
import type { ServerChild } from './child.js';

/** Load settings. */
export interface LoadOptions {
  connections: number;
  /** Seconds of warm-up load (not measured). */
  warmup: number;
  /** Seconds of measured load. */
  duration: number;
}

/** One measured run. */
export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** The child's CPU time (user + system) over the measured run divided by the requests, in µs. */
  cpuMicrosPerRequest: number;
  /** Responses other than 2xx, connection errors and timeouts during the measured run (should be 0). */
  failures: number;
}

/** Warms up, then runs the measured load against `GET /protected` with `cookie`. */
export async function loadProtected(
  child: ServerChild,
  cookie: string,
  options: LoadOptions,
): Promise<LoadResult> {
  const url = `${child.baseUrl}/protected`;
  const headers = cookie ? { cookie } : undefined;
  await autocannon({ url, connections: options.connections, duration: options.warmup, headers });
  const cpuBefore = await child.cpuMicros();
  // autocannon's own histogram keeps whole milliseconds; the 'response' event has the exact time.
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: options.connections, duration: options.duration, headers },
      (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const cpuAfter = await child.cpuMicros();
  const requests = result.requests.total;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return {
    requests,
    requestsPerSecond: requests / result.duration,
    p50: percentile(0.5),
    p99: percentile(0.99),
    cpuMicrosPerRequest: (cpuAfter - cpuBefore) / requests,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
