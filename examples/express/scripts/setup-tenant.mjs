// `npm run setup:tenant` (after `npm run build`): prepares a Logto tenant for the sample through
// the Management API. See src/tenant/cli.ts.
import '../dist/tenant/main.js';
