/**
 * Section 3: runs `verify-worker.ts` in a child process (so the load on logto-dev and the other
 * sections' garbage stay out of its timings) and returns its figures.
 *
 * @module
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup, trackPid } from '../lib/cleanup.js';
import type { VerifyAlgorithmResult } from './verify-worker.js';

/** Section 3's figures, or why there are none. */
export interface VerifyReport {
  results?: VerifyAlgorithmResult[];
  error?: string;
}

type WorkerMessage =
  | { type: 'verify'; results: VerifyAlgorithmResult[] }
  | { type: 'error'; message: string };

/** Forks the worker and waits for its figures (at most 3 minutes). */
export async function runVerifySection(): Promise<VerifyReport> {
  const child = fork(fileURLToPath(new URL('./verify-worker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const untrack = trackPid(child.pid);
  child.on('error', (error) => process.stderr.write(`  [verify] ${error.message}\n`));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      untrack();
      resolve();
    }),
  );
  const stop = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  try {
    return await new Promise<VerifyReport>((resolve) => {
      const timer = setTimeout(
        () => resolve({ error: 'the verification worker took over 3 minutes' }),
        180_000,
      );
      child.on('message', (message: WorkerMessage) => {
        clearTimeout(timer);
        resolve(
          message.type === 'verify' ? { results: message.results } : { error: message.message },
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ error: `the verification worker exited (${code}) without figures` });
      });
    });
  } finally {
    await stop();
  }
}
