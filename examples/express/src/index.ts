/**
 * The Logto sample app as a library: the app factory, its Logto configuration and the embedded
 * logto-dev's demo configuration (used by `npm start` and the browser test).
 *
 * @module
 */
export { apiResource, createSampleApp, type SampleAppOptions } from './app.js';
export { type DemoApplication, demoApplication, demoConfigFor, demoUsers } from './demo.js';
export { type SampleLogtoOptions, sampleLogtoConfig } from './logto-config.js';
export type { DemoUser } from './pages/home.js';
export { listen, type RunningServer } from './server.js';
export {
  type LogtoTenantSettings,
  loadEnvFiles,
  readSettings,
  type SampleSettings,
} from './settings.js';
