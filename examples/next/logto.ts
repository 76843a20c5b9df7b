/**
 * The sample's Logto adapter: one per app, imported by the routes, pages and the proxy.
 *
 * The options are a function: `next build` loads this module without the run-time environment
 * (`npm run start:next` sets it when it starts the server), and the function runs on first use.
 */
import { UserInfoScope } from 'logto-ts';
import { createLogto } from 'logto-ts/next';

/** The API resource this sample asks tokens for (registered in logto-dev's demo data). */
export const apiResource = 'https://api.example.com';

const setting = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set. Start the sample with \`npm run start:next\`.`);
  }
  return value;
};

export const logto = createLogto(() => ({
  endpoint: setting('LOGTO_ENDPOINT'),
  appId: setting('LOGTO_APP_ID'),
  appSecret: setting('LOGTO_APP_SECRET'),
  baseUrl: setting('BASE_URL'),
  // One secret, or several comma-separated: the first encrypts, all decrypt.
  secret: setting('SESSION_SECRET').split(','),
  scopes: [
    UserInfoScope.Email,
    UserInfoScope.Phone,
    UserInfoScope.CustomData,
    UserInfoScope.Identities,
    UserInfoScope.Organizations,
    UserInfoScope.OrganizationRoles,
    // Permissions: of the API resource, and of organizations (in organization tokens).
    'read:messages',
    'read:members',
  ],
  resources: [apiResource],
}));

/** Where the example API (`examples/api`) listens, if it runs. */
export const apiBaseUrl = (): string | undefined => process.env.API_BASE_URL || undefined;
