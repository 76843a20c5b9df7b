/**
 * Section 2: sign-in cost. Provider calls and time per sign-in through each app (after discovery
 * and JWKS are warm) against the bare protocol round trip; our cookie store's cookie sizes with 0
 * and 4 cached access tokens; retained memory per session after many sign-ins.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { completeSignIn, type LogtoDev } from 'logto-dev';
import { createCookieSessionStore, LogtoClient, type LogtoConfig, type Storage } from 'logto-ts';
import type { ServerChild } from '../lib/child.js';
import type { RedisServer } from '../lib/redis.js';
import { type CookieSizes, cookieHeaderAfter, cookieSizes } from '../lib/set-cookie.js';
import { type AppSignIn, alice, signInThroughApp } from '../lib/sign-in.js';
import { median } from '../lib/stats.js';
import { benchSecret, demoApp, type ServerKind } from '../servers/spec.js';

/** A started server child, or why it is missing. */
export type ChildSlot = { child: ServerChild } | { error: string };

/** Inputs of the section. */
export interface SignInSectionInput {
  dev: LogtoDev;
  redis?: RedisServer;
  /** Servers to sign in through (may have served load already). */
  apps: ReadonlyMap<ServerKind, ChildSlot>;
  /** Servers that have done nothing yet, for the memory measurement. */
  fresh: ReadonlyMap<ServerKind, ChildSlot>;
  /** Sign-ins per store for the memory measurement. */
  signIns: number;
}

/** Sign-in figures of one app. */
export interface AppSignInRow {
  kind: ServerKind;
  label: string;
  samples?: number;
  /** Median requests the app made to the provider per sign-in (browser pages excluded). */
  providerCalls?: number;
  /** The provider paths the app called in the last sample. */
  providerPaths?: string[];
  /** Medians in ms: the app's sign-in route, its callback, and both. */
  signInRouteMs?: number;
  callbackMs?: number;
  totalMs?: number;
  /** Cookies the callback set (the session just after sign-in). */
  cookies?: CookieSizes;
  error?: string;
}

/** Cookie sizes of our cookie store for one real session. */
export interface CookieStoreSizes {
  /** After sign-in. */
  afterSignIn?: CookieSizes;
  /** After fetching 4 access tokens (API resource, 2 organizations, 1 organization-scoped API token). */
  withFourTokens?: CookieSizes;
  error?: string;
}

/** Retained memory after many sign-ins through one app. */
export interface MemoryRow {
  kind: ServerKind;
  label: string;
  signIns?: number;
  /** (heapUsed after − before, both after a full GC) / sign-ins, in bytes, in the app's process. */
  heapBytesPerSession?: number;
  /**
   * The same for a second batch of as many sign-ins right after: the cost of one more session
   * once the bounded caches (decoded claims, decrypted cookies: 1000 entries each) are full.
   */
  heapBytesPerSessionNext?: number;
  /** redis-server's `used_memory` growth / sign-ins, in bytes (Redis store only), first batch. */
  redisBytesPerSession?: number;
  /** The same for the second batch. */
  redisBytesPerSessionNext?: number;
  seconds?: number;
  error?: string;
}

/** Everything the section measured. */
export interface SignInReport {
  apps: AppSignInRow[];
  /**
   * Median ms of the bare protocol round trip: the authorization request built by hand (PKCE,
   * state, nonce) and the code exchange with `fetch` (POST /oidc/token + JSON).
   */
  bareExchangeMs?: number;
  /** Median ms of its token request up to the response headers. */
  bareHeadersMs?: number;
  /** Median ms of the bare round trip plus `jose.jwtVerify` of the ID token (key imported once). */
  bareWithSignatureMs?: number;
  bareSamples?: number;
  /**
   * Our `LogtoClient` alone, in this process like the bare exchange (a Map as storage, no HTTP
   * hop to an app, no session encryption), medians in ms: `signIn()` (the authorization URL),
   * `handleSignInCallback()` (the token request, the ID token check, storing), and both.
   */
  client?: { signInMs: number; callbackMs: number; totalMs: number; callbackHeadersMs: number };
  cookieStore: CookieStoreSizes;
  memory: MemoryRow[];
}

const samples = 25;
const appRows: ReadonlyArray<{ kind: ServerKind; label: string }> = [
  { kind: 'logto-express-cookie', label: 'logto-ts/express + cookie' },
  { kind: 'logto-express-redis', label: 'logto-ts/express + Redis' },
  { kind: 'peer-logto-express', label: '@logto/express + express-session' },
  { kind: 'peer-express-openid-connect', label: 'express-openid-connect' },
];
const memoryRows: ReadonlyArray<{ kind: ServerKind; label: string }> = [
  { kind: 'logto-express-cookie', label: 'logto-ts/express + cookie store' },
  { kind: 'logto-express-memory', label: 'logto-ts/express + memory store' },
  { kind: 'logto-express-redis', label: 'logto-ts/express + Redis store' },
  { kind: 'peer-logto-express', label: '@logto/express + express-session MemoryStore' },
];

/** Runs the section. */
export async function runSignInSection(input: SignInSectionInput): Promise<SignInReport> {
  const report: SignInReport = { apps: [], cookieStore: {}, memory: [] };
  for (const row of appRows) {
    if (row.kind === 'logto-express-redis' && !input.redis) continue;
    process.stderr.write(`  sign-in: ${row.label}… `);
    report.apps.push(await measureAppSignIn(input, row.kind, row.label));
    process.stderr.write('done\n');
  }
  process.stderr.write('  sign-in: bare code exchange… ');
  const bare = await measureBareExchange(input.dev);
  report.bareExchangeMs = median(bare.bare);
  report.bareHeadersMs = median(bare.bareHeaders);
  report.bareWithSignatureMs = median(bare.bareWithSignature);
  report.bareSamples = bare.bare.length;
  report.client = {
    signInMs: median(bare.clientSignIn),
    callbackMs: median(bare.clientCallback),
    totalMs: median(bare.clientSignIn.map((ms, i) => ms + (bare.clientCallback[i] ?? Number.NaN))),
    callbackHeadersMs: median(bare.clientCallbackHeaders),
  };
  process.stderr.write('done\n  cookie store sizes… ');
  report.cookieStore = await measureCookieStoreSizes(input.dev).catch((error: unknown) => ({
    error: messageOf(error),
  }));
  process.stderr.write('done\n');
  for (const row of memoryRows) {
    if (row.kind === 'logto-express-redis' && !input.redis) continue;
    process.stderr.write(`  memory: ${row.label}, ${input.signIns} sign-ins… `);
    const result = await measureMemory(input, row.kind, row.label);
    report.memory.push(result);
    process.stderr.write(result.error ? `FAILED: ${result.error}\n` : `${result.seconds} s\n`);
  }
  return report;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}

/** Requests the app made (everything but the authorization endpoint, which the browser calls). */
function appCalls(dev: LogtoDev): string[] {
  return dev.requests
    .filter((entry) => !entry.path.startsWith('/oidc/auth'))
    .map((entry) => entry.path);
}

async function measureAppSignIn(
  input: SignInSectionInput,
  kind: ServerKind,
  label: string,
): Promise<AppSignInRow> {
  const slot = input.apps.get(kind);
  if (!slot || 'error' in slot) return { kind, label, error: slot?.error ?? 'not started' };
  const { child } = slot;
  try {
    // Two sign-ins warm discovery, the JWKS and the JIT.
    await signInThroughApp(child.baseUrl, kind);
    await signInThroughApp(child.baseUrl, kind);
    const calls: number[] = [];
    const runs: AppSignIn[] = [];
    let paths: string[] = [];
    for (let i = 0; i < samples; i++) {
      input.dev.resetRequests();
      runs.push(await signInThroughApp(child.baseUrl, kind));
      paths = appCalls(input.dev);
      calls.push(paths.length);
    }
    const last = runs.at(-1);
    return {
      kind,
      label,
      samples,
      providerCalls: median(calls),
      providerPaths: paths,
      signInRouteMs: median(runs.map((run) => run.signInRouteMs)),
      callbackMs: median(runs.map((run) => run.callbackMs)),
      totalMs: median(runs.map((run) => run.signInRouteMs + run.callbackMs)),
      cookies: last ? sizesOfRecords(last) : undefined,
    };
  } catch (error) {
    return { kind, label, error: messageOf(error) };
  }
}

function sizesOfRecords(run: AppSignIn): CookieSizes {
  const sizes = run.callbackCookies.map((cookie) => cookie.bytes);
  return {
    count: sizes.length,
    total: sizes.reduce((a, b) => a + b, 0),
    largest: Math.max(0, ...sizes),
    largestHeader: Number.NaN,
  };
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** A `Storage` over a Map, for timing the client without any session store. */
function mapStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: async (key) => items.get(key) ?? null,
    setItem: async (key, value) => {
      items.set(key, value);
    },
    removeItem: async (key) => {
      items.delete(key);
    },
  };
}

/** What {@link measureBareExchange} measured, one entry per sign-in (ms). */
interface BareAndClientTimes {
  /** The bare protocol round trip: the authorization request built by hand, then the code exchange. */
  bare: number[];
  /** Of it, the token request up to the response headers. */
  bareHeaders: number[];
  /** The bare round trip plus the ID token's signature and claims checked by `jose.jwtVerify`. */
  bareWithSignature: number[];
  clientSignIn: number[];
  clientCallback: number[];
  /** The client's token request up to the response headers. */
  clientCallbackHeaders: number[];
}

/**
 * The protocol alone, alternating with our `LogtoClient` doing the same sign-in in this process.
 * Bare: the authorization request built by hand (PKCE S256, state, nonce), then, after the user
 * signed in (not timed), one `fetch` POST to the token endpoint and its JSON; then, timed on top,
 * `jose.jwtVerify` of the ID token with the JWKS already imported, the least any client that checks
 * the signature does.
 */
async function measureBareExchange(dev: LogtoDev): Promise<BareAndClientTimes> {
  const clientConfig: LogtoConfig = {
    endpoint: dev.endpoint,
    appId: demoApp.appId,
    appSecret: demoApp.appSecret,
  };
  const times: BareAndClientTimes = {
    bare: [],
    bareHeaders: [],
    bareWithSignature: [],
    clientSignIn: [],
    clientCallback: [],
    clientCallbackHeaders: [],
  };
  const metadata = (await (
    await fetch(`${dev.issuer}/.well-known/openid-configuration`)
  ).json()) as {
    issuer: string;
    authorization_endpoint: string;
    token_endpoint: string;
    jwks_uri: string;
  };
  const jwks = createLocalJWKSet((await (await fetch(metadata.jwks_uri)).json()) as JSONWebKeySet);
  const redirectUri = 'http://127.0.0.1:3000/callback';
  const basic = Buffer.from(`${demoApp.appId}:${demoApp.appSecret}`).toString('base64');
  for (let i = 0; i < samples + 2; i++) {
    const keep = i >= 2;
    let start = performance.now();
    const verifier = base64url(randomBytes(32));
    const url = new URL(metadata.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: demoApp.appId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid offline_access profile',
      prompt: 'consent',
      state: base64url(randomBytes(32)),
      nonce: base64url(randomBytes(32)),
      code_challenge: base64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    const authorizationRequestMs = performance.now() - start;
    const code = new URL(await completeSignIn(url.href, alice)).searchParams.get('code');
    if (!code) throw new Error('bare exchange: no code in the redirect');
    start = performance.now();
    const response = await fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }).toString(),
    });
    const headersMs = performance.now() - start;
    const body = (await response.json()) as { id_token?: string };
    const exchangeMs = performance.now() - start;
    if (!response.ok || !body.id_token)
      throw new Error(`bare exchange: token endpoint answered ${response.status}`);
    await jwtVerify(body.id_token, jwks, {
      issuer: metadata.issuer,
      audience: demoApp.appId,
      algorithms: ['ES384'],
    });
    const withSignatureMs = performance.now() - start;
    if (keep) {
      times.bare.push(authorizationRequestMs + exchangeMs);
      times.bareHeaders.push(headersMs);
      times.bareWithSignature.push(authorizationRequestMs + withSignatureMs);
    }

    // The client's own token request, timed up to the response headers (the body is left to the
    // client untouched), to split its callback into the request and everything else.
    let headers = 0;
    const timedFetch: typeof fetch = async (input, init) => {
      const begin = performance.now();
      const answer = await fetch(input, init);
      headers = performance.now() - begin;
      return answer;
    };
    const client = new LogtoClient(clientConfig, { storage: mapStorage(), fetch: timedFetch });
    start = performance.now();
    const authorizationUrl = await client.signIn({ redirectUri });
    const signInMs = performance.now() - start;
    const callbackUrl = await completeSignIn(authorizationUrl, alice);
    start = performance.now();
    await client.handleSignInCallback(callbackUrl);
    const callbackMs = performance.now() - start;
    if (keep) {
      times.clientSignIn.push(signInMs);
      times.clientCallback.push(callbackMs);
      times.clientCallbackHeaders.push(headers);
    }
  }
  return times;
}

/** Our cookie store over a real session: after sign-in, then with 4 cached access tokens. */
async function measureCookieStoreSizes(dev: LogtoDev): Promise<CookieStoreSizes> {
  const config: LogtoConfig = {
    endpoint: dev.endpoint,
    appId: demoApp.appId,
    appSecret: demoApp.appSecret,
    scopes: ['urn:logto:scope:organizations', 'read:messages', 'read:members'],
    resources: ['https://api.example.com'],
  };
  const store = createCookieSessionStore({ secret: benchSecret, secure: false });
  const context = { secure: false };
  let cookie = '';
  let session = await store.load(undefined, context);
  const authorizationUrl = await new LogtoClient(config, { storage: session }).signIn({
    redirectUri: 'http://127.0.0.1:3000/callback',
  });
  cookie = cookieHeaderAfter(cookie, await session.commit());

  session = await store.load(cookie, context);
  await new LogtoClient(config, { storage: session }).handleSignInCallback(
    await completeSignIn(authorizationUrl, alice),
  );
  await session.regenerate();
  const afterSignInValues = await session.commit();
  cookie = cookieHeaderAfter(cookie, afterSignInValues);

  session = await store.load(cookie, context);
  const client = new LogtoClient(config, { storage: session });
  await client.getAccessToken('https://api.example.com');
  await client.getOrganizationToken('acme');
  await client.getOrganizationToken('globex');
  await client.getAccessToken('https://api.example.com', 'acme');
  const withTokensValues = await session.commit();
  return {
    afterSignIn: cookieSizes(afterSignInValues),
    withFourTokens: cookieSizes(withTokensValues),
  };
}

/** Many sign-ins through one app (4 at a time); the heap of the app's process before and after. */
async function measureMemory(
  input: SignInSectionInput,
  kind: ServerKind,
  label: string,
): Promise<MemoryRow> {
  const slot = input.fresh.get(kind);
  if (!slot || 'error' in slot) return { kind, label, error: slot?.error ?? 'not started' };
  const server = slot.child;
  try {
    await signInMany(server, kind, 20);
    const heapBefore = await server.heapUsed();
    const redisBefore =
      kind === 'logto-express-redis' ? await input.redis?.usedMemory() : undefined;
    const start = performance.now();
    await signInMany(server, kind, input.signIns);
    const seconds = Math.round((performance.now() - start) / 100) / 10;
    const heapMiddle = await server.heapUsed();
    const redisMiddle =
      kind === 'logto-express-redis' ? await input.redis?.usedMemory() : undefined;
    await signInMany(server, kind, input.signIns);
    const heapAfter = await server.heapUsed();
    const redisAfter = kind === 'logto-express-redis' ? await input.redis?.usedMemory() : undefined;
    const perSession = (before: number | undefined, after: number | undefined) =>
      before !== undefined && after !== undefined ? (after - before) / input.signIns : undefined;
    return {
      kind,
      label,
      signIns: input.signIns,
      heapBytesPerSession: perSession(heapBefore, heapMiddle),
      heapBytesPerSessionNext: perSession(heapMiddle, heapAfter),
      redisBytesPerSession: perSession(redisBefore, redisMiddle),
      redisBytesPerSessionNext: perSession(redisMiddle, redisAfter),
      seconds,
    };
  } catch (error) {
    return { kind, label, error: messageOf(error) };
  } finally {
    await server.stop();
  }
}

async function signInMany(child: ServerChild, kind: ServerKind, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await signInThroughApp(child.baseUrl, kind);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}
