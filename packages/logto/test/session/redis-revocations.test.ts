/**
 * The revocation list shared through a real redis-server: an end added by one instance reaches
 * another by Pub/Sub, is loaded at start by a new one, survives a lost subscription (read again
 * on reconnection), and expires with the sessions' absolute lifetime. No Redis call per check.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createRedisRevocations,
  type RedisRevocations,
  type RedisRevocationsOptions,
} from '../../src/session/redis/index.js';
import { recordingLogger } from './helpers.js';

type Client = ReturnType<typeof createClient>;

let first: Client;
let second: Client;
const lists: RedisRevocations[] = [];

beforeAll(async () => {
  first = await createClient({ url: inject('redisUrl') }).connect();
  second = await createClient({ url: inject('redisUrl') }).connect();
});
afterAll(async () => {
  await Promise.all(lists.map((list) => list.close()));
  await first?.quit();
  await second?.quit();
});

const open = (client: Client, options: Partial<RedisRevocationsOptions> = {}) => {
  const list = createRedisRevocations({ client, logger: { warn() {} }, ...options });
  lists.push(list);
  return list;
};

const inAnHour = () => Date.now() / 1000 + 3600;

/** Waits until `check` holds, for at most `ms`; returns how long it took. */
const within = async (ms: number, check: () => boolean) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
};

describe('Redis revocation list', () => {
  it('an end added on one instance is known on another within a second, by Pub/Sub', async () => {
    const key = `revocations:${randomUUID()}`;
    const a = open(first, { key });
    const b = open(second, { key });
    await Promise.all([a.ready, b.ready]);
    const tag = `sub:${randomUUID()}`;
    await a.add({ tag, before: Date.now() / 1000, until: inAnHour() });
    expect(a.isEnded([tag], 0)).toBe(true);
    expect(await within(1000, () => b.isEnded([tag], 0))).toBeLessThan(1000);
    // Sessions begun at or after `before` live on.
    expect(b.isEnded([tag], Date.now() / 1000 + 1)).toBe(false);
  });

  it('a new instance loads the ends recorded before it started', async () => {
    const key = `revocations:${randomUUID()}`;
    const a = open(first, { key });
    await a.ready;
    const tag = `sid:${randomUUID()}`;
    await a.add({ tag, before: Date.now() / 1000 + 1, until: inAnHour() });
    const late = open(second, { key });
    // A cookie store waits for the first load before its first check.
    await late.loading?.();
    expect(late.isEnded([tag], 0)).toBe(true);
  });

  it('checking a session sends Redis nothing', async () => {
    const key = `revocations:${randomUUID()}`;
    const commands: string[][] = [];
    const spy = {
      sendCommand: (args: string[], options?: { abortSignal?: AbortSignal }) => {
        commands.push(args);
        return first.sendCommand(args, options);
      },
      duplicate: () => first.duplicate(),
      on: () => spy,
    };
    const list = open(spy as unknown as Client, { key, resyncInterval: 0 });
    await list.ready;
    commands.length = 0;
    for (let i = 0; i < 100; i += 1) list.isEnded(['sub:x', 'session:y'], 0);
    expect(commands).toEqual([]);
  });

  it('after a lost subscription, reads the list again on reconnection (an end whose message was lost is learnt)', async () => {
    const key = `revocations:${randomUUID()}`;
    const { logger, codes } = recordingLogger();
    const b = open(second, { key, resyncInterval: 0, logger });
    await b.ready;
    const tag = `sub:${randomUUID()}`;
    // An end written while b heard nothing: in the set, never published to b.
    await first.zAdd(key, {
      score: Math.ceil(inAnHour() * 1000),
      value: JSON.stringify({ t: tag, b: Date.now() / 1000, u: inAnHour() }),
    });
    expect(b.isEnded([tag], 0)).toBe(false);
    await first.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    expect(await within(5000, () => b.isEnded([tag], 0))).toBeLessThan(5000);
    expect(codes).toContain('session.store_unavailable');
  });

  it('each end expires in Redis with the sessions’ lifetime, and the list stays within maxEntries', async () => {
    const key = `revocations:${randomUUID()}`;
    const a = open(first, { key, maxEntries: 3 });
    await a.ready;
    const now = Date.now() / 1000;
    await a.add({ tag: 'sub:gone', before: now, until: now - 1 });
    for (const name of ['a', 'b', 'c', 'd']) {
      await a.add({ tag: `sub:${name}`, before: now, until: now + 100 });
    }
    expect(await first.zCard(key)).toBe(3);
    const ttl = await first.pTTL(key);
    expect(ttl).toBeGreaterThan(90_000);
    expect(ttl).toBeLessThanOrEqual(100_000);
  });

  it('an end that cannot reach Redis is still in effect here, and the add rejects with session.store_unavailable', async () => {
    const key = `revocations:${randomUUID()}`;
    const a = open(first, { key });
    await a.ready;
    const dead = {
      sendCommand: () => new Promise(() => undefined),
      duplicate: () => first.duplicate(),
      on: () => dead,
    };
    const { logger } = recordingLogger();
    const stuck = open(dead as unknown as Client, { key, commandTimeout: 100, logger });
    const tag = `sub:${randomUUID()}`;
    await expect(stuck.add({ tag, before: Date.now() / 1000, until: inAnHour() })).rejects.toThrow(
      expect.objectContaining({ code: 'session.store_unavailable' }),
    );
    expect(stuck.isEnded([tag], 0)).toBe(true);
    // The start-up load failed too: checks go on with what the list has.
    await stuck.loading?.();
    expect(stuck.loading?.()).toBeUndefined();
  });

  it('refuses a client that cannot open a Pub/Sub connection', () => {
    expect(() =>
      createRedisRevocations({ client: { call: async () => null } as unknown as Client }),
    ).toThrow(expect.objectContaining({ code: 'config.invalid' }));
  });
});
