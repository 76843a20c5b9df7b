// `next build` of the sample, skipped when nothing it is built from changed since the last build:
// the sample's sources, the compiled logto-ts it bundles, and the installed Next.js.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const repositoryDir = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next');

/** What the build reads: files under these paths (directories are walked). */
const inputs = [
  join(exampleDir, 'app'),
  join(exampleDir, 'logto.ts'),
  join(exampleDir, 'proxy.ts'),
  join(exampleDir, 'next.config.mjs'),
  join(exampleDir, 'tsconfig.json'),
  join(exampleDir, 'package.json'),
  join(repositoryDir, 'packages/logto/dist'),
  join(repositoryDir, 'examples/express/dist'),
  require.resolve('next/package.json'),
];

const stampFile = join(exampleDir, '.next', 'logto-sample-inputs.sha256');

function* files(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) yield* files(join(path, entry));
  } else if (!path.endsWith('.tsbuildinfo') && !path.endsWith('.map')) {
    yield path;
  }
}

/** A hash of every input file's path and content. */
export function inputsHash() {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of files(input)) {
      hash
        .update(relative(repositoryDir, file))
        .update('\0')
        .update(readFileSync(file))
        .update('\0');
    }
  }
  return hash.digest('hex');
}

/**
 * Runs `next build` in examples/next unless the last build had the same inputs. Resolves with
 * `{ built, seconds }`; rejects when the build fails.
 */
export async function buildNextSample({ quiet = false } = {}) {
  const hash = inputsHash();
  const upToDate =
    existsSync(join(exampleDir, '.next', 'BUILD_ID')) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === hash;
  if (upToDate) return { built: false, seconds: 0 };
  const started = Date.now();
  let output = '';
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], {
      cwd: exampleDir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code}):\n${output}`)),
    );
  });
  writeFileSync(stampFile, hash);
  return { built: true, seconds: (Date.now() - started) / 1000 };
}
