/**
 * One real logto-dev per test file: started on a random loopback port before the file's first
 * test and stopped after its last.
 */
import { type LogtoDev, startLogtoDev } from 'logto-dev';
import { afterAll, beforeAll } from 'vitest';

/** The options of `startLogtoDev`, but the port (always a random one). */
export type LogtoDevOptions = Omit<NonNullable<Parameters<typeof startLogtoDev>[0]>, 'port'>;

/**
 * Registers the `beforeAll`/`afterAll` hooks that start and stop a logto-dev for the calling test
 * file, and returns a stand-in for it: its members read the running instance, so they may be used
 * in tests and hooks (not at the top level of the file, where it is not started yet).
 */
export const logtoDevPerFile = (options: LogtoDevOptions = {}): LogtoDev => {
  let started: LogtoDev | undefined;
  beforeAll(async () => {
    started = await startLogtoDev({ ...options, port: 0 });
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  const running = () => {
    if (!started) throw new Error('logto-dev is not running: use it inside a test or a hook');
    return started;
  };
  return {
    get endpoint() {
      return running().endpoint;
    },
    get issuer() {
      return running().issuer;
    },
    get config() {
      return running().config;
    },
    get requests() {
      return running().requests;
    },
    resetRequests: () => running().resetRequests(),
    rotateSigningKey: () => running().rotateSigningKey(),
    updateApplication: (id, changes) => running().updateApplication(id, changes),
    stop: () => running().stop(),
  };
};
