/**
 * `npm start`: runs the sample on http://localhost:3000, with the embedded logto-dev on port 3001
 * unless `LOGTO_ENDPOINT`, `LOGTO_APP_ID` and `LOGTO_APP_SECRET` name a Logto tenant.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { type LogtoDev, startLogtoDev } from 'logto-dev';
import { createSampleApp } from './app.js';
import { demoApplication, demoConfigFor, demoUsers } from './demo.js';
import { listen, type RunningServer, stopOnSignals } from './server.js';
import { loadEnvFiles, readSettings } from './settings.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const repositoryDir = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts everything and returns a function that stops it all. */
async function run(): Promise<() => Promise<void>> {
  const envFiles = loadEnvFiles([`${exampleDir}.env`, `${repositoryDir}.env`]);
  const settings = readSettings();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };

  try {
    let logtoDev: LogtoDev | undefined;
    let application = settings.tenant;
    const lines: string[] = [];
    if (application === undefined) {
      const config = demoConfigFor(settings.baseUrl);
      logtoDev = await startLogtoDev({
        port: settings.logtoDevPort,
        config,
        logger: { info: (message) => console.log(`[logto-dev] ${message}`), warn: console.warn },
      }).catch((error: unknown) => {
        throw new Error(
          `logto-dev could not start on port ${settings.logtoDevPort} (set LOGTO_DEV_PORT to use another): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
      stops.push(() => logtoDev?.stop() ?? Promise.resolve());
      application = { endpoint: logtoDev.endpoint, ...demoApplication(config) };
      lines.push(
        `  Logto:    the embedded logto-dev at ${logtoDev.endpoint} (demo data)`,
        `  Sign in:  ${demoUsers(config)
          .map((user) => `${user.username} / ${user.password}`)
          .join('   or   ')}`,
      );
    } else {
      lines.push(
        `  Logto:    ${application.endpoint} (app ${application.appId})`,
        `  API:      ${settings.apiResource} (${settings.apiScope}); npm run setup:tenant prepares the tenant`,
      );
    }

    const app = createSampleApp({
      ...application,
      baseUrl: settings.baseUrl,
      sessionSecret: settings.sessionSecrets,
      apiResource: settings.apiResource,
      apiScope: settings.apiScope,
      ...(logtoDev === undefined ? {} : { demoUsers: demoUsers(logtoDev.config) }),
    });
    const server: RunningServer = await listen(app, settings.port, settings.host);
    stops.push(() => server.close());

    if (envFiles.length > 0) lines.push(`  Settings: ${envFiles.join(', ')}`);
    if (settings.sessionSecretGenerated) {
      lines.push(
        '  Note:     SESSION_SECRET is not set, so a random one is used: sessions end when this stops.',
      );
    }
    console.log(
      ['', `Logto sample app: ${settings.baseUrl}`, ...lines, '', 'Press Ctrl-C to stop.', ''].join(
        '\n',
      ),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

try {
  stopOnSignals(await run());
} catch (error) {
  console.error(
    `\nThe sample could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
