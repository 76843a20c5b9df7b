import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

beforeAll(() => {
  // The CLI is tested as shipped: compiled JavaScript run by node.
  execFileSync(process.execPath, [
    fileURLToPath(import.meta.resolve('typescript/bin/tsc')),
    '-b',
    packageDir,
  ]);
}, 60_000);

function run(args: string[]): {
  output: () => string;
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
  ready: Promise<void>;
} {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('Press Ctrl-C to stop.')) resolveReady();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolveReady();
      resolve(code);
    }),
  );
  return { output: () => output, exited, kill: (signal) => child.kill(signal), ready };
}

describe('logto-dev CLI', () => {
  it('prints the endpoint, the demo app and users, serves discovery and stops on SIGTERM', async () => {
    const cliRun = run(['--port', '0']);
    await cliRun.ready;
    const output = cliRun.output();
    const endpoint = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    expect(endpoint).not.toBe('');
    expect(output).toContain('app id      demo-app');
    expect(output).toContain('app secret  demo-app-secret-0123456789abcdef0123456789abcdef');
    expect(output).toContain('http://localhost:3000/callback, http://127.0.0.1:3000/callback');
    expect(output).toContain('alice / alice-password');
    expect(output).toContain('bob / bob-password');
    expect(output).not.toContain('WARNING');
    expect(output).not.toContain('NOTICE');
    const discovery = await fetch(`${endpoint}/oidc/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    cliRun.kill('SIGTERM');
    expect(await cliRun.exited).toBe(0);
  });

  it('exits with 1 and names the field of an invalid config', async () => {
    const cliRun = run([
      '--port',
      '0',
      '--config',
      fileURLToPath(new URL('./fixtures/bad-redirect.json', import.meta.url)),
    ]);
    expect(await cliRun.exited).toBe(1);
    expect(cliRun.output()).toContain(
      'applications[0].redirectUris[0]: must be an absolute http(s) URL',
    );
  });

  it('rejects a bad --port value', async () => {
    const cliRun = run(['--port', 'abc']);
    expect(await cliRun.exited).toBe(1);
    expect(cliRun.output()).toContain('--port must be an integer from 0 to 65535');
  });
});
