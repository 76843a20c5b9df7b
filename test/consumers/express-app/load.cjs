// Loads every subpath of logto-ts (read from its exports map) with CommonJS require() and prints
// how many names each one exports, as JSON.
const manifest = require('logto-ts/package.json');
const loaded = {};
for (const key of Object.keys(manifest.exports)) {
  if (key === './package.json') continue;
  const specifier = key === '.' ? 'logto-ts' : `logto-ts/${key.slice(2)}`;
  loaded[specifier] = Object.keys(require(specifier)).length;
}
console.log(JSON.stringify(loaded));
