/**
 * The client's view of its {@link Storage}: every failure becomes `storage.failed` with the
 * cause chained, and the optional coordination methods are used when present.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import type { CoordinatedStorage, Storage, StorageKey } from '../storage.js';

const failed = (what: string, cause: unknown): LogtoError =>
  new LogtoError(
    'storage.failed',
    `The session storage failed to ${what}. Check the session store.`,
    {
      cause,
    },
  );

/** Wraps a {@link Storage} so that its failures are {@link LogtoError}s. */
export class GuardedStorage {
  readonly #storage: CoordinatedStorage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** Reads `key`. */
  async get(key: StorageKey): Promise<string | null> {
    try {
      return await this.#storage.getItem(key);
    } catch (cause) {
      throw failed(`read "${key}"`, cause);
    }
  }

  /** Writes `key`. */
  async set(key: StorageKey, value: string): Promise<void> {
    try {
      await this.#storage.setItem(key, value);
    } catch (cause) {
      throw failed(`write "${key}"`, cause);
    }
  }

  /** Removes `key`. */
  async remove(key: StorageKey): Promise<void> {
    try {
      await this.#storage.removeItem(key);
    } catch (cause) {
      throw failed(`remove "${key}"`, cause);
    }
  }

  /** Re-reads the session from its backing store, when the storage can. */
  async reload(): Promise<void> {
    if (typeof this.#storage.reload !== 'function') return;
    try {
      await this.#storage.reload();
    } catch (cause) {
      throw failed('reload the session', cause);
    }
  }

  /**
   * Runs `task` under the storage's lock `name` when it has one, else directly. Errors of
   * `task` pass through unchanged; a failure of the lock itself is `storage.failed` (unless the
   * store already reported it as a {@link LogtoError}, e.g. `session.lock_timeout`).
   */
  async withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
    const storage = this.#storage;
    if (typeof storage.withLock !== 'function') return task();
    const taskFailure: { error?: unknown } = {};
    try {
      return await storage.withLock<T>(name, async () => {
        try {
          return await task();
        } catch (error) {
          taskFailure.error = error;
          throw error;
        }
      });
    } catch (error) {
      if ('error' in taskFailure && error === taskFailure.error) throw error;
      if (error instanceof LogtoError) throw error;
      throw failed(`lock "${name}"`, error);
    }
  }
}
