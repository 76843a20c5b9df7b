/**
 * Section 1: `GET /protected` with a signed-in session, each server in its own child process,
 * loaded by autocannon from this process.
 *
 * @module
 */
import type { ServerChild } from '../lib/child.js';
import { startServerChild } from '../lib/child.js';
import { type LoadOptions, type LoadResult, loadProtected } from '../lib/load.js';
import { checkProtected, signInThroughApp } from '../lib/sign-in.js';
import type { ServerKind, ServerSpec } from '../servers/spec.js';

/** One row of the throughput table. */
export interface ThroughputRow {
  kind: ServerKind;
  label: string;
  result?: LoadResult;
  /** Bytes of the `Cookie` header autocannon sent. */
  cookieBytes?: number;
  error?: string;
}

/** A server to load, with its table label. */
export interface ThroughputTarget {
  kind: ServerKind;
  label: string;
  spec: ServerSpec;
}

/** Starts each target in turn, signs in once, loads it, stops it. Failures become rows with an error. */
export async function runThroughput(
  targets: readonly ThroughputTarget[],
  options: LoadOptions,
): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const target of targets) {
    process.stderr.write(`  throughput: ${target.label}… `);
    let child: ServerChild | undefined;
    try {
      child = await startServerChild(target.spec);
      let cookie = '';
      if (target.kind !== 'no-auth')
        cookie = (await signInThroughApp(child.baseUrl, target.kind)).jar.header();
      await checkProtected(child.baseUrl, target.kind, cookie);
      const result = await loadProtected(child, cookie, options);
      if (result.failures > 0) throw new Error(`${result.failures} failed responses under load`);
      rows.push({
        kind: target.kind,
        label: target.label,
        result,
        cookieBytes: Buffer.byteLength(cookie),
      });
      process.stderr.write(`${Math.round(result.requestsPerSecond)} req/s\n`);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error))
        .split('\n')
        .slice(0, 2)
        .join(' ');
      rows.push({ kind: target.kind, label: target.label, error: message });
      process.stderr.write(`FAILED: ${message}\n`);
    } finally {
      await child?.stop();
    }
  }
  return rows;
}
