#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { LogtoDevConfig } from './config.js';
import { type LogtoDev, startLogtoDev } from './start.js';

const usage = `Usage: logto-dev [--port N] [--host H] [--config file.json] [--rotation logto|always|strict] [--alg ES384|RS256]

A local Logto-compatible OpenID Connect provider for development and tests.
  --port N        TCP port (default 3001; 0 = a random free port)
  --host H        interface to listen on (default 127.0.0.1)
  --config FILE   JSON config of applications, users, resources, roles, organizations (default: the demo config)
  --rotation M    refresh-token rotation: logto (default), always, strict
  --alg A         signing algorithm: ES384 (default, as Logto) or RS256`;

function describe(dev: LogtoDev): string {
  const config: LogtoDevConfig = dev.config;
  const lines = [
    `logto-dev is running at ${dev.endpoint}`,
    `  issuer      ${dev.issuer}`,
    `  discovery   ${dev.issuer}/.well-known/openid-configuration`,
    '',
  ];
  for (const app of config.applications) {
    lines.push(
      `Application ${app.name ?? app.id}`,
      `  app id      ${app.id}`,
      `  app secret  ${app.secret}`,
    );
    lines.push(`  redirect URIs             ${app.redirectUris.join(', ')}`);
    lines.push(`  post-logout redirect URIs ${app.postLogoutRedirectUris.join(', ') || '(none)'}`);
    if (app.backchannelLogoutUri)
      lines.push(`  back-channel logout URI   ${app.backchannelLogoutUri}`);
  }
  lines.push('', 'Users (username / password)');
  for (const user of config.users)
    lines.push(`  ${user.username} / ${user.password}${user.name ? `  (${user.name})` : ''}`);
  if (config.resources.length) {
    lines.push('', 'API resources');
    for (const resource of config.resources)
      lines.push(`  ${resource.indicator}  scopes: ${resource.scopes.join(' ')}`);
  }
  if (config.organizations.length) {
    lines.push('', 'Organizations');
    for (const organization of config.organizations)
      lines.push(`  ${organization.id}  ${organization.name}`);
  }
  lines.push('', 'Press Ctrl-C to stop.');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      rotation: { type: 'string' },
      alg: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`--port must be an integer from 0 to 65535, got ${values.port}`);
  }
  const dev = await startLogtoDev({
    ...(port === undefined ? {} : { port }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.config === undefined ? {} : { config: values.config }),
    ...(values.rotation === undefined ? {} : { refreshTokenRotation: values.rotation as 'logto' }),
    ...(values.alg === undefined ? {} : { signingAlgorithm: values.alg as 'ES384' }),
    logger: { info: (msg) => console.log(msg), warn: (msg) => console.warn(msg) },
  });
  console.log(describe(dev));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping logto-dev.`);
    dev.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`logto-dev did not stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  console.error(`Run logto-dev --help for the options.`);
  process.exitCode = 1;
});
