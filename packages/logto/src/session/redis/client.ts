/**
 * The few Redis commands the session store sends, over any established client.
 *
 * @module
 */
import { setMaxListeners } from 'node:events';
import { LogtoError } from '../../errors.js';

/** A client with node-redis's `sendCommand(args)` (node-redis v4/v5 `createClient()`). */
export interface RedisSendCommandClient {
  /** Sends one raw command, e.g. `['GET', key]`; `abortSignal` fires after `commandTimeout`. */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** A node-redis Cluster client (`createCluster()`), told apart by its `getSlotMaster` method. */
export interface RedisClusterSendCommandClient {
  /** Sends one raw command to the master that serves `firstKey` (following `MOVED` and `ASK`). */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
  /** The master that serves a hash slot (only used to recognise a cluster client). */
  getSlotMaster(slot: number): unknown;
}

/** A client with ioredis's `call(command, ...args)`: `new Redis()` or `new Cluster()`. */
export interface RedisCallClient {
  /** Sends one raw command, e.g. `call('GET', key)`. */
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * Any established Redis client: node-redis (`sendCommand`), ioredis (`call`), or your own object
 * with one of these methods. Every command and script touches exactly one key.
 */
export type RedisClientLike =
  | RedisSendCommandClient
  | RedisClusterSendCommandClient
  | RedisCallClient;

/** Raw commands (`[command, key, ...]`) with a timeout; every failure is `session.store_unavailable`. */
export interface RedisCommands {
  send(args: string[]): Promise<unknown>;
  /** Runs a Lua script on one key by its SHA-1 (with `EVAL` when the server does not know it yet). */
  script(script: LuaScript, key: string, args: string[]): Promise<unknown>;
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
 * The commands sent within one slot (a tenth of the timeout) share one `AbortController` and one
 * timer: a controller and a timer per command cost more CPU than the `GET` itself.
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

/** The key a command of the store touches: the first after the command, or a script's one key. */
const keyOf = (args: readonly string[]): string | undefined =>
  args[0] === 'EVALSHA' || args[0] === 'EVAL' ? args[3] : args[1];

/** How to send one raw command (`[command, ...args]`) through `client`, whatever its kind. */
const rawSender = (
  client: RedisClientLike,
): ((args: string[], abortSignal: AbortSignal) => Promise<unknown>) => {
  // ioredis clients also have a `sendCommand`, but one that takes a Command object: test `call` first.
  if ('call' in client && typeof client.call === 'function') {
    return ([command = '', ...rest]) => client.call(command, ...rest);
  }
  if ('getSlotMaster' in client && typeof client.getSlotMaster === 'function') {
    // Not read-only, even for GET: a replica may not have the write a request just made yet.
    return (args, abortSignal) => client.sendCommand(keyOf(args), false, args, { abortSignal });
  }
  if ('sendCommand' in client && typeof client.sendCommand === 'function') {
    return (args, abortSignal) =>
      (client as RedisSendCommandClient).sendCommand(args, { abortSignal });
  }
  return () => Promise.reject(new TypeError('not a Redis client'));
};

/** Wraps `client` so that commands time out after `timeout` ms and fail only with `LogtoError`. */
export const redisCommands = (client: RedisClientLike, timeout: number): RedisCommands => {
  const raw = rawSender(client);
  const deadlines = new DeadlineSlots(timeout);
  const withTimeout = (args: string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const slot = deadlines.current();
      slot.pending.add(reject);
      raw(args, slot.signal)
        .finally(() => slot.pending.delete(reject))
        .then(resolve, reject);
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
    async script(script, key, args) {
      const tail = ['1', key, ...args];
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
