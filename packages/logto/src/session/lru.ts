/**
 * A small bounded map that evicts entries not used recently.
 *
 * @module
 */

interface Entry<V> {
  readonly value: V;
  /** Read since it was inserted or last given its second chance. */
  used: boolean;
}

/**
 * A `Map` that keeps at most `capacity` entries. Eviction is "second chance" (an approximation of
 * least-recently-used): the oldest entry goes, unless it was read since it was last considered, in
 * which case it moves to the back once. A hit is a single `Map` lookup and a flag write, so reads
 * on the hot path stay cheap (a full LRU moves the entry on every read).
 */
export class LruCache<K, V> {
  readonly #capacity: number;
  readonly #entries = new Map<K, Entry<V>>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The value for `key` (now marked as used), or `undefined`. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** Stores `value` under `key`, evicting an entry not used recently when full. */
  set(key: K, value: V): void {
    if (this.#capacity <= 0) return;
    const entries = this.#entries;
    entries.delete(key);
    entries.set(key, { value, used: false });
    // Each pass either evicts the oldest entry or clears its flag and moves it back: after at
    // most `size` moves an entry without the flag, other than `key`, comes up.
    while (entries.size > this.#capacity) {
      const oldest = entries.entries().next();
      if (oldest.done) break;
      const [oldestKey, entry] = oldest.value;
      entries.delete(oldestKey);
      // The entry just stored is never the one evicted.
      if (entry.used || oldestKey === key) {
        entry.used = false;
        entries.set(oldestKey, entry);
      }
    }
  }

  /** Forgets `key`. */
  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** The number of entries held. */
  get size(): number {
    return this.#entries.size;
  }
}
