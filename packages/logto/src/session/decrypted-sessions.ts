/**
 * The cookie store's cache of decrypted sessions, so that a repeated cookie is not decrypted again.
 *
 * @module
 */
import { BoundedCache } from '../bounded-cache.js';
import type { SessionRecord } from './payload.js';

/** The JWE's authentication tag: the last 22 characters of a compact JWE. */
const tagOf = (value: string) => value.slice(-22);

/**
 * Decrypted sessions by exact cookie value. Entries are found by the value's authentication tag
 * and then compared whole: hashing 22 characters instead of the whole ~1.3 KB cookie on every
 * request, with the same exact-match guarantee.
 */
export class DecryptedSessions {
  readonly #entries: BoundedCache<
    string,
    { readonly value: string; readonly record: SessionRecord }
  >;

  /** @param capacity - The most sessions kept; 0 keeps none. */
  constructor(capacity: number) {
    this.#entries = new BoundedCache(capacity);
  }

  /** The session decrypted from exactly `value`, if it is held. */
  get(value: string): SessionRecord | undefined {
    const entry = this.#entries.get(tagOf(value));
    return entry !== undefined && entry.value === value ? entry.record : undefined;
  }

  /** Holds `record` as the decryption of `value`. */
  set(value: string, record: SessionRecord): void {
    this.#entries.set(tagOf(value), { value, record });
  }

  /** Forgets the session of `value`. */
  delete(value: string): void {
    const key = tagOf(value);
    if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
  }
}
