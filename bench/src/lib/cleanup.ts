/**
 * One list of things to stop (child processes, redis-server, logto-dev), run once on normal exit,
 * on an error, and on SIGINT/SIGTERM, so the bench never leaves a process behind.
 *
 * @module
 */

type Stopper = () => Promise<void> | void;

const stoppers: Stopper[] = [];
let stopping: Promise<void> | undefined;

/** Registers a stopper; returns a function that runs it now and removes it from the list. */
export function onCleanup(stop: Stopper): () => Promise<void> {
  stoppers.push(stop);
  return async () => {
    const index = stoppers.indexOf(stop);
    if (index === -1) return;
    stoppers.splice(index, 1);
    await stop();
  };
}

/** Runs every registered stopper, newest first; errors are reported, never thrown. */
export function cleanupAll(): Promise<void> {
  stopping ??= (async () => {
    while (stoppers.length > 0) {
      const stop = stoppers.pop();
      try {
        await stop?.();
      } catch (error) {
        console.error('bench: cleanup failed:', error);
      }
    }
  })();
  return stopping;
}

const pids = new Set<number>();

/**
 * Remembers a child process: if this process exits without running the stoppers (a crash), the
 * `exit` handler still kills it, so no redis-server or server child outlives the bench.
 */
export function trackPid(pid: number | undefined): () => void {
  if (pid === undefined) return () => {};
  pids.add(pid);
  return () => pids.delete(pid);
}

process.on('exit', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Stops everything on SIGINT/SIGTERM (then exits with the signal's conventional code) and on an
 * uncaught error (then exits with 1).
 */
export function installSignalHandlers(): void {
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.once(event, (error: unknown) => {
      console.error(`bench: ${event}:`, error);
      void cleanupAll().finally(() => process.exit(1));
    });
  }
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping child processes…`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
