/**
 * The packages as a user gets them: packed into tarballs, installed into a fresh project outside
 * the workspace (nothing hoisted from the monorepo), with only Express as a framework. That
 * project must install without engine warnings on Node 20.19, compile under every TypeScript
 * module setting with `skipLibCheck: false`, load every subpath with `import` and `require()` on
 * Node 20.19 and 22, and sign in for real against `logto-dev` from its own tarball.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PackedPackage,
  packPackage,
  publishedPackages,
  readManifest,
  repoRoot,
  subpathsOf,
  tarballProblems,
} from '../../scripts/release/package-files.js';
import { canRunNodeBinaries, nodeBinary, nodeVersions } from './node-binaries.js';

const run = promisify(execFile);
const appSources = resolve(repoRoot, 'test/consumers/express-app');
const tsc = resolve(repoRoot, 'node_modules/typescript/bin/tsc');

let workDir: string;
let project: string;
let packed: PackedPackage[];
let installOutput: string;
/** The `node` binary that ran `npm install`. */
let installNode: string;
const nodes = new Map<string, string>();

/** The versions the repository itself develops against, so the npm cache already holds them. */
const pinned = () => {
  const sdk = readManifest('packages/logto') as { devDependencies?: Record<string, string> };
  const root = readManifest('.') as { devDependencies?: Record<string, string> };
  return {
    express: sdk.devDependencies?.express ?? '5',
    '@types/express': sdk.devDependencies?.['@types/express'] ?? '5',
    '@types/node': root.devDependencies?.['@types/node'] ?? '20',
  };
};

/** The SDK's optional peer dependencies (frameworks and clients an app may leave out). */
const optionalPeers = () => {
  const sdk = readManifest('packages/logto') as {
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  return Object.entries(sdk.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta.optional === true)
    .map(([name]) => name);
};

const frameworkSources = resolve(repoRoot, 'test/consumers/framework-apps');

/** Apps with one other framework, each compiled in a project where the other frameworks are absent. */
const frameworkApps = [
  {
    name: 'Hono 4',
    dir: 'hono-app',
    file: 'hono-app.ts',
    dependencies: () => ({
      hono:
        (readManifest('packages/logto') as { devDependencies?: Record<string, string> })
          .devDependencies?.hono ?? '4',
    }),
    absent: ['express', '@types/express', 'fastify'],
  },
  {
    name: 'Fastify 4',
    dir: 'fastify4-app',
    file: 'fastify-app.ts',
    dependencies: () => ({
      fastify:
        (
          readManifest('packages/logto') as { devDependencies?: Record<string, string> }
        ).devDependencies?.fastify4?.replace(/^npm:fastify@/, '') ?? '4',
    }),
    absent: ['express', '@types/express', 'hono'],
  },
];

/** Where npm's own CLI script is, to run it with another `node` binary. */
const npmCli = () => {
  const prefix = execFileSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).trim();
  const candidates = [
    join(prefix, 'lib/node_modules/npm/bin/npm-cli.js'),
    join(prefix, 'node_modules/npm/bin/npm-cli.js'),
  ];
  return candidates.find((path) => existsSync(path));
};

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'logto-ts-consumers-'));
  execFileSync(process.execPath, [tsc, '-b', ...publishedPackages], { cwd: repoRoot });
  packed = publishedPackages.map((dir) => packPackage(dir, join(workDir, 'tarballs')));
  const tarballOf = (name: string) =>
    packed.find((entry) => entry.manifest.name === name)?.tarball ?? '';

  if (canRunNodeBinaries) {
    for (const version of nodeVersions) nodes.set(version, nodeBinary(version));
  }

  project = join(workDir, 'express-app');
  execFileSync('mkdir', ['-p', join(project, 'src')]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'express-consumer',
        private: true,
        type: 'module',
        dependencies: {
          'logto-ts': `file:${tarballOf('logto-ts')}`,
          'logto-dev': `file:${tarballOf('logto-dev')}`,
          ...pinned(),
        },
      },
      null,
      2,
    ),
  );
  for (const file of ['app.ts', 'app.cts']) {
    copyFileSync(join(appSources, file), join(project, 'src', file));
  }
  for (const file of ['load.mjs', 'load.cjs', 'sign-in.mjs']) {
    copyFileSync(join(appSources, file), join(project, file));
  }

  for (const app of frameworkApps) {
    const dir = join(workDir, app.dir);
    execFileSync('mkdir', ['-p', join(dir, 'src')]);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: app.dir,
        private: true,
        type: 'module',
        dependencies: {
          'logto-ts': `file:${tarballOf('logto-ts')}`,
          '@types/node': pinned()['@types/node'],
          ...app.dependencies(),
        },
      }),
    );
    copyFileSync(join(frameworkSources, app.file), join(dir, 'src', app.file));
  }

  // One install per project, side by side. The Express app's is run by the oldest supported
  // Node, so that engine warnings show up.
  const oldest = nodes.get(nodeVersions[0]);
  const cli = npmCli();
  const [command, prefix] = oldest && cli ? [oldest, [cli]] : ['npm', [] as string[]];
  const install = (cwd: string, node: string, nodeArgs: string[]) =>
    run(
      node,
      [...nodeArgs, 'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'],
      { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
  const [{ stdout, stderr }] = await Promise.all([
    install(project, command, prefix),
    ...frameworkApps.map((app) => install(join(workDir, app.dir), 'npm', [])),
  ]);
  installOutput = `${stdout}${stderr}`;
  installNode = command;
}, 600_000);

// Removing the consumer projects (node_modules of several installs) can pass the default hook
// timeout on a busy machine.
afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('the tarballs', () => {
  it('hold dist, LICENSE, README and CHANGELOG, and no build cache, tests or fixtures', () => {
    for (const entry of packed) {
      expect(tarballProblems(entry), entry.manifest.name).toEqual([]);
    }
  });

  it.skipIf(!canRunNodeBinaries)('install on Node 20.19 without an engine warning', () => {
    expect(installNode, 'npm ran on the oldest supported Node').toBe(nodes.get(nodeVersions[0]));
    expect(installOutput).not.toMatch(/EBADENGINE|Unsupported engine/i);
  });

  it('declare no dependency that the built code never imports', () => {
    const sdk = packed.find((entry) => entry.manifest.name === 'logto-ts');
    const dist = join(project, 'node_modules/logto-ts/dist');
    const code = execFileSync('grep', ['-rhoE', "from '[^.][^']*'", dist, '--include=*.js'], {
      encoding: 'utf8',
    });
    for (const dependency of Object.keys(sdk?.manifest.dependencies ?? {})) {
      expect(code, dependency).toContain(`from '${dependency}'`);
    }
  });
});

// tsc with skipLibCheck off reads all of Express's and Node's types: about 10 s of CPU per
// setting, so the settings compile side by side, each with a generous timeout for busy machines.
describe.concurrent('an Express-only app (no hono or fastify installed) compiles', () => {
  it('has neither hono nor fastify in its node_modules', () => {
    for (const name of ['hono', 'fastify', '@types/hono']) {
      expect(existsSync(join(project, 'node_modules', name)), name).toBe(false);
    }
  });

  const strict = { strict: true, skipLibCheck: false, noEmit: true, types: ['node'] };
  it.each([
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, 'src/app.ts'],
    ['node16', { module: 'node16', moduleResolution: 'node16' }, 'src/app.ts'],
    ['bundler (module esnext)', { module: 'esnext', moduleResolution: 'bundler' }, 'src/app.ts'],
    [
      'commonjs (node10 resolution, through typesVersions)',
      { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true },
      'src/app.ts',
    ],
    [
      'nodenext from a CommonJS file (.cts)',
      { module: 'nodenext', moduleResolution: 'nodenext' },
      'src/app.cts',
    ],
  ])(
    'with %s, strict and skipLibCheck false',
    async (name, options, file) => {
      const config = `tsconfig.${name.split(' ')[0]}.json`;
      writeFileSync(
        join(project, config),
        JSON.stringify({
          compilerOptions: { target: 'es2022', ...strict, ...options },
          files: [file],
        }),
      );
      const result = await run(process.execPath, [tsc, '-p', config], { cwd: project }).then(
        () => '',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout}${error.stderr}`,
      );
      expect(result).toBe('');
    },
    600_000,
  );
});

describe.concurrent('a framework-only app compiles (nodenext, strict, skipLibCheck false)', () => {
  it.each(frameworkApps)(
    '$name, with no other framework installed',
    async (app) => {
      const dir = join(workDir, app.dir);
      for (const name of app.absent) {
        expect(existsSync(join(dir, 'node_modules', name)), name).toBe(false);
      }
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            types: ['node'],
            module: 'nodenext',
            moduleResolution: 'nodenext',
          },
          files: [`src/${app.file}`],
        }),
      );
      const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).then(
        () => '',
        (error: { stdout?: string; stderr?: string }) => `${error.stdout}${error.stderr}`,
      );
      expect(result).toBe('');
    },
    600_000,
  );
});

describe.skipIf(!canRunNodeBinaries).each(nodeVersions)('on Node %s', (version) => {
  const node = () => nodes.get(version) ?? '';
  const subpaths = () => subpathsOf(readManifest('packages/logto'));

  it.each([
    ['import()', 'load.mjs'],
    ['require() from CommonJS', 'load.cjs'],
  ])('every subpath loads with %s, silently', async (_how, script) => {
    const { stdout, stderr } = await run(node(), [script], { cwd: project });
    const loaded = JSON.parse(stdout) as Record<string, number | string>;
    expect(Object.keys(loaded).sort()).toEqual(subpaths().sort());
    for (const [subpath, result] of Object.entries(loaded)) {
      if (typeof result === 'number') {
        expect(result, subpath).toBeGreaterThan(0);
        continue;
      }
      // Only a subpath for a framework that is not installed here may need it at run time, and
      // only if that framework is an optional peer: the Express app must not need it.
      const peer = /^needs ((?:@[^/]+\/)?[^/]+)/.exec(result)?.[1] ?? '';
      expect(optionalPeers(), `${subpath}: ${result}`).toContain(peer);
      expect(['express', ...Object.keys(pinned())], subpath).not.toContain(peer);
    }
    expect(stderr).toBe('');
  });

  it('the Express app signs in against logto-dev over HTTP and calls an API with its token', async () => {
    const { stdout } = await run(node(), ['sign-in.mjs'], { cwd: project }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const outcome = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    expect(outcome).toMatchObject({
      ok: true,
      node: `v${version}`,
      landing: '/protected',
      sub: 'user-alice',
      apiSub: 'user-alice',
    });
    expect(outcome.refused).toMatch(/^Bearer /);
  }, 180_000);
});

it('the consumer app reads nothing from the repository (its own node_modules only)', () => {
  const installed = JSON.parse(
    readFileSync(join(project, 'node_modules/logto-ts/package.json'), 'utf8'),
  ) as { version: string };
  expect(installed.version).toBe(readManifest('packages/logto').version);
  expect(project.startsWith(repoRoot)).toBe(false);
});
