/**
 * `npm run soak`: N sign-ins and M protected requests through an Express app on `logto-ts/express`
 * with the Redis session store, against logto-dev, with bounded concurrency. Reports the app's
 * RSS and heap at the start (cold, and after a short warm-up) and at the end, errors and
 * throughput; exits non-zero when the app's RSS grew by more than 50 MB after the warm-up, or
 * when any request failed.
 *
 *   npm run soak -- --sign-ins 10000 --requests 100000 [--concurrency 16] [--redis-url redis://…]
 *
 * The app runs in a child process (its memory is what is measured); logto-dev, a dedicated
 * redis-server (unless `--redis-url`) and the driver run here.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { completeSignIn, demoConfig, startLogtoDev } from 'logto-dev';
import { startRedisServer } from '../../test/support/redis-server.js';

const { values } = parseArgs({
  options: {
    'sign-ins': { type: 'string', default: '10000' },
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    'redis-url': { type: 'string' },
    'max-rss-growth-mb': { type: 'string', default: '50' },
  },
});

const count = (name: string, text: string | undefined) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
};
const signIns = count('sign-ins', values['sign-ins']);
const requests = count('requests', values.requests);
const concurrency = Math.max(1, count('concurrency', values.concurrency));
const maxRssGrowth = count('max-rss-growth-mb', values['max-rss-growth-mb']) * 1024 * 1024;
/** Every this-many protected requests, one asks for an API access token (a refresh grant when none is cached). */
const tokenEvery = 100;
const baseUrl = 'http://127.0.0.1:3000';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const describeMemory = (memory: NodeJS.MemoryUsage) =>
  `rss ${mb(memory.rss)}, heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)}, external ${mb(memory.external)} (array buffers ${mb(memory.arrayBuffers)})`;

type MemoryReport = { memory: NodeJS.MemoryUsage; unhandled: number };

interface AppChild {
  url: string;
  /**
   * The app's memory. Rejects when the app is gone (exited, IPC channel closed, or `send`
   * failed) instead of leaving the run hanging or crashing the driver.
   */
  memory(): Promise<MemoryReport>;
  /** Why the app is gone, once it is (exit or a child-process error); undefined while it runs. */
  readonly gone: Error | undefined;
  stop(): void;
}

const startApp = (env: Record<string, string>): Promise<AppChild> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = fork(new URL('./app.ts', import.meta.url), {
      env: { ...process.env, ...env },
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let listening = false;
    let gone: Error | undefined;
    /** Memory requests waiting for an answer. */
    const waiting = new Set<{
      done: (report: MemoryReport) => void;
      fail: (error: Error) => void;
    }>();
    const failWaiting = (error: Error) => {
      for (const request of waiting) request.fail(error);
      waiting.clear();
    };
    const lost = (error: Error) => {
      gone ??= error;
      reject(gone); // a no-op once listening
      failWaiting(gone);
    };
    // Without an 'error' listener, a send() to a dead app would emit an unhandled 'error' and
    // kill the driver before its cleanup (logto-dev, redis-server) ran.
    child.on('error', (error) => lost(new Error(`the soak app failed: ${error.message}`)));
    child.on('exit', (code, signal) =>
      lost(
        new Error(`the soak app exited (${signal ?? code})${listening ? '' : ' before listening'}`),
      ),
    );
    // The app's answer will never come; `gone` is left to 'exit' (which says why).
    child.on('disconnect', () => failWaiting(new Error('the soak app closed its IPC channel')));

    const memory = () =>
      new Promise<MemoryReport>((done, fail) => {
        if (gone) {
          fail(gone);
          return;
        }
        if (!child.connected) {
          fail(new Error('the soak app closed its IPC channel'));
          return;
        }
        waiting.add({ done, fail });
        child.send({ type: 'memory' }, (error) => {
          if (error) lost(new Error(`cannot reach the soak app: ${error.message}`));
        });
      });

    child.on('message', (message: { port?: number } & Partial<MemoryReport>) => {
      if (!listening) {
        listening = true;
        resolve({
          url: `http://127.0.0.1:${message.port}`,
          memory,
          get gone() {
            return gone;
          },
          stop: () => {
            if (child.connected) child.disconnect();
          },
        });
        return;
      }
      if (message.memory === undefined) return;
      const report = { memory: message.memory, unhandled: message.unhandled ?? 0 };
      for (const request of waiting) request.done(report);
      waiting.clear();
    });
  });

/** Runs `task(i)` for i in [0, total) with at most `limit` in flight. */
const pool = async (total: number, limit: number, task: (index: number) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, total) }, worker));
};

const errors = new Map<string, number>();
const fail = (what: string) => {
  errors.set(what, (errors.get(what) ?? 0) + 1);
};

const sessionCookie = (response: Response) => {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0] ?? '';
    if (pair.startsWith('logto_session=')) return pair;
  }
  return undefined;
};

const users = [
  { username: 'alice', password: 'alice-password' },
  { username: 'bob', password: 'bob-password' },
];

const signIn = async (appUrl: string, index: number): Promise<string | undefined> => {
  const start = await fetch(`${appUrl}/sign-in`, { redirect: 'manual' });
  await start.arrayBuffer();
  const pending = sessionCookie(start);
  const location = start.headers.get('location');
  if (start.status !== 302 || !location || !pending) {
    fail(`sign-in answered ${start.status}`);
    return undefined;
  }
  const callback = new URL(
    await completeSignIn(location, users[index % users.length] ?? users[0]!),
  );
  const done = await fetch(`${appUrl}${callback.pathname}${callback.search}`, {
    redirect: 'manual',
    headers: { cookie: pending },
  });
  await done.arrayBuffer();
  const cookie = sessionCookie(done);
  if (done.status !== 302 || !cookie) {
    fail(`callback answered ${done.status}`);
    return undefined;
  }
  return cookie;
};

const main = async () => {
  const redis = values['redis-url']
    ? { url: values['redis-url'], dispose: async () => undefined }
    : await startRedisServer('logto-soak-redis-');
  const config = demoConfig();
  const dev = await startLogtoDev({ port: 0, config });
  const [app0] = config.applications;
  if (!app0?.secret) throw new Error('the demo config has no confidential application');
  const app = await startApp({
    LOGTO_ENDPOINT: dev.endpoint,
    LOGTO_APP_ID: app0.id,
    LOGTO_APP_SECRET: app0.secret,
    BASE_URL: baseUrl,
    REDIS_URL: redis.url,
  }).catch(async (error: unknown) => {
    await dev.stop();
    await redis.dispose();
    throw error;
  });
  try {
    const cold = await app.memory();
    console.log(
      `soak: ${signIns} sign-ins, ${requests} protected requests, concurrency ${concurrency}, Redis ${redis.url}, logto-dev ${dev.endpoint}`,
    );
    console.log(`cold start: ${describeMemory(cold.memory)}`);

    const cookies: string[] = [];
    const runSignIns = (from: number, to: number) =>
      pool(to - from, concurrency, async (offset) => {
        if (app.gone) return; // reported by the next app.memory()
        const index = from + offset;
        try {
          const cookie = await signIn(app.url, index);
          if (cookie) cookies.push(cookie);
        } catch (error) {
          fail(`sign-in threw: ${error instanceof Error ? error.message : String(error)}`);
        }
        if ((index + 1) % 1000 === 0) console.log(`  ${index + 1} sign-ins`);
      });
    const runRequests = (from: number, to: number) =>
      pool(to - from, concurrency * 4, async (offset) => {
        if (app.gone) return; // reported by the next app.memory()
        const index = from + offset;
        const cookie = cookies[(index * 7919) % cookies.length] ?? '';
        const path = index % tokenEvery === tokenEvery - 1 ? '/protected/resource' : '/protected';
        try {
          const response = await fetch(`${app.url}${path}`, {
            redirect: 'manual',
            headers: { cookie },
          });
          await response.arrayBuffer();
          if (response.status !== 200) fail(`${path} answered ${response.status}`);
        } catch (error) {
          fail(`${path} threw: ${error instanceof Error ? error.message : String(error)}`);
        }
        if ((index + 1) % 10000 === 0) console.log(`  ${index + 1} requests`);
      });

    // Warm-up (counted in the totals): the first 200 sign-ins and 2,000 requests (or 2%, when
    // more) let V8 grow its heap spaces to their working size and compile the hot paths, which is
    // not a leak. The limit applies from the memory measured after it; the growth from the cold
    // start is reported too.
    const warmSignIns = Math.min(signIns, Math.max(200, Math.ceil(signIns / 50)));
    const warmRequests = Math.min(requests, Math.max(2000, Math.ceil(requests / 50)));
    let began = performance.now();
    await runSignIns(0, warmSignIns);
    if (cookies.length > 0) await runRequests(0, warmRequests);
    const start = await app.memory();
    console.log(
      `after warm-up (${warmSignIns} sign-ins, ${warmRequests} requests): ${describeMemory(start.memory)}`,
    );

    await runSignIns(warmSignIns, signIns);
    const signInSeconds = (performance.now() - began) / 1000;
    const afterSignIns = await app.memory();
    console.log(
      `sign-ins: ${cookies.length}/${signIns} in ${signInSeconds.toFixed(1)} s (${(signIns / signInSeconds).toFixed(1)}/s, ${warmRequests} warm-up requests included); ${describeMemory(afterSignIns.memory)}`,
    );

    began = performance.now();
    if (cookies.length > 0) await runRequests(warmRequests, requests);
    else if (requests > 0) fail('no session to make protected requests with');
    const requestSeconds = (performance.now() - began) / 1000;
    const end = await app.memory();
    const growth = end.memory.rss - start.memory.rss;
    console.log(
      `requests: ${requests - warmRequests} in ${requestSeconds.toFixed(1)} s (${((requests - warmRequests) / requestSeconds).toFixed(0)}/s)`,
    );
    console.log(`end: ${describeMemory(end.memory)}`);
    console.log(
      `rss growth ${mb(growth)} after warm-up (limit ${mb(maxRssGrowth)}), ${mb(end.memory.rss - cold.memory.rss)} from the cold start; heap used growth ${mb(end.memory.heapUsed - start.memory.heapUsed)} after warm-up; unhandled rejections in the app: ${end.unhandled}`,
    );
    const errorCount = [...errors.values()].reduce((sum, value) => sum + value, 0);
    console.log(`errors: ${errorCount}`);
    for (const [what, times] of errors) console.log(`  ${times} × ${what}`);
    const ok = errorCount === 0 && end.unhandled === 0 && growth <= maxRssGrowth;
    console.log(ok ? 'soak: PASS' : 'soak: FAIL');
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    console.log('soak: FAIL');
    process.exitCode = 1;
  } finally {
    app.stop();
    await dev.stop();
    await redis.dispose();
  }
};

await main();
