/**
 * Section 1: `GET /protected` with a signed-in session. Each server runs in its own child process
 * and is loaded by autocannon from this process, one at a time, in rounds (every server once per
 * round), so that a slow spell of the machine hits every row rather than one; ratios are taken
 * against the baseline's run of the same round and the median over rounds is reported.
 *
 * @module
 */
import type { ServerChild } from '../lib/child.js';
import { LatencyHistogram } from '../lib/latency-histogram.js';
import { loadProtected } from '../lib/load.js';
import { checkProtected, signInThroughApp } from '../lib/sign-in.js';
import { median } from '../lib/stats.js';
import type { ServerKind } from '../servers/spec.js';

/** A server to load. */
export interface ThroughputTarget {
  /** The row's name (`BENCH_ROWS`, ratios): its server kind, with `@<connections>` when it has its own. */
  id: string;
  kind: ServerKind;
  label: string;
  /** The row of the no-auth server on the same framework and connections (`× own no-auth`). */
  baseline: string;
  /** The row of no-auth Express at the same connections (`× no-auth`). */
  reference: string;
  /** autocannon connections for this row; default the run's. */
  connections?: number;
  child?: ServerChild;
  /** Why there is no child. */
  error?: string;
}

/** One row of the throughput table. */
export interface ThroughputRow {
  id: string;
  kind: ServerKind;
  label: string;
  baseline: string;
  reference: string;
  connections: number;
  /** Median over rounds of requests per second. */
  requestsPerSecond?: number;
  /** Every round's requests per second. */
  roundsRequestsPerSecond?: number[];
  /** Median over rounds of (this row ÷ its reference) requests per second, in the same round. */
  vsNoAuth?: number;
  /** The same against the no-auth server of this row's framework. */
  vsFrameworkNoAuth?: number;
  /** Latency percentiles over every round, in ms. */
  p50?: number;
  p99?: number;
  /** The child's CPU time over every round divided by the requests, in µs. */
  cpuMicrosPerRequest?: number;
  /** Bytes of the `Cookie` header sent. */
  cookieBytes?: number;
  error?: string;
}

/** Load settings. */
export interface ThroughputOptions {
  connections: number;
  /** Seconds of unmeasured load per server before the first round. */
  warmup: number;
  /**
   * Seconds of unmeasured load right before each measured run: a server idle while the others
   * were loaded (~30 s) has had its heap shrunk, and would spend the start of its run growing it.
   */
  roundWarmup: number;
  /** Seconds per server per round. */
  duration: number;
  rounds: number;
}

interface Prepared {
  target: ThroughputTarget;
  child: ServerChild;
  connections: number;
  cookie: string;
  runs: Array<{ requests: number; seconds: number; cpuMicros: number }>;
  latencies: LatencyHistogram;
}

/** Signs in to each target once, warms it up, then loads the targets round by round. */
export async function runThroughput(
  targets: readonly ThroughputTarget[],
  options: ThroughputOptions,
): Promise<ThroughputRow[]> {
  const errors = new Map<ThroughputTarget, string>();
  const prepared: Prepared[] = [];
  for (const target of targets) {
    if (!target.child) {
      errors.set(target, target.error ?? 'not started');
      continue;
    }
    try {
      const child = target.child;
      const connections = target.connections ?? options.connections;
      const cookie = target.kind.startsWith('no-auth')
        ? ''
        : (await signInThroughApp(child.baseUrl, target.kind)).jar.header();
      await checkProtected(child.baseUrl, target.kind, cookie);
      await loadProtected(child, cookie, connections, options.warmup);
      prepared.push({
        target,
        child,
        connections,
        cookie,
        runs: [],
        latencies: new LatencyHistogram(),
      });
    } catch (error) {
      errors.set(target, shortMessage(error));
    }
  }

  for (let round = 1; round <= options.rounds; round++) {
    process.stderr.write(`  round ${round}/${options.rounds}:`);
    for (const entry of prepared) {
      if (errors.has(entry.target)) continue;
      try {
        if (options.roundWarmup > 0) {
          await loadProtected(entry.child, entry.cookie, entry.connections, options.roundWarmup);
        }
        const run = await loadProtected(
          entry.child,
          entry.cookie,
          entry.connections,
          options.duration,
        );
        if (run.failures > 0) throw new Error(`${run.failures} failed responses under load`);
        entry.runs.push(run);
        entry.latencies.add(run.latencies);
        process.stderr.write(` ${entry.target.id} ${Math.round(run.requests / run.seconds)}`);
      } catch (error) {
        errors.set(entry.target, shortMessage(error));
      }
    }
    process.stderr.write('\n');
  }

  const rpsOf = (id: string, round: number) => {
    const run = prepared.find((entry) => entry.target.id === id)?.runs[round];
    return run ? run.requests / run.seconds : Number.NaN;
  };
  return targets.map((target): ThroughputRow => {
    const row: ThroughputRow = {
      id: target.id,
      kind: target.kind,
      label: target.label,
      baseline: target.baseline,
      reference: target.reference,
      connections: target.connections ?? options.connections,
    };
    const entry = prepared.find((candidate) => candidate.target === target);
    const error = errors.get(target);
    if (error || !entry) return { ...row, error: error ?? 'not measured' };
    const rounds = entry.runs.map((run) => run.requests / run.seconds);
    const versus = (id: string) =>
      median(rounds.map((rps, round) => rps / rpsOf(id, round)).filter(Number.isFinite));
    const requests = entry.runs.reduce((sum, run) => sum + run.requests, 0);
    const cpu = entry.runs.reduce((sum, run) => sum + run.cpuMicros, 0);
    return {
      ...row,
      requestsPerSecond: median(rounds),
      roundsRequestsPerSecond: rounds.map(Math.round),
      vsNoAuth: versus(target.reference),
      vsFrameworkNoAuth: versus(target.baseline),
      p50: entry.latencies.quantile(0.5),
      p99: entry.latencies.quantile(0.99),
      cpuMicrosPerRequest: cpu / requests,
      cookieBytes: Buffer.byteLength(entry.cookie),
    };
  });
}

function shortMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}
