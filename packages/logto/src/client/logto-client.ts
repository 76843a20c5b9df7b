/**
 * {@link LogtoClient}: the sign-in state machine over one user's {@link Storage}.
 *
 * @module
 */
import { normalizeLogtoConfig } from '../config/normalize.js';
import type { LogtoConfig, NormalizedLogtoConfig } from '../config/types.js';
import { LogtoError } from '../errors.js';
import type { Storage } from '../storage.js';
import {
  type AccessTokenClaims,
  decodeJwtPayload,
  type IdTokenClaims,
  type UserInfoResponse,
} from '../tokens/claims.js';
import { completeSignIn } from './callback.js';
import { type ClientContext, clearTokens, notAuthenticated, readIdTokenClaims } from './context.js';
import { GuardedStorage } from './guarded-storage.js';
import { refreshRegistry } from './refresh-registry.js';
import { startSignIn } from './sign-in.js';
import { signOut } from './sign-out.js';
import { isSignedIn } from './signed-in.js';
import { fetchUserInfo, getAccessTokenEntry } from './tokens.js';
import type { LogtoClientOptions, SignInCallbackResult, SignInOptions } from './types.js';

/**
 * A Logto client for one user's session. Building one is cheap (no I/O; caches are process-wide),
 * so a web app builds one per request over that request's session storage.
 *
 * @example
 * ```ts
 * const client = new LogtoClient(
 *   { endpoint: 'https://tenant.logto.app', appId: 'my-app', appSecret: 'secret' },
 *   { storage: new MemoryStorage() },
 * );
 * const url = await client.signIn({ redirectUri: 'https://app.example.com/callback' });
 * // redirect the browser to `url`; then, on the callback route:
 * await client.handleSignInCallback(request.url);
 * const claims = await client.getIdTokenClaims();
 * ```
 */
export class LogtoClient {
  /** The configuration in use, after defaults and validation. */
  readonly config: NormalizedLogtoConfig;
  readonly #context: ClientContext;

  /**
   * @param config - Your Logto application; see {@link LogtoConfig}.
   * @param options - The session storage, and optionally `fetch` and a logger.
   * @throws {@link LogtoError} `config.invalid`, naming the bad field.
   */
  constructor(config: LogtoConfig, options: LogtoClientOptions) {
    this.config = normalizeLogtoConfig(config);
    const storage = options?.storage as Partial<Storage> | undefined;
    const methods = ['getItem', 'setItem', 'removeItem'] as const;
    if (!methods.every((method) => typeof storage?.[method] === 'function')) {
      throw new LogtoError(
        'config.invalid',
        'LogtoClientOptions.storage must implement getItem, setItem and removeItem.',
      );
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new LogtoError('config.invalid', 'LogtoClientOptions.fetch must be a function.');
    }
    const normalized = this.config;
    this.#context = {
      config: normalized,
      storage: new GuardedStorage(options.storage),
      http: { fetch: options.fetch ?? globalThis.fetch, timeout: normalized.timeout },
      clientAuth: {
        clientId: normalized.appId,
        method: normalized.clientAuth,
        ...(normalized.clientAuth === 'none' || normalized.appSecret === undefined
          ? {}
          : { clientSecret: normalized.appSecret }),
      },
      logger: options.logger,
      refreshRegistry: options.refreshRegistry ?? refreshRegistry,
      namespace: `${normalized.endpoint}\u0000${normalized.appId}`,
    };
  }

  /**
   * Starts a sign-in: stores a new sign-in session (PKCE verifier, state, nonce) and returns the
   * authorization URL. Current tokens are kept until the callback of this one succeeds.
   *
   * @param options - The options, or just the redirect URI.
   * @throws {@link LogtoError} `sign_in.invalid_options`, `provider.*`, `storage.failed`.
   */
  async signIn(options: SignInOptions | string | URL): Promise<string> {
    return startSignIn(this.#context, options);
  }

  /**
   * Completes a sign-in from the callback URL: checks it against the sign-in session, exchanges
   * the code, verifies the ID token and stores the tokens (revoking an earlier refresh token, best
   * effort). A replayed callback fails with `sign_in_session.not_found`.
   *
   * @param callbackUrl - The full URL the provider redirected to (with its query).
   * @returns Where to send the user next, if `signIn` was given a `postRedirectUri`.
   * @throws {@link LogtoError} `callback.*`, `sign_in_session.*`, `id_token.*`, `provider.*`, `token.*`.
   */
  async handleSignInCallback(callbackUrl: string | URL): Promise<SignInCallbackResult> {
    return completeSignIn(this.#context, callbackUrl);
  }

  /**
   * Whether the session is signed in: an ID token is stored, and either a refresh token is stored
   * or the ID token has not expired. No I/O beyond the storage.
   */
  async isAuthenticated(): Promise<boolean> {
    const claims = await readIdTokenClaims(this.#context);
    if (!claims) return false;
    return isSignedIn(
      claims,
      Boolean(await this.#context.storage.get('refreshToken')),
      this.config.clockTolerance,
    );
  }

  /** The stored ID token (verified when it arrived), or `null`. */
  async getIdToken(): Promise<string | null> {
    return this.#context.storage.get('idToken');
  }

  /**
   * The claims of the stored ID token (verified when it arrived, decoded now).
   *
   * @throws {@link LogtoError} `token.not_authenticated` when no (readable) ID token is stored.
   */
  async getIdTokenClaims(): Promise<IdTokenClaims> {
    const claims = await readIdTokenClaims(this.#context);
    if (!claims) throw notAuthenticated('getIdTokenClaims');
    return claims;
  }

  /** The stored refresh token, or `null`. */
  async getRefreshToken(): Promise<string | null> {
    return this.#context.storage.get('refreshToken');
  }

  /**
   * Fetches the user's claims from the userinfo endpoint and checks that they are about the
   * signed-in user. A 401 is retried once with a new access token; a second refusal signs out.
   *
   * @throws {@link LogtoError} `token.not_authenticated`, `token.invalid_grant` (both sign out),
   *   `userinfo.sub_mismatch`, `provider.*`, `token.*`.
   */
  async fetchUserInfo(): Promise<UserInfoResponse> {
    return fetchUserInfo(this.#context);
  }

  /**
   * An access token for userinfo (no arguments), an API resource, an organization, or both. A
   * cached token is returned while fresh; otherwise the refresh token is used (one grant at a time).
   *
   * @param resource - The API resource indicator; omit for the userinfo token or a plain organization token.
   * @param organizationId - The organization id; needs the organizations scope.
   * @throws {@link LogtoError} `token.missing_organizations_scope`, `token.not_authenticated`,
   *   `token.invalid_grant` (the session is then signed out), `token.invalid_target`,
   *   `token.access_denied`, `id_token.*`, `provider.*`.
   */
  async getAccessToken(resource?: string, organizationId?: string): Promise<string> {
    return (await getAccessTokenEntry(this.#context, resource, organizationId)).token;
  }

  /**
   * The claims of an access token (decoded, not verified: the API that receives it verifies it).
   *
   * @throws {@link LogtoError} `token.not_a_jwt` for an opaque token (e.g. the userinfo token), and
   *   everything {@link LogtoClient.getAccessToken} throws.
   */
  async getAccessTokenClaims(
    resource?: string,
    organizationId?: string,
  ): Promise<AccessTokenClaims> {
    const token = await this.getAccessToken(resource, organizationId);
    try {
      return decodeJwtPayload<AccessTokenClaims>(token);
    } catch (error) {
      if (resource !== undefined || organizationId !== undefined) throw error;
      // Without a resource Logto issues an opaque token, good for userinfo only.
      throw new LogtoError(
        'token.not_a_jwt',
        'The access token for the userinfo endpoint is opaque and has no claims to read. Pass an API resource or an organization ID to get a JWT access token.',
        { cause: error },
      );
    }
  }

  /** An organization token (audience `urn:logto:organization:<id>`); see {@link LogtoClient.getAccessToken}. */
  async getOrganizationToken(organizationId: string): Promise<string> {
    return this.getAccessToken(undefined, organizationId);
  }

  /** The claims of an organization token (decoded, not verified). */
  async getOrganizationTokenClaims(organizationId: string): Promise<AccessTokenClaims> {
    return this.getAccessTokenClaims(undefined, organizationId);
  }

  /** Forgets every cached access token (the next `getAccessToken` asks the provider again). */
  async clearAccessToken(): Promise<void> {
    await this.#context.storage.remove('accessTokenMap');
  }

  /** Forgets the ID, refresh and access tokens (a pending sign-in session is kept). */
  async clearAllTokens(): Promise<void> {
    await clearTokens(this.#context);
  }

  /**
   * Signs out: revokes the refresh token (best effort), clears every token and any pending
   * sign-in, and returns the end-session URL to redirect the browser to.
   *
   * @param postLogoutRedirectUri - Where Logto sends the browser afterwards; must be registered in Logto.
   * @throws {@link LogtoError} `provider.missing_endpoint` when the provider has no end-session
   *   endpoint, `provider.*` when discovery fails (the tokens are cleared anyway).
   */
  async signOut(postLogoutRedirectUri?: string): Promise<string> {
    return signOut(this.#context, postLogoutRedirectUri);
  }
}
