/**
 * The load generator, in a process of its own: autocannon against one URL at a time, its response
 * times into a {@link LatencyHistogram}. Its own process has its own heap, event loop and core, so
 * the load it makes does not depend on what the bench process holds or runs (logto-dev with its
 * async hooks, earlier results).
 *
 * @module
 */
import autocannon from 'autocannon';
import { LatencyHistogram } from './latency-histogram.js';

/** What the bench asks for. */
export interface LoadRequest {
  url: string;
  connections: number;
  seconds: number;
  cookie: string;
}

/** What the load process answers: autocannon's totals and the response-time histogram's counts. */
export interface LoadAnswer {
  requests: number;
  seconds: number;
  failures: number;
  latencyCounts: Uint32Array;
  latencyTotal: number;
  error?: string;
}

function run(request: LoadRequest): Promise<LoadAnswer> {
  const latencies = new LatencyHistogram();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        connections: request.connections,
        duration: request.seconds,
        headers: request.cookie ? { cookie: request.cookie } : undefined,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          requests: result.requests.total,
          seconds: result.duration,
          failures: result.non2xx + result.errors + result.timeouts,
          ...latencies.toCounts(),
        });
      },
    );
    // autocannon's own histogram keeps whole milliseconds; the 'response' event has the exact time.
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.record(responseTime);
    });
  });
}

process.on('message', (request: LoadRequest) => {
  run(request).then(
    (answer) => process.send?.(answer),
    (error: unknown) =>
      process.send?.({
        requests: 0,
        seconds: 0,
        failures: 0,
        latencyCounts: new Uint32Array(0),
        latencyTotal: 0,
        error: error instanceof Error ? error.message : String(error),
      } satisfies LoadAnswer),
  );
});
// Go when the bench goes.
process.on('disconnect', () => process.exit(0));
