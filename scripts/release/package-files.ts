/**
 * What a published package must hold, read from its own manifest: `npm run release:check` and the
 * consumer tests (`test/consumers`) both pack the packages with this and check the tarball
 * against it, so a new subpath in `exports` is covered without editing a list.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The published packages, in build order (the SDK's tests use `logto-dev`). */
export const publishedPackages = ['packages/logto-dev', 'packages/logto'] as const;

/** One `exports` target: a path, or conditions mapped to paths. */
type ExportTarget = string | { [condition: string]: ExportTarget };

/** The members of a `package.json` this check reads. */
export interface Manifest {
  name: string;
  version: string;
  license?: string;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: Record<string, ExportTarget>;
  typesVersions?: Record<string, Record<string, string[]>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** A package packed into a tarball. */
export interface PackedPackage {
  /** The package folder, relative to the repository root. */
  dir: string;
  manifest: Manifest;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the tarball, relative to the package root (`dist/index.js`, …). */
  files: string[];
}

/** Reads `<dir>/package.json` (`dir` relative to the repository root). */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(resolve(repoRoot, dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * The import specifiers a package offers, from its `exports` map: `logto-ts`,
 * `logto-ts/express`, … (`./package.json` left out).
 */
export function subpathsOf(manifest: Manifest): string[] {
  return Object.keys(manifest.exports ?? { '.': '' })
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

/** Every file path an `exports` target names, whatever the condition. */
function targetsOf(target: ExportTarget): string[] {
  if (typeof target === 'string') return [target];
  return Object.values(target).flatMap(targetsOf);
}

/** The `types` path of an `exports` entry, if it has one. */
function typesOf(target: ExportTarget): string | undefined {
  return typeof target === 'string' ? undefined : (target.types as string | undefined);
}

const normal = (path: string) => path.replace(/^\.\//, '');

/**
 * Runs `npm pack` on a package (already built) into `destination` and lists the tarball's files.
 *
 * @param dir - The package folder, relative to the repository root.
 */
export function packPackage(dir: string, destination: string): PackedPackage {
  mkdirSync(destination, { recursive: true });
  const output = execFileSync(
    'npm',
    ['pack', '--json', '--silent', '--pack-destination', destination],
    { cwd: resolve(repoRoot, dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const [result] = JSON.parse(output) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  if (!result) throw new Error(`npm pack printed no result for ${dir}`);
  return {
    dir,
    manifest: readManifest(dir),
    tarball: resolve(destination, result.filename),
    files: result.files.map((file) => file.path),
  };
}

/**
 * What is wrong with a packed package, as sentences (empty when nothing is): build leftovers,
 * tests or fixtures inside; LICENSE, README, CHANGELOG, a declared file or an `exports` target
 * missing; a subpath that `typesVersions` does not map (TypeScript's `node10` resolution,
 * `"module": "commonjs"`, would not find its types); no CHANGELOG entry for the version.
 */
export function tarballProblems(packed: PackedPackage): string[] {
  const { manifest, files } = packed;
  const problems: string[] = [];
  const has = new Set(files);

  for (const file of files) {
    if (/\.tsbuildinfo$/.test(file)) problems.push(`ships the build cache ${file}`);
    if (/\.(test|spec)\.[cm]?[jt]sx?$/.test(file) || /(^|\/)(test|tests|__tests__)\//.test(file)) {
      problems.push(`ships the test file ${file}`);
    }
    if (/(^|\/)fixtures?\//.test(file)) problems.push(`ships the fixture ${file}`);
  }
  for (const required of ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md']) {
    if (!has.has(required)) problems.push(`lacks ${required}`);
  }
  if (!files.some((file) => file.startsWith('dist/'))) problems.push('lacks dist/');

  const declared = [
    manifest.main,
    manifest.types,
    ...(typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})),
    ...Object.values(manifest.exports ?? {}).flatMap(targetsOf),
  ].filter((path): path is string => path !== undefined);
  for (const path of new Set(declared.map(normal))) {
    if (!has.has(path)) problems.push(`lacks ${path}, which its package.json names`);
  }

  const mapped = manifest.typesVersions?.['*'] ?? {};
  for (const [key, target] of Object.entries(manifest.exports ?? {})) {
    if (key === '.' || key === './package.json') continue;
    const types = typesOf(target);
    if (types === undefined) continue;
    const subpath = key.slice(2);
    if (!mapped[subpath]?.map(normal).includes(normal(types))) {
      problems.push(
        `typesVersions does not map "${subpath}" to ${types}: TypeScript with "module": "commonjs" (node10 resolution) would not find ${manifest.name}/${subpath}. Add "${subpath}": ["${types}"] under typesVersions["*"].`,
      );
    }
  }

  const changelogPath = resolve(repoRoot, packed.dir, 'CHANGELOG.md');
  const changelog = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
  const escaped = manifest.version.replace(/\./g, '\\.');
  if (!new RegExp(`^## ${escaped}(\\s|$)`, 'm').test(changelog)) {
    problems.push(`CHANGELOG.md has no "## ${manifest.version}" section for the current version`);
  }
  return problems;
}
