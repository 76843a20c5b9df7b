/**
 * The sample's Logto adapter: one per app, imported by the routes, pages and the proxy.
 *
 * The options are a function: `next build` loads this module without the run-time environment
 * (`npm run start:next` sets it when it starts the server), and the function runs on first use.
 */
import { sampleLogtoConfig } from 'example-express/dist/logto-config.js';
import { defaultApiResource } from 'example-express/dist/settings.js';
import { createLogto } from 'logto-ts/next';

/** The API resource this sample asks tokens for: `API_RESOURCE`, or logto-dev's demo API. */
export const apiResource = process.env.API_RESOURCE || defaultApiResource;

const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set. Start the sample with \`npm run start:next\`.`);
  }
  return value;
};

export const logto = createLogto(() => ({
  ...sampleLogtoConfig({
    endpoint: setting('LOGTO_ENDPOINT'),
    appId: setting('LOGTO_APP_ID'),
    appSecret: setting('LOGTO_APP_SECRET'),
    apiResource,
    apiScope: process.env.API_SCOPE || undefined,
  }),
  baseUrl: setting('BASE_URL'),
  // One secret, or several comma-separated: the first encrypts, all decrypt.
  secret: setting('SESSION_SECRET').split(','),
}));

/** Where the example API (`examples/api`) listens, if it runs. */
export const apiBaseUrl = (): string | undefined => process.env.API_BASE_URL || undefined;
