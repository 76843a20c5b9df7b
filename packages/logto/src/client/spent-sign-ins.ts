/**
 * Sign-in sessions already spent in this process.
 *
 * Removing the sign-in session from storage makes a callback one-use for that storage. With
 * cookie sessions every request carries its own copy of the session, so two requests with the
 * same cookie (a double submit, or a replayed callback URL with a captured cookie) would each
 * still find it. Remembering the hash of every spent `state` for the sign-in session lifetime
 * makes the callback one-use across all copies handled by this process.
 *
 * @module
 */
import { namespacedKey } from './random.js';
import { signInSessionLifetime } from './sign-in-session.js';

/** At most this many spent sign-ins are remembered (the oldest are forgotten first). */
export const maxRememberedSignIns = 100_000;

/** A set of spent sign-ins that forgets entries after {@link signInSessionLifetime}. */
export class SpentSignIns {
  /** Hash → when it may be forgotten (epoch ms); insertion order is expiry order. */
  readonly #spent = new Map<string, number>();

  /**
   * Marks the sign-in identified by `namespace` and `state` as spent.
   *
   * @returns `true` the first time, `false` when it was already spent.
   */
  claim(namespace: string, state: string, now = Date.now()): boolean {
    this.#forgetExpired(now);
    const key = namespacedKey(namespace, state);
    if (this.#spent.has(key)) return false;
    this.#spent.set(key, now + signInSessionLifetime);
    if (this.#spent.size > maxRememberedSignIns) {
      const oldest = this.#spent.keys().next();
      if (!oldest.done) this.#spent.delete(oldest.value);
    }
    return true;
  }

  #forgetExpired(now: number): void {
    for (const [key, forgetAt] of this.#spent) {
      if (forgetAt > now) return;
      this.#spent.delete(key);
    }
  }
}

/** The process-wide set used by every {@link LogtoClient}. */
export const spentSignIns: SpentSignIns = new SpentSignIns();
