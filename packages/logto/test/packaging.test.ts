import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = resolve(packageDir, '../..');
const manifest = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, { default?: string } | string>;
};
const subpaths = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'logto-ts' : `logto-ts/${key.slice(2)}`));

beforeAll(() => {
  // The package is tested as shipped: compiled JavaScript resolved through its `exports` map.
  execFileSync(process.execPath, [
    fileURLToPath(import.meta.resolve('typescript/bin/tsc')),
    '-b',
    packageDir,
  ]);
}, 120_000);

const node = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' }).trim();

/** The bare specifiers a compiled entry point reaches through its relative imports. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else external.add(specifier);
    }
    for (const match of source.matchAll(/^\s*import\s+'([^']+)'/gm)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else external.add(specifier);
    }
  };
  visit(entry);
  return external;
}

describe('the published package', () => {
  it.each(subpaths)('%s loads with require() from CommonJS on this Node', (subpath) => {
    const keys = node([
      '-e',
      `console.log(Object.keys(require(${JSON.stringify(subpath)})).length)`,
    ]);
    expect(Number(keys)).toBeGreaterThan(0);
  });

  it.each(subpaths)('%s loads with import() from ESM', (subpath) => {
    const keys = node([
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(subpath)}); console.log(Object.keys(m).length)`,
    ]);
    expect(Number(keys)).toBeGreaterThan(0);
  });

  it("import 'logto-ts' reaches no framework, Redis client or other optional peer", () => {
    const entry = resolve(packageDir, 'dist/index.js');
    const allowed = /^(node:.*|jose|oauth4webapi)$/;
    const reached = [...externalImports(entry)].filter((specifier) => !allowed.test(specifier));
    expect(reached).toEqual([]);
  });

  it('each adapter reaches only its own framework at run time (type imports are erased)', () => {
    const frameworks = ['express', 'hono', 'fastify', 'redis', 'ioredis', 'next'];
    for (const subpath of subpaths.filter((name) => name !== 'logto-ts')) {
      const target = manifest.exports[`./${subpath.slice('logto-ts/'.length)}`];
      const file = typeof target === 'string' ? target : (target?.default ?? '');
      const reached = [...externalImports(resolve(packageDir, file))].filter((specifier) =>
        frameworks.some((name) => specifier === name || specifier.startsWith(`${name}/`)),
      );
      const own = subpath.slice('logto-ts/'.length);
      expect(
        reached.filter((specifier) => !specifier.startsWith(own)),
        subpath,
      ).toEqual([]);
    }
  });
});
