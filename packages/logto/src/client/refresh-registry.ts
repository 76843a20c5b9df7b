/**
 * Refresh single-flight across the whole process, keyed by a hash of the refresh token. Spending a
 * rotating refresh token twice breaks the session, so grants with one token run one at a time, and
 * for {@link rotationMemory} a waiting caller takes the access token just obtained, and a caller
 * holding a just-rotated token adopts the new one instead of spending the old one.
 *
 * @module
 */
import { isLogtoError } from '../errors.js';
import type { AccessTokenEntry } from './access-token-map.js';
import { isAccessTokenFresh } from './access-token-map.js';
import { namespacedKey } from './hashed-key.js';

/** How long (ms) a completed grant's outcome and a rotation are remembered: one minute. */
export const rotationMemory = 60_000;

/** A rotation: the refresh token that replaced the one a caller holds, and its (verified) ID token. */
export type Rotation = Pick<GrantOutcome, 'idToken'> & {
  /** The new refresh token. */
  refreshToken: string;
};

/** What one refresh grant produced. */
export interface GrantOutcome {
  /** The access token, ready to cache. */
  entry: AccessTokenEntry;
  /** The refresh token of the response, if any (rotated or the same). */
  refreshToken?: string;
  /** The verified ID token of the response, if any. */
  idToken?: string;
}

/** One caller's request to the registry. */
export interface RefreshRequest {
  /** Separates applications and providers: e.g. endpoint + app id. */
  namespace: string;
  /** The refresh token the caller holds. */
  refreshToken: string;
  /** The access-token cache key the caller wants. */
  tokenKey: string;
  /** From {@link RefreshRegistry.ticket}, taken before the caller read its storage. */
  ticket: number;
  /** Performs the grant (and verifies the ID token) with the given refresh token. */
  grant(refreshToken: string): Promise<GrantOutcome>;
  /** Stores a rotation in the caller's own storage before the caller goes on with the new token. */
  adopt(rotation: Rotation): Promise<void>;
}

interface Remembered<T> {
  value: T;
  /** The registry sequence number when it was recorded. */
  sequence: number;
  /** Epoch ms after which it is forgotten. */
  forgetAt: number;
}

interface Slot {
  tail: Promise<void>;
  holders: number;
  rotation?: Remembered<Rotation>;
  results: Map<string, Remembered<GrantOutcome>>;
  failures: Map<string, Remembered<unknown>>;
  cleanup?: ReturnType<typeof setTimeout>;
}

/** A failure that concerns the refresh token itself, whatever the token key. */
const anyKey = '\u0000refresh_token';
/** A guard against a provider that hands back earlier refresh tokens in a cycle. */
const maxRotationHops = 32;

const remember = <T>(value: T, sequence: number): Remembered<T> => ({
  value,
  sequence,
  forgetAt: Date.now() + rotationMemory,
});

const alive = <T>(remembered: Remembered<T> | undefined, now: number) =>
  remembered !== undefined && remembered.forgetAt > now ? remembered : undefined;

/**
 * The single-flight registry. Every {@link LogtoClient} shares one process-wide instance unless
 * {@link LogtoClientOptions.refreshRegistry} names another.
 */
export class RefreshRegistry {
  readonly #slots = new Map<string, Slot>();
  #sequence = 0;

  /** A number that orders callers and grants: take it before reading storage. */
  ticket(): number {
    this.#sequence += 1;
    return this.#sequence;
  }

  /** How many slots are held (for tests: the registry must not grow without bound). */
  get size(): number {
    return this.#slots.size;
  }

  /**
   * Gets the access token for `request.tokenKey`, spending each refresh token at most once at a
   * time in this process.
   */
  async run(request: RefreshRequest): Promise<GrantOutcome> {
    let refreshToken = request.refreshToken;
    for (let hop = 0; hop < maxRotationHops; hop += 1) {
      const key = namespacedKey(request.namespace, refreshToken);
      const slot = this.#slot(key);
      const release = await this.#acquire(slot);
      try {
        const now = Date.now();
        const rotation = alive(slot.rotation, now);
        const result = alive(slot.results.get(request.tokenKey), now);
        if (result && result.sequence > request.ticket && isAccessTokenFresh(result.value.entry)) {
          if (rotation) await request.adopt(rotation.value);
          return { entry: result.value.entry, idToken: result.value.idToken };
        }
        const failure =
          alive(slot.failures.get(request.tokenKey), now) ?? alive(slot.failures.get(anyKey), now);
        if (failure && failure.sequence > request.ticket) throw failure.value;
        if (rotation) {
          await request.adopt(rotation.value);
          refreshToken = rotation.value.refreshToken;
          continue;
        }
        return await this.#grant(slot, request, refreshToken);
      } finally {
        release();
        this.#settle(key, slot);
      }
    }
    // Unreachable with a sane provider: give the last token a try rather than loop forever.
    return request.grant(refreshToken);
  }

  async #grant(slot: Slot, request: RefreshRequest, refreshToken: string): Promise<GrantOutcome> {
    try {
      const outcome = await request.grant(refreshToken);
      const sequence = this.ticket();
      slot.results.set(request.tokenKey, remember(outcome, sequence));
      if (outcome.refreshToken !== undefined && outcome.refreshToken !== refreshToken) {
        const { refreshToken: rotated, idToken } = outcome;
        slot.rotation = remember({ refreshToken: rotated, idToken }, sequence);
      }
      return outcome;
    } catch (error) {
      const key = isLogtoError(error, 'token.invalid_grant') ? anyKey : request.tokenKey;
      slot.failures.set(key, remember(error, this.ticket()));
      throw error;
    }
  }

  #slot(key: string): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { tail: Promise.resolve(), holders: 0, results: new Map(), failures: new Map() };
      this.#slots.set(key, slot);
    }
    if (slot.cleanup) {
      clearTimeout(slot.cleanup);
      delete slot.cleanup;
    }
    slot.holders += 1;
    return slot;
  }

  async #acquire(slot: Slot): Promise<() => void> {
    const previous = slot.tail;
    let release: () => void = () => undefined;
    slot.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }

  /** Forgets an idle slot once nothing in it can be useful any more. */
  #settle(key: string, slot: Slot): void {
    slot.holders -= 1;
    if (slot.holders > 0) return;
    if (!slot.rotation && slot.results.size === 0 && slot.failures.size === 0) {
      this.#slots.delete(key);
      return;
    }
    slot.cleanup = setTimeout(() => {
      if (slot.holders === 0 && this.#slots.get(key) === slot) this.#slots.delete(key);
    }, rotationMemory);
    slot.cleanup.unref?.();
  }
}

/** The process-wide registry shared by every {@link LogtoClient}. */
export const refreshRegistry: RefreshRegistry = new RefreshRegistry();
