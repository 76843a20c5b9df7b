import type {
  Adapter,
  ClientMetadata,
  Configuration,
  JWK,
  KoaContextWithOIDC,
  errors as OidcErrors,
  default as Provider,
  ResourceServer,
} from 'oidc-provider';
import { scopeClaims, userClaims } from './claims.js';
import type { ApplicationConfig, LogtoDevConfig } from './config.js';
import {
  Directory,
  organizationAudience,
  organizationsResource,
  organizationsScope,
} from './directory.js';
import type { SigningAlgorithm } from './keys.js';
import { toLogtoLogoutToken } from './logout-token.js';
import { errorPage, logoutPage, signedOutPage, signingOutPage } from './pages.js';

/** How refresh tokens rotate; see `StartLogtoDevOptions.refreshTokenRotation`. */
export type RefreshTokenRotation = 'logto' | 'always' | 'strict';

/** One request the provider served. */
export interface RequestLogEntry {
  method: string;
  path: string;
  grantType?: string;
  status: number;
}

/** Everything needed to build one Provider instance (a key rotation builds another over the same state). */
export interface ProviderSetup {
  oidc: typeof import('oidc-provider');
  issuer: string;
  config: LogtoDevConfig;
  /** Private signing keys; the first one signs. */
  keys: JWK[];
  cookieKeys: string[];
  adapter: new (model: string) => Adapter;
  alg: SigningAlgorithm;
  rotation: RefreshTokenRotation;
  onRequest(entry: RequestLogEntry): void;
}

/** Path prefix of the HTML sign-in pages (outside the provider's mount path). */
export const interactionPath = '/sign-in/';

/** Logto's extensions to the authorization request, plus `organization_id`. */
export const signInParameterNames = [
  'first_screen',
  'identifier',
  'direct_sign_in',
  'interaction_mode',
] as const;

const day = 24 * 60 * 60;

/**
 * Reads `organization_id` from a refresh grant's body. oidc-provider drops parameters it does not
 * know from `params`, but keeps the parsed body; only the refresh grant gives organization tokens.
 */
function organizationIdOf(ctx: KoaContextWithOIDC, errors: typeof OidcErrors): string | undefined {
  if (ctx.oidc?.route !== 'token' || ctx.oidc.params?.grant_type !== 'refresh_token')
    return undefined;
  const body = ctx.oidc.body as Record<string, unknown> | undefined;
  const value = body?.organization_id;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw new errors.InvalidRequest('organization_id must be given once');
  return value;
}

/** Builds the oidc-provider configuration that makes it behave like Logto. */
export function createProvider(setup: ProviderSetup): Provider {
  const { oidc, config, alg } = setup;
  const { errors } = oidc;
  const directory = new Directory(config);

  const isMachineToMachine = (app: ApplicationConfig) => app.type === 'machine_to_machine';
  const clients: ClientMetadata[] = config.applications
    .filter((app) => !isMachineToMachine(app))
    .map((app) => ({
      client_id: app.id,
      client_secret: app.secret,
      client_name: app.name ?? app.id,
      redirect_uris: app.redirectUris,
      post_logout_redirect_uris: app.postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // oidc-provider accepts client_secret_post too when the registered method is client_secret_basic.
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
      ...(app.backchannelLogoutUri
        ? {
            backchannel_logout_uri: app.backchannelLogoutUri,
            // Off unless switched on, as in Logto: oidc-provider then leaves `sid` out of the
            // logout token and the ID tokens.
            backchannel_logout_session_required: app.backchannelLogoutSessionRequired === true,
          }
        : {}),
    }));
  // Machine-to-machine apps get tokens for themselves (Logto's Management API, for one).
  for (const app of config.applications.filter(isMachineToMachine)) {
    clients.push({
      client_id: app.id,
      client_secret: app.secret,
      client_name: app.name ?? app.id,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
    });
  }

  const accessDenied = (description: string) => {
    const error = new errors.AccessDenied(description);
    // Logto answers a refused organization token with 403, not OAuth's usual 400.
    error.status = 403;
    error.statusCode = 403;
    return error;
  };

  const configuration: Configuration = {
    adapter: setup.adapter,
    clients,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    // Browsers may call the provider from the origins of an app's redirect URIs.
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    claims: scopeClaims,
    // Logto puts the scopes' claims in the ID token too, not only in userinfo.
    conformIdTokenClaims: false,
    cookies: { keys: setup.cookieKeys },
    enabledJWA: { idTokenSigningAlgValues: ['ES384', 'RS256'] },
    // Logto also accepts organization_id on the authorization request; it has no effect here.
    extraParams: [...signInParameterNames, 'organization_id'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          // Logto ends the session without a question when the app proves whose session it is:
          // oidc-provider has verified the id_token_hint and checked the post_logout_redirect_uri
          // against the app's list before calling this. Without both, logto-dev asks.
          const { id_token_hint: hint, post_logout_redirect_uri: target } = ctx.oidc.params ?? {};
          ctx.body =
            typeof hint === 'string' && typeof target === 'string' && ctx.oidc.client
              ? signingOutPage(form)
              : logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = signedOutPage();
        },
      },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Only an organization token request (organization_id without resource) falls back to the
        // resources granted at sign-in, and then to the organizations resource among them.
        defaultResource: async (ctx, _client, oneOf) => {
          if (oneOf && organizationIdOf(ctx, errors) && oneOf.includes(organizationsResource)) {
            return organizationsResource;
          }
          return oneOf;
        },
        useGrantedResource: async (ctx) =>
          organizationIdOf(ctx, errors) !== undefined && !ctx.oidc.params?.resource,
        getResourceServerInfo: async (ctx, indicator) => {
          // Logto's answer, word for word: it does not name the resource.
          if (!directory.isKnownResource(indicator)) throw new errors.InvalidTarget();
          const info: ResourceServer = {
            scope: directory.resourceScopes(indicator).join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL: directory.resourceTtl(indicator),
            jwt: { sign: { alg } },
          };
          if (ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials') {
            // A machine-to-machine app's own roles decide its scopes (Logto: none by default).
            info.scope = directory
              .applicationResourceScopes(ctx.oidc.client?.clientId ?? '', indicator)
              .join(' ');
            return info;
          }
          const accountId = ctx.oidc.entities.Account?.accountId;
          if (ctx.oidc.route !== 'token' || accountId === undefined) return info;

          const organizationId = organizationIdOf(ctx, errors);
          if (organizationId === undefined) {
            info.scope =
              indicator === organizationsResource
                ? ''
                : directory.userResourceScopes(accountId, indicator).join(' ');
            return info;
          }
          const roles = directory.organizationRoles(accountId, organizationId) ?? [];
          if (indicator === organizationsResource) {
            info.scope = directory.organizationScopes(roles).join(' ');
            info.accessTokenTTL = 3600;
            if (!ctx.oidc.params?.resource) info.audience = organizationAudience(organizationId);
          } else {
            info.scope = directory.organizationResourceScopes(roles, indicator).join(' ');
          }
          return info;
        },
      },
    },
    extraTokenClaims: async (ctx, token) => {
      const organizationId = organizationIdOf(ctx, errors);
      if (organizationId !== undefined && 'resourceServer' in token && token.resourceServer) {
        return { organization_id: organizationId };
      }
      return undefined;
    },
    fetch: (url, options) => {
      // oidc-provider refuses loopback targets for outgoing requests (SSRF protection); a dev provider
      // talks to apps on 127.0.0.1, so the request goes out without that dispatcher.
      const { dispatcher: _loopbackBlocked, ...rest } = options as RequestInit & {
        dispatcher?: unknown;
      };
      return globalThis.fetch(url, toLogtoLogoutToken(rest, setup.keys));
    },
    findAccount: async (ctx, sub, token) => {
      const user = directory.userById(sub);
      if (!user) return undefined;
      const organizationId = ctx ? organizationIdOf(ctx, errors) : undefined;
      if (organizationId !== undefined) {
        // Checked here, before the refresh token can rotate, so a refused request leaves the session intact.
        if (directory.organizationRoles(sub, organizationId) === undefined) {
          throw accessDenied('user is not a member of the organization');
        }
        const granted =
          token && 'resourceIndicators' in token
            ? (token.resourceIndicators as Set<string>)
            : undefined;
        if (!ctx.oidc.params?.resource && !granted?.has(organizationsResource)) {
          throw new errors.InvalidTarget(
            `organization tokens need the resource ${organizationsResource} (and the scope ${organizationsScope}) at sign-in`,
          );
        }
      }
      return { accountId: sub, claims: (use) => ({ sub, ...userClaims(directory, user, use) }) };
    },
    interactions: { url: (_ctx, interaction) => `${interactionPath}${interaction.uid}` },
    jwks: { keys: setup.keys },
    pkce: { required: () => true },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(
        String(out.error),
        out.error_description ? String(out.error_description) : undefined,
      );
    },
    ...(setup.rotation === 'logto' ? {} : { rotateRefreshToken: true }),
    routes: {
      authorization: '/auth',
      token: '/token',
      jwks: '/jwks',
      userinfo: '/me',
      end_session: '/session/end',
      revocation: '/token/revocation',
    },
    scopes: ['openid', 'offline_access', ...Object.keys(scopeClaims).filter((s) => s !== 'openid')],
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 3600,
      AuthorizationCode: 600,
      ClientCredentials: 3600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * day,
      Session: 14 * day,
      Grant: 14 * day,
    },
  };

  const provider = new oidc.Provider(setup.issuer, configuration);
  provider.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      const oidcContext = (ctx as KoaContextWithOIDC).oidc as
        | KoaContextWithOIDC['oidc']
        | undefined;
      const grantType = oidcContext?.params?.grant_type;
      setup.onRequest({
        method: ctx.method,
        path: `/oidc${ctx.path === '/' ? '' : ctx.path}`,
        ...(typeof grantType === 'string' ? { grantType } : {}),
        status: ctx.status,
      });
    }
  });
  return provider;
}
