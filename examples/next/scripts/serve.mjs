// Starts the built sample: the embedded logto-dev (unless a Logto tenant is given), the example
// API, and `next start`, each on its port. Used by `npm run start:next` and the browser test.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createApiApp } from 'example-api';
import { demoApplication, demoConfigFor, demoUsers } from 'example-express/dist/demo.js';
import { listen } from 'example-express/dist/server.js';
import { startLogtoDev } from 'logto-dev';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** Polls `url` until it answers (any status), or fails after `timeout` ms. */
async function waitFor(url, timeout, exited) {
  const until = Date.now() + timeout;
  for (;;) {
    if (exited()) throw new Error('next start exited before it served anything.');
    try {
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not answer within ${timeout / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Starts everything. Options: `baseUrl` (what the browser opens), `port` and `host` of the
 * Next.js server, `logtoDevPort` (0: any free port), `tenant` ({ endpoint, appId, appSecret }, or
 * undefined for the embedded logto-dev), `sessionSecrets` (string[]), `editConfig(config)` to
 * change logto-dev's demo data, `stdio` of the Next.js server ('inherit' or 'ignore').
 * Resolves with `{ baseUrl, logtoDev, apiBaseUrl, stop() }`.
 */
export async function startNextSample(options) {
  const stops = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    let logtoDev;
    let application = options.tenant;
    if (application === undefined) {
      const config = demoConfigFor(options.baseUrl);
      options.editConfig?.(config);
      logtoDev = await startLogtoDev({
        port: options.logtoDevPort,
        config,
        logger: options.logger,
      });
      stops.push(() => logtoDev.stop());
      application = { endpoint: logtoDev.endpoint, ...demoApplication(config) };
    }
    const api = await listen(createApiApp({ endpoint: application.endpoint }), 0, '127.0.0.1');
    stops.push(() => api.close());
    const apiBaseUrl = `http://127.0.0.1:${api.port}`;

    const next = spawn(
      process.execPath,
      [nextBin, 'start', '--port', String(options.port), '--hostname', options.host],
      {
        cwd: exampleDir,
        stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'],
        env: {
          ...process.env,
          NEXT_TELEMETRY_DISABLED: '1',
          LOGTO_ENDPOINT: application.endpoint,
          LOGTO_APP_ID: application.appId,
          LOGTO_APP_SECRET: application.appSecret,
          BASE_URL: options.baseUrl,
          SESSION_SECRET: options.sessionSecrets.join(','),
          API_BASE_URL: apiBaseUrl,
          LOGTO_DEMO_USERS: JSON.stringify(logtoDev ? demoUsers(logtoDev.config) : []),
        },
      },
    );
    let exited = false;
    const exit = new Promise((resolve) => next.once('exit', resolve));
    exit.then(() => {
      exited = true;
    });
    stops.push(async () => {
      if (!exited) next.kill('SIGTERM');
      await exit;
    });
    await waitFor(`http://${options.host}:${options.port}/favicon.ico`, 60_000, () => exited);
    return { baseUrl: options.baseUrl, logtoDev, apiBaseUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
