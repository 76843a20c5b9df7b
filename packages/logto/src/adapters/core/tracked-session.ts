/**
 * A request session that tells its adapter the moment it first needs committing, so that the
 * adapter holds the response back only then (a read-only request is never held).
 *
 * @module
 */
import type { RequestSession } from '../../session/types.js';

/**
 * Wraps a store's {@link RequestSession}: every call is forwarded; after each change (and once
 * at the start, for a session whose rolling expiry is due) `onNeedsCommit` is called, once, as
 * soon as the session reports {@link RequestSession.needsCommit}. A store that does not report it
 * counts as always needing a commit.
 */
export class TrackedSession implements RequestSession {
  readonly #inner: RequestSession;
  #onNeedsCommit: (() => void) | undefined;

  /** @inheritDoc */
  readonly withLock?: <T>(name: string, task: () => Promise<T>) => Promise<T>;
  /** @inheritDoc */
  readonly reload?: () => Promise<void>;
  /** @inheritDoc */
  readonly addTags?: (tags: readonly string[]) => Promise<void>;

  constructor(inner: RequestSession, onNeedsCommit: (() => void) | undefined) {
    this.#inner = inner;
    this.#onNeedsCommit = onNeedsCommit;
    // The optional capabilities exist exactly when the store's session has them.
    if (typeof inner.withLock === 'function') {
      this.withLock = (name, task) => this.#track(inner.withLock!(name, task));
    }
    if (typeof inner.reload === 'function') {
      this.reload = () => this.#track(inner.reload!());
    }
    if (typeof inner.addTags === 'function') {
      this.addTags = (tags) => this.#track(inner.addTags!(tags));
    }
    this.#check();
  }

  /** @inheritDoc */
  get isNew(): boolean {
    return this.#inner.isNew;
  }

  /** @inheritDoc */
  get needsCommit(): boolean {
    return this.#inner.needsCommit !== false;
  }

  /** @inheritDoc */
  getItem(key: string): Promise<string | null> {
    return this.#inner.getItem(key);
  }

  /** @inheritDoc */
  setItem(key: string, value: string): Promise<void> {
    return this.#track(this.#inner.setItem(key, value));
  }

  /** @inheritDoc */
  removeItem(key: string): Promise<void> {
    return this.#track(this.#inner.removeItem(key));
  }

  /** @inheritDoc */
  regenerate(): Promise<void> {
    return this.#track(this.#inner.regenerate());
  }

  /** @inheritDoc */
  destroy(): Promise<void> {
    return this.#track(this.#inner.destroy());
  }

  /** @inheritDoc */
  commit(): Promise<string[]> {
    return this.#inner.commit();
  }

  /** Checks once `operation` settled, whether it succeeded or not (it may have changed something). */
  async #track<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } finally {
      this.#check();
    }
  }

  #check(): void {
    const notify = this.#onNeedsCommit;
    if (notify !== undefined && this.#inner.needsCommit !== false) {
      this.#onNeedsCommit = undefined;
      notify();
    }
  }
}
