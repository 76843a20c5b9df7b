// `npm run start:next` (after `npm run build`): builds the Next.js sample when its inputs changed,
// then serves it on http://localhost:3000 with the embedded logto-dev on port 3001, unless
// LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET name a Logto tenant. The settings are the
// Express sample's (see examples/express/src/settings.ts).
import { fileURLToPath } from 'node:url';
import { stopOnSignals } from 'example-express/dist/server.js';
import { loadEnvFiles, readSettings } from 'example-express/dist/settings.js';
import { buildNextSample } from './build.mjs';
import { startNextSample } from './serve.mjs';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const repositoryDir = fileURLToPath(new URL('../../..', import.meta.url));

try {
  const envFiles = loadEnvFiles([`${exampleDir}.env`, `${repositoryDir}.env`]);
  const settings = readSettings();
  const { built, seconds } = await buildNextSample();
  console.log(built ? `next build: ${seconds.toFixed(1)} s` : 'next build: up to date');
  const sample = await startNextSample({
    baseUrl: settings.baseUrl,
    port: settings.port,
    host: settings.host,
    logtoDevPort: settings.logtoDevPort,
    tenant: settings.tenant,
    sessionSecrets: settings.sessionSecrets,
    logger: { info: (message) => console.log(`[logto-dev] ${message}`), warn: console.warn },
  }).catch((error) => {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)} (ports: PORT ${settings.port}, LOGTO_DEV_PORT ${settings.logtoDevPort})`,
      { cause: error },
    );
  });
  const lines = sample.logtoDev
    ? [
        `  Logto:    the embedded logto-dev at ${sample.logtoDev.endpoint} (demo data)`,
        `  Sign in:  ${sample.logtoDev.config.users.map((user) => `${user.username} / ${user.password}`).join('   or   ')}`,
      ]
    : [`  Logto:    ${settings.tenant.endpoint} (app ${settings.tenant.appId})`];
  lines.push(`  API:      the example API at ${sample.apiBaseUrl}`);
  if (envFiles.length > 0) lines.push(`  Settings: ${envFiles.join(', ')}`);
  if (settings.sessionSecretGenerated) {
    lines.push(
      '  Note:     SESSION_SECRET is not set, so a random one is used: sessions end when this stops.',
    );
  }
  console.log(
    [
      '',
      `Logto Next.js sample: ${settings.baseUrl}`,
      ...lines,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  stopOnSignals(() => sample.stop());
} catch (error) {
  console.error(
    `\nThe Next.js sample could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
