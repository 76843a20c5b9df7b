/**
 * Helpers of the production tests: app instances as real child processes, a browser-like cookie
 * jar, and a sign-in driven through an app's own routes against logto-dev.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { completeSignIn } from 'logto-dev';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const appScript = fileURLToPath(new URL('./fixtures/app-process.ts', import.meta.url));

/** The demo app's credentials and the redirect URI registered for it in logto-dev's demo config. */
export const demoApp = {
  id: 'demo-app',
  secret: 'demo-app-secret-0123456789abcdef0123456789abcdef',
  baseUrl: 'http://127.0.0.1:3000',
} as const;

/** The environment of an app process for the demo app against logto-dev at `endpoint`. */
export const demoAppEnv = (
  endpoint: string,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  LOGTO_ENDPOINT: endpoint,
  LOGTO_APP_ID: demoApp.id,
  LOGTO_APP_SECRET: demoApp.secret,
  BASE_URL: demoApp.baseUrl,
  ...extra,
});

/** One app instance in a child process. */
export interface AppProcess {
  readonly url: string;
  /** What the child wrote on stderr. */
  readonly stderr: () => string;
  /** Unhandled rejections and uncaught exceptions the child counted, and its memory. */
  stats(): Promise<{ unhandled: string[]; memory: NodeJS.MemoryUsage }>;
  /** True while the child runs. */
  alive(): boolean;
  /** Kills the child at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `fixtures/app-process.ts` with `env` and waits for its port. */
export const startAppProcess = (env: Record<string, string>): Promise<AppProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', appScript], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Loading the app through tsx takes seconds, many more on a loaded machine.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app process did not start in 60 s: ${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app process exited (${code}) before listening: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /PORT (\d+)/.exec(stdout)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        stderr: () => stderr,
        async stats() {
          return (await (await fetch(`${url}/__stats`)).json()) as {
            unhandled: string[];
            memory: NodeJS.MemoryUsage;
          };
        },
        alive: () => child.exitCode === null && child.signalCode === null,
        kill: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              done();
              return;
            }
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              done();
              return;
            }
            const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });

/**
 * Starts two instances of the demo app (as behind a load balancer) against logto-dev at
 * `endpoint`, with the same environment.
 */
export const startTwoInstances = (
  endpoint: string,
  extra: Record<string, string> = {},
): Promise<[AppProcess, AppProcess]> => {
  const env = demoAppEnv(endpoint, extra);
  return Promise.all([startAppProcess(env), startAppProcess(env)]);
};

/** The cookies a browser holds for the app (one origin), from `Set-Cookie` headers. */
export class Jar {
  readonly cookies = new Map<string, string>();

  apply(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      if (/;\s*max-age=0(;|$)/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(equals + 1));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** `fetch` without following redirects, sending and storing cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', this.header());
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.apply(response);
    return response;
  }
}

/**
 * Signs `username` in through the app at `appUrl` (its `/sign-in` and `/callback` routes) and
 * logto-dev's real pages; the app's baseUrl is `demoApp.baseUrl`, so the callback URL is
 * re-pointed at the app's real port. Returns the jar holding the session cookie.
 */
export const signInThroughApp = async (
  appUrl: string,
  username = 'alice',
  jar = new Jar(),
  signIn: (authorizationUrl: string) => Promise<string> = (url) =>
    completeSignIn(url, { username, password: `${username}-password` }),
): Promise<Jar> => {
  const start = await jar.fetch(`${appUrl}/sign-in`);
  if (start.status !== 302)
    throw new Error(`sign-in answered ${start.status}: ${await start.text()}`);
  const callback = new URL(await signIn(start.headers.get('location') ?? ''));
  const done = await jar.fetch(`${appUrl}${callback.pathname}${callback.search}`);
  if (done.status !== 302)
    throw new Error(`callback answered ${done.status}: ${await done.text()}`);
  return jar;
};
