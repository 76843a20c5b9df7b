/**
 * The client's view of its {@link Storage}: every failure becomes `storage.failed` with the
 * cause chained, and the optional coordination methods are used when present.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import type { CoordinatedStorage, Storage, StorageKey } from '../storage.js';

const failed = (what: string, cause: unknown): LogtoError => {
  const message = `The session storage failed to ${what}. Check the session store.`;
  return new LogtoError('storage.failed', message, { cause });
};

/** Runs `action`, turning its failure into `storage.failed` (failing to `what`). */
const guard = async <T>(what: string, action: () => Promise<T> | T): Promise<T> => {
  try {
    return await action();
  } catch (cause) {
    throw failed(what, cause);
  }
};

/** Wraps a {@link Storage} so that its failures are {@link LogtoError}s. */
export class GuardedStorage {
  readonly #storage: CoordinatedStorage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** Reads `key`. */
  get(key: StorageKey): Promise<string | null> {
    return guard(`read "${key}"`, () => this.#storage.getItem(key));
  }

  /** Writes `key`. */
  set(key: StorageKey, value: string): Promise<void> {
    return guard(`write "${key}"`, () => this.#storage.setItem(key, value));
  }

  /** Removes `key`. */
  remove(key: StorageKey): Promise<void> {
    return guard(`remove "${key}"`, () => this.#storage.removeItem(key));
  }

  /** Re-reads the session from its backing store, when the storage can. */
  async reload(): Promise<void> {
    if (typeof this.#storage.reload !== 'function') return;
    await guard('reload the session', () => this.#storage.reload?.());
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
