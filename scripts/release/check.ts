/**
 * `npm run release:check`: builds the published packages, lints their manifests (publint), checks
 * their types under every TypeScript resolution (@arethetypeswrong/cli), packs them and checks
 * what each tarball holds. Prints one line per check and exits 1 if any failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packPackage, publishedPackages, repoRoot, tarballProblems } from './package-files.js';

const bin = (name: string) => resolve(repoRoot, 'node_modules/.bin', name);

interface Outcome {
  name: string;
  ok: boolean;
  details: string;
}
const outcomes: Outcome[] = [];

function run(name: string, command: string, args: string[], cwd = repoRoot): void {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  const ok = result.status === 0;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  outcomes.push({ name, ok, details: ok ? '' : output || String(result.error ?? '') });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

run('build (tsc -b)', bin('tsc'), ['-b', ...publishedPackages]);

const destination = mkdtempSync(join(tmpdir(), 'logto-ts-release-'));
try {
  for (const dir of publishedPackages) {
    run(`${dir}: publint --strict`, bin('publint'), ['--strict', dir]);

    const packed = packPackage(dir, destination);
    const label = `${packed.manifest.name}@${packed.manifest.version}`;
    const problems = tarballProblems(packed);
    outcomes.push({
      name: `${label}: tarball`,
      ok: problems.length === 0,
      details: problems.join('\n'),
    });
    console.log(
      `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${label}: tarball (${packed.files.length} files: no build cache, tests or fixtures; LICENSE, README, CHANGELOG, every exports target and typesVersions entry)`,
    );

    // The packages are ESM only: `require()` of them works from Node 20.19 on (the `engines`
    // minimum), so "CJS resolves to ESM" is the intended shape, not a problem.
    run(`${label}: attw (node10, node16 CJS/ESM, bundler)`, bin('attw'), [
      packed.tarball,
      '--ignore-rules',
      'cjs-resolves-to-esm',
      '--format',
      'table-flipped',
    ]);
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}

const failed = outcomes.filter((outcome) => !outcome.ok);
for (const outcome of failed) console.log(`\n== ${outcome.name}\n${outcome.details}`);
console.log(
  failed.length === 0
    ? `\nrelease:check: all ${outcomes.length} checks passed`
    : `\nrelease:check: ${failed.length} of ${outcomes.length} checks failed`,
);
process.exit(failed.length === 0 ? 0 : 1);
