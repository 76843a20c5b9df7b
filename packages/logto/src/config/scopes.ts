/**
 * Logto's scopes, resources and sign-in screens, as constants usable wherever a string is.
 *
 * @module
 */

/**
 * Scopes that ask Logto for user claims. Plain strings work everywhere one of these does.
 *
 * @example
 * ```ts
 * const config = { endpoint, appId, scopes: [UserInfoScope.Email, UserInfoScope.Organizations] };
 * ```
 */
export const UserInfoScope = {
  /** `openid`: the ID token itself (always requested unless `includeReservedScopes` is false). */
  OpenId: 'openid',
  /** `profile`: name, username, picture, created/updated times. */
  Profile: 'profile',
  /** `email`: email and email_verified. */
  Email: 'email',
  /** `phone`: phone_number and phone_number_verified. */
  Phone: 'phone',
  /** `address`: the postal address. */
  Address: 'address',
  /** `custom_data`: the user's custom data (from userinfo only). */
  CustomData: 'custom_data',
  /** `identities`: linked social and SSO identities (from userinfo only). */
  Identities: 'identities',
  /** `roles`: the user's global roles. */
  Roles: 'roles',
  /** `urn:logto:scope:organizations`: organization ids; needed for organization tokens. */
  Organizations: 'urn:logto:scope:organizations',
  /** `urn:logto:scope:organization_roles`: `<orgId>:<role>` entries. */
  OrganizationRoles: 'urn:logto:scope:organization_roles',
} as const;

/** One of the {@link UserInfoScope} values. */
export type UserInfoScope = (typeof UserInfoScope)[keyof typeof UserInfoScope];

/**
 * Scopes the client always requests first (unless `includeReservedScopes` is false):
 * `openid` for the ID token, `offline_access` for the refresh token, `profile` for basic claims.
 */
export const ReservedScope = {
  /** `openid`. */
  OpenId: 'openid',
  /** `offline_access`: makes Logto issue a refresh token. */
  OfflineAccess: 'offline_access',
  /** `profile`. */
  Profile: 'profile',
} as const;

/** One of the {@link ReservedScope} values. */
export type ReservedScope = (typeof ReservedScope)[keyof typeof ReservedScope];

/** The reserved scopes in the order they are requested. */
export const reservedScopes: readonly ReservedScope[] = Object.values(ReservedScope);

/** Resource indicators with a meaning in Logto itself. */
export const ReservedResource = {
  /** Added automatically when the organizations scope is requested. */
  Organizations: 'urn:logto:resource:organizations',
} as const;

/** One of the {@link ReservedResource} values. */
export type ReservedResource = (typeof ReservedResource)[keyof typeof ReservedResource];

/** The screen Logto's sign-in experience opens first (`first_screen`). */
export const FirstScreen = {
  /** The sign-in screen. */
  SignIn: 'sign_in',
  /** The registration screen. */
  Register: 'register',
  /** The password reset screen. */
  ResetPassword: 'reset_password',
  /** The identifier-first sign-in screen (use with `identifiers`). */
  IdentifierSignIn: 'identifier:sign_in',
  /** The identifier-first registration screen (use with `identifiers`). */
  IdentifierRegister: 'identifier:register',
  /** The enterprise single sign-on screen. */
  SingleSignOn: 'single_sign_on',
} as const;

/** One of the {@link FirstScreen} values. */
export type FirstScreen = (typeof FirstScreen)[keyof typeof FirstScreen];

/** The prefix of an organization's audience: `urn:logto:organization:<id>`. */
export const organizationUrnPrefix = 'urn:logto:organization:';

/** The audience of an organization token: `urn:logto:organization:<organizationId>`. */
export const buildOrganizationUrn = (organizationId: string): string =>
  `${organizationUrnPrefix}${organizationId}`;

/** The organization id in an organization URN, or `undefined` when `value` is not one. */
export const getOrganizationIdFromUrn = (value: string): string | undefined =>
  value.startsWith(organizationUrnPrefix) ? value.slice(organizationUrnPrefix.length) : undefined;
