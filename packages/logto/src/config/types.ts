/**
 * The configuration of a {@link LogtoClient}, as given and as normalised.
 *
 * @module
 */

/** A value of the OIDC `prompt` parameter that Logto understands. */
export type Prompt = 'consent' | 'login' | 'none' | 'select_account';

/** How the client authenticates itself at the token and revocation endpoints. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/**
 * What a {@link LogtoClient} needs to know about your Logto application.
 *
 * @example
 * ```ts
 * const config: LogtoConfig = {
 *   endpoint: 'https://tenant.logto.app',
 *   appId: 'my-app',
 *   appSecret: process.env.LOGTO_APP_SECRET,
 *   scopes: [UserInfoScope.Email, UserInfoScope.Organizations],
 *   resources: ['https://api.example.com'],
 * };
 * ```
 */
export interface LogtoConfig {
  /** The Logto base URL, e.g. `https://tenant.logto.app`; the issuer is `<endpoint>/oidc`. Must be https (see `allowInsecureEndpoint`). */
  endpoint: string;
  /** The application's id (the OAuth `client_id`). */
  appId: string;
  /** The application's secret; omit it for a public client. */
  appSecret?: string;
  /** Extra scopes (strings or {@link logto!UserInfoScope} values). The reserved scopes come first; duplicates are dropped. */
  scopes?: readonly string[];
  /** API resource indicators requested at sign-in, kept in order, duplicates dropped. */
  resources?: readonly string[];
  /** The OIDC `prompt`, a value or a list of values. Default `consent` (which lets Logto issue a refresh token). */
  prompt?: Prompt | readonly Prompt[];
  /** Whether `openid offline_access profile` are added before `scopes`. Default `true`. */
  includeReservedScopes?: boolean;
  /** Allowed clock difference, in seconds, when checking `exp` and `iat`. Default 60, at most 300. */
  clockTolerance?: number;
  /** Timeout of each request to Logto, in milliseconds. Default 10 000. */
  timeout?: number;
  /**
   * Client authentication at the token and revocation endpoints. Default `client_secret_basic`
   * when `appSecret` is set, `none` otherwise.
   */
  clientAuth?: ClientAuthMethod;
  /**
   * Accept a plain-http `endpoint` on a host that is not loopback. Default `false`; tokens and
   * secrets would cross the network in the clear, so only set it on a trusted private network.
   */
  allowInsecureEndpoint?: boolean;
}

/**
 * A {@link LogtoConfig} after defaults and validation: the endpoint without trailing slashes,
 * reserved scopes first, the organizations resource added when needed.
 */
export interface NormalizedLogtoConfig
  extends Readonly<
      Required<
        Pick<LogtoConfig, 'endpoint' | 'appId' | 'clockTolerance' | 'timeout' | 'clientAuth'>
      >
    >,
    Readonly<Pick<LogtoConfig, 'appSecret' | 'scopes' | 'resources'>> {
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** The `prompt` value (space-separated). */
  readonly prompt: string;
  /** Whether the organizations scope was requested (needed for organization tokens). */
  readonly hasOrganizationsScope: boolean;
}
