/**
 * `npm run bench`: logto-ts side by side with a route with no auth, @logto/express and
 * express-openid-connect, all against one logto-dev started here. Prints plain-text tables and
 * writes `bench/results/latest.json`.
 *
 * Settings (environment): BENCH_DURATION (s, default 8), BENCH_WARMUP (s, 2), BENCH_CONNECTIONS
 * (10), BENCH_SIGN_INS (1000), BENCH_SECTIONS (comma list of throughput,sign-in,verify; default all).
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { demoConfig, startLogtoDev } from 'logto-dev';
import { cleanupAll, installSignalHandlers, onCleanup } from './lib/cleanup.js';
import { freePort } from './lib/ports.js';
import { hasRedisServer, type RedisServer, startRedis } from './lib/redis.js';
import { printReport, type Report } from './report.js';
import { runSignInSection } from './sections/sign-in.js';
import { runThroughput, type ThroughputTarget } from './sections/throughput.js';
import { runVerifySection } from './sections/verify.js';
import { routesOf, type ServerKind } from './servers/spec.js';

const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 8),
  warmup: Number(process.env.BENCH_WARMUP ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  signIns: Number(process.env.BENCH_SIGN_INS ?? 1000),
  sections: (process.env.BENCH_SECTIONS ?? 'throughput,sign-in,verify').split(','),
};

/** The throughput rows, in table order (no-auth is loaded first and again last, to show drift). */
const rows: ReadonlyArray<{ kind: ServerKind; label: string }> = [
  { kind: 'no-auth', label: 'no auth (plain Express)' },
  { kind: 'logto-express-cookie', label: 'logto/express + cookie' },
  { kind: 'logto-hono-cookie', label: 'logto/hono + cookie' },
  { kind: 'logto-fastify-cookie', label: 'logto/fastify + cookie' },
  { kind: 'logto-web-cookie', label: 'logto/web + cookie' },
  { kind: 'logto-express-redis', label: 'logto/express + Redis' },
  { kind: 'peer-logto-express', label: '@logto/express + express-session' },
  { kind: 'peer-express-openid-connect', label: 'express-openid-connect' },
  { kind: 'no-auth', label: 'no auth (again, at the end)' },
];

async function main(): Promise<void> {
  installSignalHandlers();
  const started = Date.now();
  const kinds = new Set<ServerKind>([...rows.map((row) => row.kind), 'logto-express-memory']);
  const ports = new Map<ServerKind, number>();
  for (const kind of kinds) ports.set(kind, await freePort());

  const config = demoConfig();
  const app = config.applications[0];
  if (!app) throw new Error('logto-dev demo config has no application');
  for (const [kind, port] of ports)
    app.redirectUris.push(`http://127.0.0.1:${port}${routesOf(kind).callback}`);
  const dev = await startLogtoDev({ port: 0, config });
  onCleanup(() => dev.stop());

  let redis: RedisServer | undefined;
  if (hasRedisServer()) redis = await startRedis();
  else console.error('bench: redis-server is not on PATH; the Redis rows are skipped');

  const specOf = (kind: ServerKind) => ({
    kind,
    port: ports.get(kind) ?? 0,
    endpoint: dev.endpoint,
    ...(redis ? { redisUrl: redis.url } : {}),
  });

  const report: Report = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      platform: `${os.platform()} ${os.release()}`,
    },
    settings,
  };

  if (settings.sections.includes('throughput')) {
    console.error('bench: GET /protected under load…');
    const targets: ThroughputTarget[] = rows
      .filter((row) => redis || row.kind !== 'logto-express-redis')
      .map((row) => ({ ...row, spec: specOf(row.kind) }));
    report.throughput = await runThroughput(targets, settings);
  }
  if (settings.sections.includes('sign-in')) {
    console.error('bench: sign-in, cookies, provider calls, memory…');
    report.signIn = await runSignInSection({ dev, redis, specOf, signIns: settings.signIns });
  }
  if (settings.sections.includes('verify')) {
    console.error('bench: access-token verification…');
    report.verify = await runVerifySection();
  }
  report.seconds = Math.round((Date.now() - started) / 1000);

  printReport(report);
  const dir = new URL('../results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL('latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote bench/results/latest.json (${report.seconds} s).`);
}

main()
  .catch((error: unknown) => {
    console.error('bench failed:', error);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
