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
import { BoundedCache } from '../bounded-cache.js';
import { namespacedKey } from './hashed-key.js';
import { signInSessionLifetime } from './sign-in-session.js';

/** At most this many spent sign-ins are remembered (the least recently seen are forgotten first). */
export const maxRememberedSignIns = 100_000;

/** Hashes of spent states, each kept for {@link signInSessionLifetime}. */
const spent = new BoundedCache<string, true>(maxRememberedSignIns);

/**
 * Marks the sign-in identified by `namespace` (the application and provider) and `state` as
 * spent.
 *
 * @returns `true` the first time, `false` when it was already spent.
 */
export function claimSignIn(namespace: string, state: string, now = Date.now()): boolean {
  const key = namespacedKey(namespace, state);
  if (spent.has(key, now)) return false;
  spent.set(key, true, now + signInSessionLifetime, now);
  return true;
}
