// Loads every subpath of logto-ts (read from its exports map) with CommonJS require() and prints,
// as JSON, how many names each one exports, or which missing package it needs to load.
const manifest = require('logto-ts/package.json');
const loaded = {};
for (const key of Object.keys(manifest.exports)) {
  if (key === './package.json') continue;
  const specifier = key === '.' ? 'logto-ts' : `logto-ts/${key.slice(2)}`;
  try {
    loaded[specifier] = Object.keys(require(specifier)).length;
  } catch (error) {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(error?.message));
    if (!['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes(error?.code) || !missing)
      throw error;
    loaded[specifier] = `needs ${missing[1]}`;
  }
}
console.log(JSON.stringify(loaded));
