/**
 * The one bounded in-memory LRU cache of this SDK, with optional per-entry expiry.
 *
 * @module
 */

interface Entry<V> {
  readonly value: V;
  /** Epoch milliseconds at and after which the entry is not served; `Infinity` for never. */
  readonly expiresAt: number;
}

/**
 * A `Map` of at most `maxEntries` entries in least-recently-used order. Times are epoch ms; methods
 * take the current time so a caller with its own clock stays consistent (default `Date.now()`).
 */
export class BoundedCache<K, V> {
  readonly #maxEntries: number;
  readonly #entries = new Map<K, Entry<V>>();

  /** @param maxEntries - The most entries kept; 0 keeps nothing. */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The number of entries held (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key` unless it has expired at `now` (an expired entry is dropped). */
  get(key: K, now?: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt !== Number.POSITIVE_INFINITY && (now ?? Date.now()) >= entry.expiresAt) {
      return undefined;
    }
    // Re-inserting moves the entry to the young end of the Map's insertion order.
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Whether `key` is held and has not expired at `now`. */
  has(key: K, now?: number): boolean {
    return this.get(key, now) !== undefined;
  }

  /**
   * Keeps `value` under `key` until `expiresAt`, then evicts entries past the bound and expired
   * ones at the old end (so entries never looked up again do not wait for the bound).
   */
  set(key: K, value: V, expiresAt = Number.POSITIVE_INFINITY, now = Date.now()): void {
    if (this.#maxEntries <= 0 || now >= expiresAt) return;
    const entries = this.#entries;
    entries.delete(key);
    entries.set(key, { value, expiresAt });
    for (const [oldest, held] of entries) {
      if (entries.size <= this.#maxEntries && now < held.expiresAt) break;
      entries.delete(oldest);
    }
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.#entries.delete(key);
  }
}
