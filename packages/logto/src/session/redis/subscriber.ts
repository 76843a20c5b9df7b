/**
 * A Redis Pub/Sub subscription on its own connection (a subscribed connection can send no other
 * command), over node-redis v4/v5 or ioredis, reporting when it is live and when it dropped.
 *
 * @module
 */

/** What a subscription reports. */
export interface SubscriptionEvents {
  /** A message arrived on the channel. */
  message(text: string): void;
  /** The connection is (again) up and subscribed; messages sent while it was down were lost. */
  live(): void;
  /** The connection dropped (messages may be lost until {@link SubscriptionEvents.live}). */
  down(cause: unknown): void;
}

/** A running subscription. */
export interface Subscription {
  /** Unsubscribes and closes the connection. */
  close(): Promise<void>;
}

/** The node-redis client surface used (v4 and v5 `createClient()` / `createCluster()`). */
interface NodeRedisLike {
  duplicate(): NodeRedisLike;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
  disconnect?(): Promise<unknown>;
}

/** The ioredis client surface used (`new Redis()`; `duplicate()` connects by itself). */
interface IoRedisLike {
  status: string;
  duplicate(): IoRedisLike;
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  disconnect(): void;
}

/** True when `client` can open a subscription here (it has `duplicate()` and `on()`). */
export const canSubscribe = (client: unknown): boolean =>
  typeof client === 'object' &&
  client !== null &&
  typeof (client as { duplicate?: unknown }).duplicate === 'function' &&
  typeof (client as { on?: unknown }).on === 'function';

const isIoRedis = (client: unknown): client is IoRedisLike =>
  typeof (client as { status?: unknown }).status === 'string';

/**
 * Subscribes to `channel` on a duplicate of `client`. Resolves once subscribed; rejects when the
 * first connection fails (the duplicate keeps reconnecting by itself, and reports `live` later).
 */
export const subscribe = async (
  client: unknown,
  channel: string,
  events: SubscriptionEvents,
): Promise<Subscription> => {
  if (isIoRedis(client)) {
    const connection = client.duplicate();
    connection.on('message', (from, text) => {
      if (from === channel) events.message(String(text));
    });
    connection.on('error', (error) => events.down(error));
    connection.on('close', () => events.down(new Error('the Redis subscriber connection closed')));
    // ioredis subscribes again on reconnect (autoResubscribe) before it emits 'ready'.
    let subscribed = false;
    connection.on('ready', () => {
      if (subscribed) events.live();
    });
    await connection.subscribe(channel);
    subscribed = true;
    return { close: async () => connection.disconnect() };
  }
  const connection = (client as NodeRedisLike).duplicate();
  // An unhandled 'error' event would stop Node: a subscriber must listen.
  connection.on('error', (error) => events.down(error));
  connection.on('end', () => events.down(new Error('the Redis subscriber connection ended')));
  connection.on('reconnecting', () =>
    events.down(new Error('the Redis subscriber connection is reconnecting')),
  );
  let subscribed = false;
  // node-redis subscribes again on reconnect, before it emits 'ready'.
  connection.on('ready', () => {
    if (subscribed) events.live();
  });
  await connection.connect();
  await connection.subscribe(channel, (text) => events.message(String(text)));
  subscribed = true;
  return {
    async close() {
      const end = connection.close ?? connection.quit ?? connection.disconnect;
      await end?.call(connection);
    },
  };
};
