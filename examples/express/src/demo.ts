/**
 * The embedded logto-dev's configuration for this sample: logto-dev's demo data, with the
 * sample's own redirect URIs registered.
 *
 * @module
 */
import { demoConfig, type LogtoDevConfig } from 'logto-dev';
import type { DemoUser } from './pages/home.js';

/** The demo application's credentials, as the sample passes them to `logto-ts/express`. */
export interface DemoApplication {
  /** The application id (`demo-app`). */
  appId: string;
  /** Its secret. */
  appSecret: string;
}

/**
 * logto-dev's demo config, with `<baseUrl>/callback` and `<baseUrl>/` added to the demo
 * application's redirect and post-logout redirect URIs (so any port or host works).
 */
export function demoConfigFor(baseUrl: string): LogtoDevConfig {
  const config = demoConfig();
  const origin = new URL(baseUrl).origin;
  for (const application of config.applications) {
    const callback = `${origin}/callback`;
    const home = `${origin}/`;
    if (!application.redirectUris.includes(callback)) application.redirectUris.push(callback);
    if (!application.postLogoutRedirectUris.includes(home)) {
      application.postLogoutRedirectUris.push(home);
    }
  }
  return config;
}

/** The first application of a logto-dev config. */
export function demoApplication(config: LogtoDevConfig): DemoApplication {
  const application = config.applications[0];
  if (application === undefined) throw new Error('The logto-dev config has no application.');
  return { appId: application.id, appSecret: application.secret };
}

/** The users of a logto-dev config with their passwords, to print and show on the home page. */
export function demoUsers(config: LogtoDevConfig): DemoUser[] {
  return config.users.map((user) => ({ username: user.username, password: user.password }));
}
