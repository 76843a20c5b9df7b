/**
 * `npm run bench`: logto-ts side by side with routes with no auth, @logto/express and
 * express-openid-connect, all against one logto-dev started here. Prints plain-text tables and
 * writes `bench/results/latest.json`.
 *
 * Settings (environment): BENCH_DURATION (s per server per round, default 3), BENCH_ROUNDS (5),
 * BENCH_WARMUP (s, 1.5), BENCH_CONNECTIONS (10), BENCH_SIGN_INS (1000), BENCH_SECTIONS (comma
 * list of throughput, sign-in, verify; default all), BENCH_ROWS (comma list of throughput rows by
 * server kind, `kind@50` for the 50-connection rows; default all).
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { demoConfig, startLogtoDev } from 'logto-dev';
import { freePort } from '../../test/support/free-port.js';
import { type ServerChild, startServerChild } from './lib/child.js';
import { cleanupAll, installSignalHandlers, onCleanup } from './lib/cleanup.js';
import { hasRedisServer, type RedisServer, startRedis } from './lib/redis.js';
import { printReport, type Report } from './report.js';
import { type ChildSlot, runSignInSection } from './sections/sign-in.js';
import { runThroughput, type ThroughputTarget } from './sections/throughput.js';
import { runVerifySection } from './sections/verify.js';
import { routesOf, type ServerKind } from './servers/spec.js';

const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 3),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  warmup: Number(process.env.BENCH_WARMUP ?? 1.5),
  roundWarmup: Number(process.env.BENCH_ROUND_WARMUP ?? 1),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  signIns: Number(process.env.BENCH_SIGN_INS ?? 1000),
  sections: (process.env.BENCH_SECTIONS ?? 'throughput,sign-in,verify').split(','),
  /** Throughput rows to load (server kinds, comma-separated); default every row. */
  rows: process.env.BENCH_ROWS?.split(','),
};

type RowSpec = Omit<ThroughputTarget, 'child' | 'id' | 'baseline' | 'reference'> & {
  baseline?: string;
};
/** A row at the run's connections: named by its server kind, against no-auth Express. */
const row = (spec: RowSpec): Omit<ThroughputTarget, 'child'> => ({
  id: spec.kind,
  baseline: 'no-auth',
  reference: 'no-auth',
  ...spec,
});
/** A row with its own connection count, against the no-auth rows at the same count. */
const rowAt = (connections: number, spec: RowSpec): Omit<ThroughputTarget, 'child'> => ({
  ...spec,
  id: `${spec.kind}@${connections}`,
  baseline: `${spec.baseline ?? 'no-auth'}@${connections}`,
  reference: `no-auth@${connections}`,
  connections,
});

/** The throughput rows, in table order, each with the no-auth server of its framework. */
const allThroughputRows: ReadonlyArray<Omit<ThroughputTarget, 'child'>> = [
  row({ kind: 'no-auth', label: 'no auth, Express' }),
  row({ kind: 'no-auth-hono', label: 'no auth, Hono', baseline: 'no-auth-hono' }),
  row({ kind: 'no-auth-fastify', label: 'no auth, Fastify', baseline: 'no-auth-fastify' }),
  row({ kind: 'logto-express-cookie', label: 'logto-ts/express + cookie' }),
  row({
    kind: 'logto-express-cookie-revocations',
    label: 'logto-ts/express + cookie + Redis revocation list',
  }),
  row({ kind: 'logto-hono-cookie', label: 'logto-ts/hono + cookie', baseline: 'no-auth-hono' }),
  row({
    kind: 'logto-fastify-cookie',
    label: 'logto-ts/fastify + cookie',
    baseline: 'no-auth-fastify',
  }),
  row({ kind: 'logto-web-cookie', label: 'logto-ts/web + cookie', baseline: 'no-auth-hono' }),
  row({ kind: 'logto-express-redis', label: 'logto-ts/express + Redis' }),
  row({ kind: 'peer-logto-express', label: '@logto/express + express-session' }),
  row({ kind: 'peer-express-openid-connect', label: 'express-openid-connect' }),
  // The load of an outside benchmark (issue 14): many connections make Express's own layers
  // and the garbage per request weigh more.
  rowAt(50, { kind: 'no-auth', label: 'no auth, Express, 50 connections' }),
  rowAt(50, { kind: 'logto-express-cookie', label: 'logto-ts/express + cookie, 50 connections' }),
];
const throughputRows = allThroughputRows.filter(
  (entry) => settings.rows === undefined || settings.rows.includes(entry.id),
);
/** Servers started fresh for the memory measurement (nothing else touches them). */
const memoryKinds: readonly ServerKind[] = [
  'logto-express-cookie',
  'logto-express-memory',
  'logto-express-redis',
  'peer-logto-express',
];

/** Starts one child per entry (`id` names it, `kind` says which server). */
async function startSlots<Id extends string>(
  entries: ReadonlyArray<{ id: Id; kind: ServerKind }>,
  endpoint: string,
  redis: RedisServer | undefined,
): Promise<Map<Id, ChildSlot>> {
  const start = async (kind: ServerKind): Promise<ChildSlot> => {
    if ((kind === 'logto-express-redis' || kind === 'logto-express-cookie-revocations') && !redis) {
      return { error: 'redis-server is not on PATH' };
    }
    try {
      return {
        child: await startServerChild({
          kind,
          endpoint,
          ...(redis ? { redisUrl: redis.url } : {}),
        }),
      };
    } catch (error) {
      return {
        error: (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '',
      };
    }
  };
  const started = await Promise.all(entries.map((entry) => start(entry.kind)));
  return new Map(entries.map((entry, i) => [entry.id, started[i] ?? { error: 'not started' }]));
}

async function main(): Promise<void> {
  installSignalHandlers();
  const started = Date.now();
  const report: Report = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    },
    settings,
  };

  let redis: RedisServer | undefined;
  if (hasRedisServer()) redis = await startRedis();
  else console.error('bench: redis-server is not on PATH; the Redis rows are skipped');

  // The servers listen first (their origins go into logto-dev's redirect URIs), then logto-dev
  // starts on the port they were told.
  const devPort = await freePort();
  const endpoint = `http://127.0.0.1:${devPort}`;
  console.error('bench: starting the servers…');
  const wanted = (section: string) => settings.sections.includes(section);
  const apps = await startSlots(
    wanted('throughput') || wanted('sign-in') ? throughputRows : [],
    endpoint,
    redis,
  );
  const fresh = await startSlots(
    wanted('sign-in') ? memoryKinds.map((kind) => ({ id: kind, kind })) : [],
    endpoint,
    redis,
  );
  const children = [...apps.values(), ...fresh.values()].flatMap((slot) =>
    'child' in slot ? [slot.child] : [],
  );

  const config = demoConfig();
  const app = config.applications[0];
  if (!app) throw new Error('logto-dev demo config has no application');
  for (const child of children)
    app.redirectUris.push(`${child.baseUrl}${routesOf(child.spec.kind).callback}`);
  const dev = await startLogtoDev({ port: devPort, config });
  onCleanup(() => dev.stop());

  if (wanted('throughput')) {
    console.error('bench: GET /protected under load…');
    const targets = throughputRows.map((entry) => {
      const slot = apps.get(entry.id);
      return slot && 'child' in slot
        ? { ...entry, child: slot.child }
        : { ...entry, error: slot?.error };
    });
    report.throughput = await runThroughput(targets, settings);
  }
  if (wanted('sign-in')) {
    console.error('bench: sign-in, cookies, provider calls, memory…');
    // The sign-in section uses the rows at the run's connections, named by their kind.
    const byKind = new Map<ServerKind, ChildSlot>();
    for (const entry of throughputRows) {
      const slot = apps.get(entry.id);
      if (slot && entry.id === entry.kind) byKind.set(entry.kind, slot);
    }
    report.signIn = await runSignInSection({
      dev,
      redis,
      apps: byKind,
      fresh,
      signIns: settings.signIns,
    });
  }
  await Promise.all(children.map((child: ServerChild) => child.stop()));
  if (wanted('verify')) {
    console.error('bench: access-token verification…');
    report.verify = await runVerifySection();
  }
  report.seconds = Math.round((Date.now() - started) / 1000);

  printReport(report);
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote bench/results/latest.json (the run took ${report.seconds} s).`);
}

main()
  .catch((error: unknown) => {
    console.error('bench failed:', error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
