/**
 * The verified-token cache: a token seen before costs one hash lookup instead of a signature
 * check. Bounded (least recently used entries go first), keyed by the whole token string so two
 * tokens are never confused and a tampered token never hits, and an entry is never served at or
 * after the token's `exp`, measured against the verifier's clock on every hit.
 *
 * @module
 */
import type { AccessTokenClaims } from '../tokens/claims.js';

/** What the cache keeps about one verified token. */
export interface VerifiedToken {
  /** The token's claims, deeply frozen so no caller can change what later callers get. */
  readonly claims: Readonly<AccessTokenClaims>;
  /** The granted scopes, parsed once. */
  readonly scopes: ReadonlySet<string>;
  /** Expiry, in milliseconds since the epoch (the token's `exp`). */
  readonly expiresAt: number;
}

/** A bounded LRU of verified tokens. */
export class VerifiedTokenCache {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, VerifiedToken>();

  /** @param maxEntries - The most tokens kept; 0 disables the cache. */
  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The number of tokens held (expired ones included until they are looked up or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for exactly `token` when it has not expired at `now` (ms); drops an expired one. */
  get(token: string, now: number): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    this.#entries.delete(token);
    if (now >= entry.expiresAt) return undefined;
    // Re-inserting moves the entry to the young end of the Map's insertion order.
    this.#entries.set(token, entry);
    return entry;
  }

  /** Keeps `entry` for `token` (unless it has already expired at `now`), evicting the oldest. */
  set(token: string, entry: VerifiedToken, now: number): void {
    if (this.#maxEntries <= 0 || now >= entry.expiresAt) return;
    this.#entries.delete(token);
    this.#entries.set(token, entry);
    // Evict past the bound; also drop the oldest entry when it has expired, so tokens that are
    // never sent again do not wait for the bound to be reached (one check per insertion).
    for (const [oldest, held] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && now < held.expiresAt) break;
      this.#entries.delete(oldest);
    }
  }
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
