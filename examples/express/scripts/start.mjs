// `npm start` (after `npm run build`): the compiled sample, with logto-dev embedded unless a
// Logto tenant is configured. See src/main.ts.
import '../dist/main.js';
