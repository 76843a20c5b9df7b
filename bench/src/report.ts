/**
 * The run's figures (written as JSON) and their plain-text tables, with the issues' targets.
 *
 * @module
 */
import { type Cell, num, printTable, ratio } from './lib/table.js';
import type { SignInReport } from './sections/sign-in.js';
import type { ThroughputRow } from './sections/throughput.js';
import type { VerifyReport } from './sections/verify.js';

/** Everything one run measured. */
export interface Report {
  date: string;
  machine: {
    node: string;
    cpus: number;
    cpuModel: string;
    platform: string;
    loadAverage: number[];
  };
  settings: {
    duration: number;
    rounds: number;
    warmup: number;
    roundWarmup: number;
    connections: number;
    signIns: number;
    sections: string[];
    rows?: string[] | undefined;
  };
  throughput?: ThroughputRow[];
  signIn?: SignInReport;
  verify?: VerifyReport;
  seconds?: number;
}

/** Targets from issues 4, 6 and 14, as (row, minimum) pairs. */
const throughputTargets: Partial<Record<string, number>> = {
  'logto-express-cookie': 0.85,
  'logto-express-redis': 0.7,
  'logto-express-cookie@50': 0.85,
};

/** Issue 14: the client's sign-in at most this many times the bare round trip plus jose.jwtVerify. */
const signInTarget = 1.15;

function verdict(value: number | undefined, minimum: number): string {
  if (value === undefined || !Number.isFinite(value)) return `≥ ${minimum}×: not measured`;
  return `≥ ${minimum}×: ${value >= minimum ? 'met' : 'MISSED'}`;
}

/** The verdict on a throughput target, read both by requests per second and by CPU per request. */
function throughputVerdict(
  byRequests: number | undefined,
  byCpu: number | undefined,
  minimum: number,
): string {
  const met = (value: number | undefined) =>
    value !== undefined && Number.isFinite(value) && value >= minimum;
  if (met(byRequests) && met(byCpu)) return `≥ ${minimum}×: met`;
  if (!met(byRequests) && !met(byCpu)) return verdict(byRequests, minimum);
  return `≥ ${minimum}×: met by ${met(byCpu) ? 'CPU' : 'req/s'}, MISSED by ${met(byCpu) ? 'req/s' : 'CPU'}`;
}

/** Prints every table of `report`. */
export function printReport(report: Report): void {
  const { machine, settings } = report;
  console.log(
    `\nlogto-ts bench, ${report.date}: Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, ${machine.platform}`,
  );
  if (report.throughput) printThroughput(report.throughput, settings);
  if (report.signIn) printSignIn(report.signIn);
  if (report.verify) printVerify(report.verify);
}

function printThroughput(rows: readonly ThroughputRow[], settings: Report['settings']): void {
  const cpuOf = (id: string) => rows.find((row) => row.id === id)?.cpuMicrosPerRequest;
  const peer = rows.find((row) => row.kind === 'peer-logto-express')?.requestsPerSecond;
  const table: Cell[][] = rows.map((row) => {
    if (row.requestsPerSecond === undefined) {
      return [row.label, ...Array<undefined>(9).fill(undefined), `error: ${row.error ?? '?'}`];
    }
    const notes: string[] = [];
    const minimum = throughputTargets[row.id];
    const expressCpu = cpuOf(row.reference);
    const vsNoAuthCpu =
      row.baseline === row.reference && expressCpu !== undefined && row.cpuMicrosPerRequest
        ? expressCpu / row.cpuMicrosPerRequest
        : undefined;
    if (minimum !== undefined) notes.push(throughputVerdict(row.vsNoAuth, vsNoAuthCpu, minimum));
    if (row.id === 'logto-express-cookie' && peer) {
      const versusPeer = row.requestsPerSecond / peer;
      notes.push(
        `${ratio(versusPeer)} @logto/express (≥ 2×: ${versusPeer >= 2 ? 'met' : 'MISSED'})`,
      );
    }
    const cookie = rows.find((other) => other.id === 'logto-express-cookie');
    if (row.kind === 'logto-express-cookie-revocations' && cookie?.requestsPerSecond) {
      // No Redis call per request: the shared list should cost next to nothing over the cookie row.
      const versusCookie = row.requestsPerSecond / cookie.requestsPerSecond;
      const cpu =
        cookie.cpuMicrosPerRequest && row.cpuMicrosPerRequest
          ? cookie.cpuMicrosPerRequest / row.cpuMicrosPerRequest
          : undefined;
      notes.push(
        `${ratio(versusCookie)} cookie row by req/s, ${ratio(cpu)} by CPU (≥ 0.95×: ${versusCookie >= 0.95 || (cpu ?? 0) >= 0.95 ? 'met' : 'MISSED'})`,
      );
    }
    const baseCpu = cpuOf(row.baseline);
    return [
      row.label,
      num(row.requestsPerSecond),
      ratio(row.vsNoAuth),
      ratio(vsNoAuthCpu),
      row.baseline === row.reference ? undefined : ratio(row.vsFrameworkNoAuth),
      num(row.p50, 2),
      num(row.p99, 2),
      num(row.cpuMicrosPerRequest),
      row.id === row.baseline || baseCpu === undefined || row.cpuMicrosPerRequest === undefined
        ? undefined
        : num(row.cpuMicrosPerRequest - baseCpu),
      num(row.cookieBytes),
      notes.join('; '),
    ];
  });
  printTable(
    `1. GET /protected, signed in: autocannon (in a process of its own), ${settings.connections} connections (the rows that say 50: 50, against no-auth Express at 50), ${settings.warmup} s warm-up, then ${settings.rounds} rounds × ${settings.duration} s per server, each run after ${settings.roundWarmup} s of unmeasured load; each server in its own process. req/s: median of rounds; × no-auth: median over rounds against the no-auth run of the same round (Express; × own: the same framework's); × no-auth CPU: Express no-auth CPU µs/req ÷ the row's. +CPU: CPU µs/req minus its framework's no-auth.`,
    [
      'server',
      'req/s',
      '× no-auth',
      '× no-auth CPU',
      '× own no-auth',
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      '+CPU µs/req',
      'Cookie B',
      'target',
    ],
    table,
  );
}

function printSignIn(report: SignInReport): void {
  const bare = report.bareExchangeMs;
  printTable(
    `2a. One sign-in through each app, after discovery and the JWKS are warm (median of ${report.apps[0]?.samples ?? '?'}; bare round trip: ${num(bare, 2) ?? '?'} ms)`,
    [
      'app',
      'provider calls',
      'sign-in route ms',
      'callback ms',
      'both ms',
      '× bare',
      'cookies set at callback',
      'target',
    ],
    report.apps.map((row) =>
      row.error
        ? [
            row.label,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
            `error: ${row.error}`,
          ]
        : [
            row.label,
            row.providerCalls,
            num(row.signInRouteMs, 2),
            num(row.callbackMs, 2),
            num(row.totalMs, 2),
            ratio(bare && row.totalMs ? row.totalMs / bare : undefined),
            row.cookies
              ? `${row.cookies.count} cookie(s), ${row.cookies.total} B, largest ${row.cookies.largest} B`
              : undefined,
            row.kind.startsWith('logto-')
              ? `1 call: ${row.providerCalls === 1 ? 'met' : 'MISSED'}`
              : (row.providerPaths ?? []).join(' '),
          ],
    ),
  );

  if (report.client && bare) {
    const { client } = report;
    const versus = (ms: number | undefined) => (ms === undefined ? undefined : ratio(ms / bare));
    printTable(
      "2a'. The same sign-in by our LogtoClient alone, in the bench process like the bare round trip (Map storage: no app server, no session store)",
      ['step', 'median ms', '× bare round trip', 'target'],
      [
        ['signIn() (authorization URL)', num(client.signInMs, 2), undefined, undefined],
        ['handleSignInCallback()', num(client.callbackMs, 2), versus(client.callbackMs), undefined],
        [
          '  of which its token request, to the response headers',
          num(client.callbackHeadersMs, 2),
          versus(client.callbackHeadersMs),
          undefined,
        ],
        [
          '  of which the rest (checks, body, ID-token signature, storage)',
          num(client.callbackMs - client.callbackHeadersMs, 2),
          undefined,
          undefined,
        ],
        [
          'both',
          num(client.totalMs, 2),
          versus(client.totalMs),
          report.bareWithSignatureMs === undefined
            ? undefined
            : `≤ ${signInTarget}× bare + jose.jwtVerify: ${ratio(client.totalMs / report.bareWithSignatureMs)}, ${
                client.totalMs / report.bareWithSignatureMs <= signInTarget ? 'met' : 'MISSED'
              }`,
        ],
        ['bare round trip (authorization URL by hand + fetch)', num(bare, 2), ratio(1), undefined],
        [
          '  of which the token request, to the response headers',
          num(report.bareHeadersMs, 2),
          versus(report.bareHeadersMs),
          undefined,
        ],
        [
          'bare round trip + jose.jwtVerify of the ID token',
          num(report.bareWithSignatureMs, 2),
          versus(report.bareWithSignatureMs),
          'the floor with a signature check',
        ],
      ],
    );
  }

  const { cookieStore } = report;
  const sizeRow = (label: string, sizes: SignInReport['cookieStore']['afterSignIn']): Cell[] =>
    sizes
      ? [
          label,
          sizes.count,
          num(sizes.total),
          num(sizes.largest),
          num(sizes.largestHeader),
          sizes.largest < 4096 ? 'yes' : 'NO',
        ]
      : [label, undefined, undefined, undefined, undefined, cookieStore.error ?? 'not measured'];
  printTable(
    "2b. Our cookie store's cookies for a real session (alice, organizations scope); peers: @logto/express keeps the session server-side (its cookie is a session id), express-openid-connect in row 2a",
    ['state', 'cookies', 'total B', 'largest B', 'largest Set-Cookie B', 'each < 4096 B'],
    [
      sizeRow('after sign-in', cookieStore.afterSignIn),
      sizeRow('with 4 cached access tokens', cookieStore.withFourTokens),
    ],
  );

  printTable(
    `2c. Retained memory per session: heap growth of the app process (after a full GC) over ${report.memory[0]?.signIns ?? '?'} sign-ins through the app, then over ${report.memory[0]?.signIns ?? '?'} more (once the bounded caches are full)`,
    [
      'store',
      'heap B/session',
      'next: heap B/session',
      'redis-server B/session',
      'next: redis B/session',
      's per batch',
    ],
    report.memory.map((row) =>
      row.error
        ? [row.label, undefined, undefined, undefined, undefined, `error: ${row.error}`]
        : [
            row.label,
            num(row.heapBytesPerSession),
            num(row.heapBytesPerSessionNext),
            num(row.redisBytesPerSession),
            num(row.redisBytesPerSessionNext),
            num(row.seconds, 1),
          ],
    ),
  );
}

function printVerify(report: VerifyReport): void {
  if (!report.results) {
    console.log(`\n3. Access-token verification: error: ${report.error ?? '?'}`);
    return;
  }
  const es384 = report.results.find((result) => result.alg === 'ES384')?.joseOpsPerSecond;
  printTable(
    '3. Access-token verification, ops/s (sequential awaits; median of rounds; ratios against raw jose.jwtVerify with a cached key of the same algorithm; "repeated" also against jose ES384)',
    [
      'alg',
      'jose',
      'first sight',
      '×',
      'cache off',
      '×',
      'repeated',
      '×',
      '× jose ES384',
      'target',
    ],
    report.results.map((result) => {
      const first = result.firstSightOpsPerSecond / result.joseOpsPerSecond;
      const repeatedVsEs384 = es384 ? result.repeatedOpsPerSecond / es384 : undefined;
      const notes = [`first sight ${verdict(first, 0.9)}`];
      if (result.alg === 'ES384') notes.push(`repeated ${verdict(repeatedVsEs384, 20)}`);
      return [
        result.alg,
        num(result.joseOpsPerSecond),
        num(result.firstSightOpsPerSecond),
        ratio(first),
        num(result.cacheOffOpsPerSecond),
        ratio(result.cacheOffOpsPerSecond / result.joseOpsPerSecond),
        num(result.repeatedOpsPerSecond),
        ratio(result.repeatedOpsPerSecond / result.joseOpsPerSecond),
        ratio(repeatedVsEs384),
        notes.join('; '),
      ];
    }),
  );
}
