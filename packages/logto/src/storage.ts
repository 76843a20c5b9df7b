/**
 * The storage contract between {@link LogtoClient} and wherever a user's session lives.
 *
 * @module
 */

/** The keys {@link LogtoClient} reads and writes (the Python SDK's keys). */
export type StorageKey = 'idToken' | 'refreshToken' | 'accessTokenMap' | 'signInSession';

/**
 * Where the client keeps one user's tokens and pending sign-in. Every method is async so that a
 * storage can sit on a cookie session, Redis, a database or anything else.
 *
 * Values are opaque strings: a storage must give back exactly what it was given.
 */
export interface Storage {
  /** The value stored under `key`, or `null` when there is none. */
  getItem(key: StorageKey): Promise<string | null>;
  /** Stores `value` under `key`, replacing any previous value. */
  setItem(key: StorageKey, value: string): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  removeItem(key: StorageKey): Promise<void>;
}

/**
 * Optional capabilities a storage may offer. {@link LogtoClient} uses them when present, so that
 * several app instances sharing one session coordinate instead of racing.
 */
export interface CoordinatedStorage extends Storage {
  /**
   * Runs `task` while holding an exclusive lock named `name` for this session, across every
   * process that shares the session (for example through Redis). Used around refresh grants.
   */
  withLock?<T>(name: string, task: () => Promise<T>): Promise<T>;
  /**
   * Drops whatever the storage cached for this request and reads the session again from its
   * backing store, so that the next `getItem` sees what another instance wrote.
   */
  reload?(): Promise<void>;
}

/**
 * A storage in process memory: for tests, scripts and development. Each instance is its own
 * session; nothing is shared between instances.
 */
export class MemoryStorage implements Storage {
  readonly #items = new Map<StorageKey, string>();

  /** @inheritDoc */
  async getItem(key: StorageKey): Promise<string | null> {
    return this.#items.get(key) ?? null;
  }

  /** @inheritDoc */
  async setItem(key: StorageKey, value: string): Promise<void> {
    this.#items.set(key, value);
  }

  /** @inheritDoc */
  async removeItem(key: StorageKey): Promise<void> {
    this.#items.delete(key);
  }
}
