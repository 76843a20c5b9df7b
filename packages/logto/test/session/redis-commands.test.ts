import { EventEmitter, getMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { redisCommands } from '../../src/session/redis/client.js';

/** A client of our own (the store accepts any object with `sendCommand`) whose replies we control. */
function controlledClient() {
  const sent: Array<{ args: string[]; signal?: AbortSignal; reply: (value: unknown) => void }> = [];
  return {
    sent,
    sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown> {
      return new Promise((resolve) => {
        sent.push({
          args,
          ...(options?.abortSignal ? { signal: options.abortSignal } : {}),
          reply: resolve,
        });
      });
    },
  };
}

describe('redisCommands deadlines', () => {
  it('answers with the reply when Redis answers in time', async () => {
    const client = controlledClient();
    const commands = redisCommands(client, 200);
    const pending = commands.send(['GET', 'k']);
    client.sent[0]?.reply('v');
    await expect(pending).resolves.toBe('v');
    expect(client.sent[0]?.signal?.aborted).toBe(false);
  });

  it('fails a command Redis does not answer with session.store_unavailable after the timeout (at most 10% more), and aborts it', async () => {
    const client = controlledClient();
    const commands = redisCommands(client, 200);
    const started = performance.now();
    const failure = await commands.send(['GET', 'k']).catch((error: unknown) => error);
    const waited = performance.now() - started;
    expect(failure).toMatchObject({ code: 'session.store_unavailable' });
    expect(waited).toBeGreaterThanOrEqual(195);
    expect(client.sent[0]?.signal?.aborted).toBe(true);
  });

  it('lets commands sent close together share one signal, and fails only those still waiting', async () => {
    const client = controlledClient();
    const commands = redisCommands(client, 200);
    const answered = commands.send(['GET', 'a']);
    const stalled = commands.send(['GET', 'b']);
    expect(client.sent[0]?.signal).toBe(client.sent[1]?.signal);
    client.sent[0]?.reply('A');
    await expect(answered).resolves.toBe('A');
    await expect(stalled).rejects.toMatchObject({ code: 'session.store_unavailable' });
  });

  it('warns about no listener leak when many commands share one signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    // Node's default (the test runner may raise it): an AbortSignal takes its limit at creation.
    const defaultLimit = EventEmitter.defaultMaxListeners;
    EventEmitter.defaultMaxListeners = 10;
    try {
      const client = controlledClient();
      const commands = redisCommands(client, 200);
      const answers = Array.from({ length: 50 }, (_, index) => commands.send(['GET', `k${index}`]));
      for (const command of client.sent) command.reply('v');
      await Promise.all(answers);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
      const [first] = client.sent;
      expect(first?.signal && getMaxListeners(first.signal)).toBe(Number.POSITIVE_INFINITY);
    } finally {
      EventEmitter.defaultMaxListeners = defaultLimit;
      process.off('warning', onWarning);
    }
  });

  it('gives a command sent after the slot closed its own signal', async () => {
    const client = controlledClient();
    const commands = redisCommands(client, 200);
    void commands.send(['GET', 'a']).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 40));
    void commands.send(['GET', 'b']).catch(() => undefined);
    expect(client.sent[1]?.signal).not.toBe(client.sent[0]?.signal);
    for (const command of client.sent) command.reply('x');
  });
});

describe('redisCommands routing by client kind', () => {
  const script = { source: 'return 1', sha: 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db' };

  it('sends a node-redis cluster client the one key of each command first, so it reaches the node of that key', async () => {
    const sent: Array<{ firstKey: string | undefined; args: string[] }> = [];
    const cluster = {
      getSlotMaster: () => undefined,
      async sendCommand(
        firstKey: string | undefined,
        _readonly: boolean | undefined,
        args: string[],
      ) {
        sent.push({ firstKey, args });
        return 'ok';
      },
    };
    const commands = redisCommands(cluster, 200);
    await commands.send(['GET', 'logto:session:abc']);
    await commands.script(script, 'logto:session:abc:lock:refresh', ['token']);
    expect(sent).toEqual([
      { firstKey: 'logto:session:abc', args: ['GET', 'logto:session:abc'] },
      {
        firstKey: 'logto:session:abc:lock:refresh',
        args: ['EVALSHA', script.sha, '1', 'logto:session:abc:lock:refresh', 'token'],
      },
    ]);
  });

  it('sends an ioredis-shaped client (call and a sendCommand of another shape) through call', async () => {
    const calls: string[][] = [];
    const ioredisLike = {
      async call(command: string, ...args: string[]) {
        calls.push([command, ...args]);
        return 'v';
      },
      sendCommand() {
        throw new Error('ioredis sendCommand takes a Command object');
      },
    };
    await expect(redisCommands(ioredisLike, 200).send(['GET', 'k'])).resolves.toBe('v');
    expect(calls).toEqual([['GET', 'k']]);
  });
});
