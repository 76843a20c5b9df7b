/**
 * The few Redis commands the session store sends, over any established client.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { LogtoError } from '../../errors.js';

/** A client with node-redis's `sendCommand(args)` (node-redis v4/v5 `createClient()`). */
export interface RedisSendCommandClient {
  /**
   * Sends one raw command, e.g. `['GET', key]`. The store passes an `abortSignal` that fires once
   * the command has waited its `commandTimeout` (node-redis then drops it if it is still queued);
   * commands sent close together share one signal.
   */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** A client with ioredis's `call(command, ...args)` (`new Redis()` from `ioredis`). */
export interface RedisCallClient {
  /** Sends one raw command, e.g. `call('GET', key)`. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * Any established Redis client: node-redis (`sendCommand`) or ioredis (`call`), or your own object
 * with either method. Commands used: `GET`, `SET … PX … [NX]`, `DEL`, `SMEMBERS`, `EVALSHA`, `EVAL` (scripts: `GET`, `SET`, `DEL`, `SADD`, `PEXPIRE`).
 */
export type RedisClientLike = RedisSendCommandClient | RedisCallClient;

/** Sends raw commands with a timeout, turning every failure into `session.store_unavailable`. */
export interface RedisCommands {
  send(args: string[]): Promise<unknown>;
  /** Runs a Lua script by its SHA-1, loading it with `EVAL` when the server does not know it yet. */
  script(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
}

/** A Lua script and its SHA-1 digest. */
export interface LuaScript {
  source: string;
  sha: string;
}

const unavailable = (cause: unknown) =>
  new LogtoError(
    'session.store_unavailable',
    'The Redis session store did not answer. Check that Redis is running and reachable; the request cannot use its session until it is.',
    { cause },
  );

const isNoScript = (error: unknown) =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

/** The commands sent within one slot of time, and the abort signal they share. */
interface DeadlineSlot {
  /** Until when (a `performance.now()` time) new commands join this slot. */
  readonly closesAt: number;
  readonly signal: AbortSignal;
  /** How to fail each command of the slot still waiting when the slot expires. */
  readonly pending: Set<(error: Error) => void>;
}

/**
 * Command deadlines shared by slots of time. The commands sent within one slot (a tenth of the
 * timeout) share one `AbortController` and one timer, which fire once the slot's last command has
 * had `timeout` ms: each command gets between `timeout` and 1.1 × `timeout`. Creating a controller
 * and a timer for every command cost more CPU than the `GET` itself.
 */
class DeadlineSlots {
  readonly #timeout: number;
  readonly #width: number;
  #current: DeadlineSlot | undefined;

  constructor(timeout: number) {
    this.#timeout = timeout;
    this.#width = Math.max(1, timeout / 10);
  }

  /** The slot a command sent now belongs to. */
  current(): DeadlineSlot {
    const now = performance.now();
    const open = this.#current;
    if (open !== undefined && now < open.closesAt) return open;
    const controller = new AbortController();
    // Every command of the slot (node-redis adds one abort listener each) shares the signal by
    // design: many listeners on it are no leak.
    setMaxListeners(Number.POSITIVE_INFINITY, controller.signal);
    const slot: DeadlineSlot = {
      closesAt: now + this.#width,
      signal: controller.signal,
      pending: new Set(),
    };
    const timer = setTimeout(() => {
      if (this.#current === slot) this.#current = undefined;
      if (slot.pending.size === 0) return;
      const error = new Error(`Redis did not answer within ${this.#timeout} ms`);
      for (const fail of slot.pending) fail(error);
      slot.pending.clear();
      controller.abort(error);
    }, this.#timeout + this.#width);
    // A pending deadline must not keep the process alive on its own.
    timer.unref();
    this.#current = slot;
    return slot;
  }
}

/** Wraps `client` so that commands time out after `timeout` ms and fail only with `LogtoError`. */
export const redisCommands = (client: RedisClientLike, timeout: number): RedisCommands => {
  const raw: (args: string[], abortSignal: AbortSignal) => Promise<unknown> =
    'sendCommand' in client && typeof client.sendCommand === 'function'
      ? (args, abortSignal) => client.sendCommand(args, { abortSignal })
      : 'call' in client && typeof client.call === 'function'
        ? ([command = '', ...rest]) => client.call(command, ...rest)
        : () => Promise.reject(new TypeError('not a Redis client'));
  const deadlines = new DeadlineSlots(timeout);
  const withTimeout = (args: string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const slot = deadlines.current();
      slot.pending.add(reject);
      raw(args, slot.signal).then(
        (value) => {
          slot.pending.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          slot.pending.delete(reject);
          reject(error);
        },
      );
    });
  const send = async (args: string[]) => {
    try {
      return await withTimeout(args);
    } catch (error) {
      throw unavailable(error);
    }
  };
  return {
    send,
    async script(script, keys, args) {
      const tail = [String(keys.length), ...keys, ...args];
      try {
        return await withTimeout(['EVALSHA', script.sha, ...tail]);
      } catch (error) {
        if (!isNoScript(error)) throw unavailable(error);
      }
      return send(['EVAL', script.source, ...tail]);
    },
  };
};

/** True when `value` can be used as a Redis client by this store. */
export const isRedisClientLike = (value: unknown): value is RedisClientLike =>
  typeof value === 'object' &&
  value !== null &&
  (typeof (value as { sendCommand?: unknown }).sendCommand === 'function' ||
    typeof (value as { call?: unknown }).call === 'function');
