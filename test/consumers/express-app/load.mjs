// Imports every subpath of logto-ts (read from its exports map) with ESM import() and prints how
// many names each one exports, as JSON.
import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('logto-ts/package.json');
const loaded = {};
for (const key of Object.keys(manifest.exports)) {
  if (key === './package.json') continue;
  const specifier = key === '.' ? 'logto-ts' : `logto-ts/${key.slice(2)}`;
  loaded[specifier] = Object.keys(await import(specifier)).length;
}
console.log(JSON.stringify(loaded));
