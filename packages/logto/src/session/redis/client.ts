/**
 * The few Redis commands the session store sends, over any established client.
 *
 * @module
 */
import { LogtoError } from '../../errors.js';

/** A client with node-redis's `sendCommand(args)` (node-redis v4/v5 `createClient()`). */
export interface RedisSendCommandClient {
  /**
   * Sends one raw command, e.g. `['GET', key]`. The store passes an `abortSignal` that fires when
   * its `commandTimeout` passes (node-redis then drops the command if it is still queued).
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

/** Wraps `client` so that commands time out after `timeout` ms and fail only with `LogtoError`. */
export const redisCommands = (client: RedisClientLike, timeout: number): RedisCommands => {
  const raw: (args: string[], abortSignal: AbortSignal) => Promise<unknown> =
    'sendCommand' in client && typeof client.sendCommand === 'function'
      ? (args, abortSignal) => client.sendCommand(args, { abortSignal })
      : 'call' in client && typeof client.call === 'function'
        ? ([command = '', ...rest]) => client.call(command, ...rest)
        : () => Promise.reject(new TypeError('not a Redis client'));
  const withTimeout = async (args: string[]): Promise<unknown> => {
    let timer: NodeJS.Timeout | undefined;
    const abort = new AbortController();
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`Redis did not answer within ${timeout} ms`));
        abort.abort();
      }, timeout);
    });
    try {
      return await Promise.race([raw(args, abort.signal), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
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
