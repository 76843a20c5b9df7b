/**
 * The sample's Logto configuration, shared by the Express and the Next.js samples: the
 * quick-start's scopes and one API resource. No framework import, so a Next.js route can load it.
 *
 * @module
 */
import { type LogtoConfig, UserInfoScope } from 'logto-ts';
import { defaultApiResource, defaultApiScope } from './settings.js';

/** The Logto application and API resource of {@link sampleLogtoConfig}. */
export interface SampleLogtoOptions {
  /** The Logto endpoint, e.g. `https://tenant.logto.app` or logto-dev's `http://127.0.0.1:3001`. */
  endpoint: string;
  /** The application id. */
  appId: string;
  /** The application secret. */
  appSecret: string;
  /** The API resource to request at sign-in. Default `https://api.example.com`. */
  apiResource?: string | undefined;
  /** The permission to request on it. Default `read:messages`. */
  apiScope?: string | undefined;
}

/** The Logto configuration of the sample: the quick-start's scopes and one API resource. */
export function sampleLogtoConfig(options: SampleLogtoOptions): LogtoConfig {
  return {
    endpoint: options.endpoint,
    appId: options.appId,
    appSecret: options.appSecret,
    scopes: [
      UserInfoScope.Email,
      UserInfoScope.Phone,
      UserInfoScope.CustomData,
      UserInfoScope.Identities,
      UserInfoScope.Organizations,
      UserInfoScope.OrganizationRoles,
      // Permissions: of the API resource, and of organizations (in organization tokens).
      options.apiScope ?? defaultApiScope,
      'read:members',
    ],
    resources: [options.apiResource ?? defaultApiResource],
  };
}
