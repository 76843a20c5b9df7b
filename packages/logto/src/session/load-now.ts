/**
 * Internal: how the SDK's own stores hand over a session without a promise when they can (the
 * cookie store decrypts synchronously, or finds the session in its cache). Adapters use it to
 * answer a guard in the same tick; a store without it is loaded through `load()` as always.
 *
 * @module
 */
import type { RequestSession, SessionLoadContext } from './types.js';

/** The method of a store that loads a session synchronously (same result as `load()`). */
export const loadNow: unique symbol = Symbol('logto.session.loadNow');

/** The method of a request session that reads an item synchronously (same value as `getItem`). */
export const readNow: unique symbol = Symbol('logto.session.readNow');

/** A request session whose items can be read synchronously. */
export interface ReadableNow {
  /** The value stored under `key`, or `null`: what `getItem` resolves to. */
  [readNow](key: string): string | null;
}

/** A store that can load a session synchronously. */
export interface LoadableNow {
  /** What `load()` resolves to, returned directly; throws what `load()` rejects with. */
  [loadNow](
    cookieHeader: string | undefined,
    context: SessionLoadContext,
  ): RequestSession & ReadableNow;
}

/** Whether `store` offers {@link loadNow}. */
export const canLoadNow = (store: object): store is LoadableNow =>
  typeof (store as Partial<LoadableNow>)[loadNow] === 'function';

/** Whether `session` offers {@link readNow}. */
export const canReadNow = (session: object): session is ReadableNow =>
  typeof (session as Partial<ReadableNow>)[readNow] === 'function';
