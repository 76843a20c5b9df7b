/**
 * {@link LogtoClient}: the sign-in state machine over one user's {@link Storage}.
 *
 * @module
 */
import { normalizeLogtoConfig } from '../config/normalize.js';
import type { LogtoConfig, NormalizedLogtoConfig } from '../config/types.js';
import { isLogtoError, LogtoError } from '../errors.js';
import { discover, type ProviderMetadata } from '../oidc/discovery.js';
import {
  type ClientAuth,
  exchangeAuthorizationCode,
  type IdTokenCheck,
  refreshTokenGrant,
} from '../oidc/grants.js';
import type { HttpOptions } from '../oidc/http.js';
import { shownDescription } from '../oidc/provider-errors.js';
import { revokeToken } from '../oidc/revocation.js';
import { requestUserInfo } from '../oidc/userinfo.js';
import type { Storage } from '../storage.js';
import {
  type AccessTokenClaims,
  decodeJwtPayload,
  type IdTokenClaims,
  type UserInfoResponse,
} from '../tokens/claims.js';
import { verifyIdToken } from '../tokens/id-token.js';
import {
  type AccessTokenEntry,
  type AccessTokenMap,
  accessTokenKey,
  createAccessTokenEntry,
  isAccessTokenFresh,
  parseAccessTokenMap,
  recordUse,
} from './access-token-map.js';
import { GuardedStorage } from './guarded-storage.js';
import { codeChallengeS256, generateRandomString } from './random.js';
import {
  type GrantOutcome,
  type RefreshRegistry,
  type Rotation,
  refreshRegistry,
} from './refresh-registry.js';
import {
  buildAuthorizationUrl,
  checkPostRedirectUri,
  parseRedirectUri,
} from './sign-in-request.js';
import {
  isSignInSessionExpired,
  parseSignInSession,
  type SignInSession,
} from './sign-in-session.js';
import { isSignedIn } from './signed-in.js';
import { claimSignIn } from './spent-sign-ins.js';
import type {
  LogtoClientOptions,
  LogtoLogger,
  SignInCallbackResult,
  SignInOptions,
} from './types.js';

/** True when a provider answered 401 `invalid_token`: the access token it was given is dead. */
const isRefusedToken = (error: unknown): boolean =>
  isLogtoError(error, 'provider.error_response') &&
  error.status === 401 &&
  error.error === 'invalid_token';

const notAuthenticated = (what: string) =>
  new LogtoError(
    'token.not_authenticated',
    `${what}: the user is not signed in. Call signIn first.`,
  );

/**
 * A Logto client for one user's session.
 *
 * Building one is cheap (no I/O): discovery, keys and in-flight refreshes live in process-wide
 * caches, so a web app builds one per request over that request's session storage.
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
  readonly #storage: GuardedStorage;
  readonly #http: HttpOptions;
  readonly #clientAuth: ClientAuth;
  readonly #logger?: LogtoLogger;
  readonly #refreshRegistry: RefreshRegistry;

  /**
   * @param config - Your Logto application; see {@link LogtoConfig}.
   * @param options - The session storage, and optionally `fetch` and a logger.
   * @throws {@link LogtoError} `config.invalid`, naming the bad field.
   */
  constructor(config: LogtoConfig, options: LogtoClientOptions) {
    this.config = normalizeLogtoConfig(config);
    const storage = options?.storage as Partial<Storage> | undefined;
    if (
      typeof storage?.getItem !== 'function' ||
      typeof storage.setItem !== 'function' ||
      typeof storage.removeItem !== 'function'
    ) {
      throw new LogtoError(
        'config.invalid',
        'LogtoClientOptions.storage must implement getItem, setItem and removeItem.',
      );
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new LogtoError('config.invalid', 'LogtoClientOptions.fetch must be a function.');
    }
    this.#storage = new GuardedStorage(options.storage);
    this.#http = { fetch: options.fetch ?? globalThis.fetch, timeout: this.config.timeout };
    this.#clientAuth = {
      clientId: this.config.appId,
      method: this.config.clientAuth,
      ...(this.config.clientAuth === 'none' || this.config.appSecret === undefined
        ? {}
        : { clientSecret: this.config.appSecret }),
    };
    if (options.logger) this.#logger = options.logger;
    this.#refreshRegistry = options.refreshRegistry ?? refreshRegistry;
  }

  /**
   * Starts a sign-in: stores a new sign-in session (PKCE verifier, state, nonce) and returns the
   * authorization URL to redirect the browser to. The tokens of a current sign-in are kept until
   * the callback of this one succeeds: a sign-in that is started and never finished (a cross-site
   * link, a prefetch, a closed tab) signs nobody out.
   *
   * @param options - The options, or just the redirect URI.
   * @throws {@link LogtoError} `sign_in.invalid_options`, `provider.*`, `storage.failed`.
   */
  async signIn(options: SignInOptions | string | URL): Promise<string> {
    const signInOptions: SignInOptions =
      typeof options === 'string' || options instanceof URL ? { redirectUri: options } : options;
    if (typeof signInOptions !== 'object' || signInOptions === null) {
      throw new LogtoError('sign_in.invalid_options', 'signIn needs options or a redirect URI.');
    }
    const redirectUri = parseRedirectUri(signInOptions.redirectUri);
    // Sent and stored exactly as given: Logto matches it against the registered URI as a string.
    const redirectUriText =
      signInOptions.redirectUri instanceof URL
        ? signInOptions.redirectUri.href
        : signInOptions.redirectUri;
    const postRedirectUri =
      signInOptions.postRedirectUri === undefined
        ? undefined
        : checkPostRedirectUri(signInOptions.postRedirectUri, redirectUri);
    const codeVerifier = generateRandomString();
    const state = generateRandomString();
    const nonce = generateRandomString();
    const metadata = await this.#metadata();
    const url = buildAuthorizationUrl(this.config, signInOptions, {
      authorizationEndpoint: metadata.authorization_endpoint,
      redirectUri: redirectUriText,
      state,
      nonce,
      codeChallenge: codeChallengeS256(codeVerifier),
    });
    const session: SignInSession = {
      redirectUri: redirectUriText,
      codeVerifier,
      state,
      nonce,
      ...(postRedirectUri === undefined ? {} : { postRedirectUri }),
      createdAt: Date.now(),
    };
    await this.#storage.set('signInSession', JSON.stringify(session));
    return url;
  }

  /**
   * Completes a sign-in from the callback URL: checks it against the sign-in session (redirect
   * URI, state, issuer), exchanges the code, verifies the ID token (with the nonce) and stores the
   * tokens, replacing those of any earlier sign-in (whose refresh token is then revoked, best
   * effort: a failure is only logged). The sign-in session is consumed before the code is
   * exchanged, so a replayed callback fails with `sign_in_session.not_found`.
   *
   * @param callbackUrl - The full URL the provider redirected to (with its query).
   * @returns Where to send the user next, if `signIn` was given a `postRedirectUri`.
   * @throws {@link LogtoError} `callback.*`, `sign_in_session.*`, `id_token.*`, `provider.*`, `token.*`.
   */
  async handleSignInCallback(callbackUrl: string | URL): Promise<SignInCallbackResult> {
    const text = callbackUrl instanceof URL ? callbackUrl.href : callbackUrl;
    if (typeof text !== 'string' || !URL.canParse(text)) {
      throw new LogtoError('callback.invalid_url', 'The callback URL is not an absolute URL.');
    }
    const url = new URL(text);
    const session = parseSignInSession(await this.#storage.get('signInSession'));
    if (!session) {
      throw new LogtoError(
        'sign_in_session.not_found',
        'No pending sign-in for this session (it was already used, or the session cookie was lost). Start a new sign-in.',
      );
    }
    if (isSignInSessionExpired(session)) {
      await this.#storage.remove('signInSession');
      throw new LogtoError(
        'sign_in_session.expired',
        'The sign-in took longer than 10 minutes. Start a new sign-in.',
      );
    }
    const expected = new URL(session.redirectUri);
    if (url.origin !== expected.origin || url.pathname !== expected.pathname) {
      throw new LogtoError(
        'callback.redirect_uri_mismatch',
        `The callback arrived at ${url.origin}${url.pathname}, not at the redirect URI of the sign-in (${expected.origin}${expected.pathname}).`,
      );
    }
    const parameters = url.searchParams;
    // The state first, error responses included (the provider returns it with errors too): a
    // forged `?error=` link must neither cancel the user's pending sign-in nor choose the text.
    const state = parameters.get('state');
    if (state === null) {
      throw new LogtoError('callback.missing_state', 'The callback URL has no state parameter.');
    }
    if (state !== session.state) {
      throw new LogtoError(
        'callback.state_mismatch',
        'The callback state does not match the pending sign-in (a stale or forged callback). Start a new sign-in.',
      );
    }
    const error = parameters.get('error');
    if (error !== null) {
      await this.#storage.remove('signInSession');
      const errorDescription = parameters.get('error_description') ?? undefined;
      throw new LogtoError(
        'callback.error_response',
        `The provider answered the sign-in with "${error}"${errorDescription ? `: ${shownDescription(errorDescription)}` : ''}. ${error === 'invalid_target' ? this.#unknownResourceAdvice() : 'Start a new sign-in.'}`,
        { error, ...(errorDescription === undefined ? {} : { errorDescription }) },
      );
    }
    // From here the callback belongs to this sign-in: consume it before anything slow, so that a
    // replay (or a double submit) cannot spend it again, even from another copy of the session.
    await this.#storage.remove('signInSession');
    if (!claimSignIn(this.#namespace, session.state)) {
      throw new LogtoError(
        'sign_in_session.not_found',
        'This sign-in was already completed (a replayed or double-submitted callback). Start a new sign-in.',
      );
    }
    const metadata = await this.#metadata();
    const issuer = parameters.get('iss');
    if (
      issuer !== null
        ? issuer !== metadata.issuer
        : metadata.authorization_response_iss_parameter_supported === true
    ) {
      throw new LogtoError(
        'callback.issuer_mismatch',
        issuer === null
          ? 'The callback has no iss parameter although the provider promises one (RFC 9207).'
          : 'The callback iss parameter is not the provider issuer (RFC 9207): a mix-up attack or a misconfiguration.',
      );
    }
    const code = parameters.get('code');
    if (!code)
      throw new LogtoError('callback.missing_code', 'The callback URL has no code parameter.');
    const response = await exchangeAuthorizationCode(metadata, this.#clientAuth, this.#http, {
      code,
      redirectUri: session.redirectUri,
      codeVerifier: session.codeVerifier,
      checkIdToken: this.#idTokenCheck(metadata, { nonce: session.nonce }),
    });
    if (!response.id_token) {
      throw new LogtoError(
        'id_token.missing',
        'The token response has no ID token; request the openid scope.',
      );
    }
    const replaced = await this.#storage.get('refreshToken');
    await this.#storage.set('idToken', response.id_token);
    if (response.refresh_token) await this.#storage.set('refreshToken', response.refresh_token);
    else await this.#storage.remove('refreshToken');
    if (replaced && replaced !== response.refresh_token) {
      await this.#revokeQuietly(metadata, replaced, 'replacing an earlier sign-in');
    }
    const map: AccessTokenMap = {
      [accessTokenKey()]: createAccessTokenEntry(
        response.access_token,
        response.expires_in,
        response.scope,
      ),
    };
    await this.#storage.set('accessTokenMap', JSON.stringify(map));
    return session.postRedirectUri === undefined
      ? {}
      : { postRedirectUri: session.postRedirectUri };
  }

  /** What to do about `invalid_target` at sign-in: the resources this sign-in asked for, by name. */
  #unknownResourceAdvice(): string {
    // Logto's own resources (urn:logto:…) always exist: only the app's can be missing.
    const apis = this.config.resources.filter((resource) => !resource.startsWith('urn:logto:'));
    if (apis.length === 0) return 'Start a new sign-in.';
    return `The sign-in requested the API resource${apis.length > 1 ? 's' : ''} ${apis.join(', ')}: register ${apis.length > 1 ? 'each' : 'it'} in Logto (API resources, with that exact identifier) or remove ${apis.length > 1 ? 'them' : 'it'} from resources, then sign in again.`;
  }

  /**
   * Whether the session is signed in: an ID token is stored, and either a refresh token is stored
   * (tokens can be renewed) or the ID token has not expired (within the clock tolerance). No I/O
   * beyond the storage; a refresh token that the provider has revoked shows up at the next
   * `getAccessToken` as `token.invalid_grant`, which signs the session out.
   */
  async isAuthenticated(): Promise<boolean> {
    const claims = await this.#readIdTokenClaims();
    if (!claims) return false;
    return isSignedIn(
      claims,
      Boolean(await this.#storage.get('refreshToken')),
      this.config.clockTolerance,
    );
  }

  /** The stored ID token (verified when it arrived), or `null`. */
  async getIdToken(): Promise<string | null> {
    return this.#storage.get('idToken');
  }

  /**
   * The claims of the stored ID token. It was verified when it arrived; it is decoded, not
   * verified again (the session is the trust boundary).
   *
   * @throws {@link LogtoError} `token.not_authenticated` when no (readable) ID token is stored.
   */
  async getIdTokenClaims(): Promise<IdTokenClaims> {
    const claims = await this.#readIdTokenClaims();
    if (!claims) throw notAuthenticated('getIdTokenClaims');
    return claims;
  }

  /** The stored refresh token, or `null`. */
  async getRefreshToken(): Promise<string | null> {
    return this.#storage.get('refreshToken');
  }

  /**
   * Fetches the user's claims from the userinfo endpoint (with `custom_data`, `identities` and
   * `organization_data`, which the ID token never carries) and checks that they are about the
   * signed-in user. When Logto answers 401 `invalid_token`, the call is tried once more with a
   * new access token; when that is refused too (or the refresh token is), the session is signed
   * out.
   *
   * @throws {@link LogtoError} `token.not_authenticated` (also when Logto refused the session: it
   *   is then signed out), `token.invalid_grant` (likewise), `userinfo.sub_mismatch`, `provider.*`, `token.*`.
   */
  async fetchUserInfo(): Promise<UserInfoResponse> {
    const claims = await this.#readIdTokenClaims();
    if (!claims) throw notAuthenticated('fetchUserInfo');
    const metadata = await this.#metadata();
    let userInfo: Record<string, unknown>;
    try {
      userInfo = await requestUserInfo(
        metadata,
        this.#http,
        await this.getAccessToken(),
        claims.sub,
      );
    } catch (error) {
      if (!isRefusedToken(error)) throw error;
      // The cached token was refused: once more with a new one. When Logto refuses the refresh
      // token too (invalid_grant), the session is signed out by getAccessToken.
      await this.#dropAccessToken(accessTokenKey());
      try {
        userInfo = await requestUserInfo(
          metadata,
          this.#http,
          await this.getAccessToken(),
          claims.sub,
        );
      } catch (retryError) {
        if (!isRefusedToken(retryError)) throw retryError;
        await this.#clearTokens();
        throw new LogtoError(
          'token.not_authenticated',
          'Logto refused the session at the userinfo endpoint (401 invalid_token); the session was signed out. Sign in again.',
          { cause: retryError },
        );
      }
    }
    return userInfo as UserInfoResponse;
  }

  /**
   * An access token: for userinfo (no arguments), for an API resource, for an organization, or for
   * an API resource in an organization. A cached token is returned while it is fresh; otherwise
   * the refresh token is used (at most one grant at a time per refresh token in this process, and
   * under the storage's lock when it has one).
   *
   * @param resource - The API resource indicator; omit for the userinfo token or a plain organization token.
   * @param organizationId - The organization id; needs the organizations scope.
   * @throws {@link LogtoError} `token.missing_organizations_scope`, `token.not_authenticated`,
   *   `token.invalid_grant` (Logto refused the refresh token: the session is signed out, its
   *   tokens removed from storage), `token.invalid_target`, `token.access_denied`, `id_token.*`, `provider.*`.
   */
  async getAccessToken(resource?: string, organizationId?: string): Promise<string> {
    return (await this.#getAccessTokenEntry(resource, organizationId)).token;
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
    await this.#storage.remove('accessTokenMap');
  }

  /** Forgets the ID, refresh and access tokens (a pending sign-in session is kept). */
  async clearAllTokens(): Promise<void> {
    await this.#clearTokens();
  }

  /**
   * Signs out: revokes the refresh token (bounded by the timeout; a failure is only logged),
   * clears every token and any pending sign-in, and returns the end-session URL to redirect the
   * browser to (with `client_id`, `id_token_hint` and `post_logout_redirect_uri`).
   *
   * @param postLogoutRedirectUri - Where Logto sends the browser afterwards; must be registered in Logto.
   * @throws {@link LogtoError} `provider.missing_endpoint` when the provider has no end-session
   *   endpoint, `provider.*` when discovery fails (the tokens are cleared anyway).
   */
  async signOut(postLogoutRedirectUri?: string): Promise<string> {
    const idToken = await this.#storage.get('idToken');
    const refreshToken = await this.#storage.get('refreshToken');
    await this.#clearTokens();
    await this.#storage.remove('signInSession');
    const metadata = await this.#metadata();
    if (refreshToken) await this.#revokeQuietly(metadata, refreshToken, 'at sign-out');
    if (!metadata.end_session_endpoint) {
      throw new LogtoError(
        'provider.missing_endpoint',
        'The provider has no end_session_endpoint, so there is no sign-out URL. The local session was cleared.',
      );
    }
    const url = new URL(metadata.end_session_endpoint);
    url.searchParams.set('client_id', this.config.appId);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    if (postLogoutRedirectUri !== undefined) {
      url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    }
    return url.href;
  }

  /** Separates this application's entries in the process-wide registries. */
  get #namespace(): string {
    return `${this.config.endpoint}\u0000${this.config.appId}`;
  }

  async #metadata(): Promise<ProviderMetadata> {
    return discover(this.config.endpoint, this.#http);
  }

  /** Removes one entry of the access-token cache. */
  async #dropAccessToken(key: string): Promise<void> {
    const map = parseAccessTokenMap(await this.#storage.get('accessTokenMap'));
    if (!Object.hasOwn(map, key)) return;
    delete map[key];
    await this.#storage.set('accessTokenMap', JSON.stringify(map));
  }

  /** Revokes `refreshToken` when the provider can; a failure is logged, never thrown. */
  async #revokeQuietly(
    metadata: ProviderMetadata,
    refreshToken: string,
    when: string,
  ): Promise<void> {
    if (!metadata.revocation_endpoint) return;
    try {
      await revokeToken(metadata, this.#clientAuth, this.#http, refreshToken);
    } catch (error) {
      this.#logger?.warn(
        `Revoking the refresh token ${when} failed (${isLogtoError(error) ? error.code : 'unknown error'}); the local session changed anyway.`,
      );
    }
  }

  async #clearTokens(): Promise<void> {
    await this.#storage.remove('idToken');
    await this.#storage.remove('refreshToken');
    await this.#storage.remove('accessTokenMap');
  }

  /** The stored ID token's claims; a missing or corrupt token gives `undefined`. */
  async #readIdTokenClaims(): Promise<IdTokenClaims | undefined> {
    const idToken = await this.#storage.get('idToken');
    if (!idToken) return undefined;
    try {
      const claims = decodeJwtPayload<IdTokenClaims>(idToken);
      if (typeof claims.sub !== 'string') throw new TypeError('no sub');
      return claims;
    } catch {
      this.#logger?.warn(
        'The stored ID token cannot be decoded; treating the session as signed out.',
      );
      return undefined;
    }
  }

  async #readFreshEntry(key: string): Promise<AccessTokenEntry | undefined> {
    const entry = parseAccessTokenMap(await this.#storage.get('accessTokenMap'))[key];
    return entry && isAccessTokenFresh(entry) ? entry : undefined;
  }

  async #getAccessTokenEntry(
    requestedResource?: string,
    organizationId?: string,
  ): Promise<AccessTokenEntry> {
    // '' means "no resource" (the userinfo token), as in the Python SDK.
    const resource = requestedResource === '' ? undefined : requestedResource;
    for (const [name, value] of [
      ['resource', resource],
      ['organizationId', organizationId],
    ] as const) {
      if (value !== undefined && (typeof value !== 'string' || value === '')) {
        throw new LogtoError(
          'config.invalid',
          `getAccessToken: ${name} must be a non-empty string when given.`,
        );
      }
    }
    if (organizationId !== undefined && !this.config.hasOrganizationsScope) {
      throw new LogtoError(
        'token.missing_organizations_scope',
        `Organization tokens need the scope "urn:logto:scope:organizations" (UserInfoScope.Organizations) in LogtoConfig.scopes.`,
      );
    }
    const key = accessTokenKey(resource, organizationId);
    const map = parseAccessTokenMap(await this.#storage.get('accessTokenMap'));
    const cached = map[key];
    if (cached && isAccessTokenFresh(cached)) {
      // Recorded (now and then) so that a session that must shrink keeps the tokens in use.
      if (recordUse(map, key)) await this.#storage.set('accessTokenMap', JSON.stringify(map));
      return cached;
    }

    let usedRefreshToken: string | undefined;
    const attempt = async (): Promise<AccessTokenEntry> => {
      const ticket = this.#refreshRegistry.ticket();
      return this.#storage.withLock('refresh', async () => {
        await this.#storage.reload();
        const fresh = await this.#readFreshEntry(key);
        if (fresh) return fresh;
        const refreshToken = await this.#storage.get('refreshToken');
        if (!refreshToken) throw notAuthenticated('getAccessToken');
        usedRefreshToken = refreshToken;
        const expectedSub = (await this.#readIdTokenClaims())?.sub;
        const outcome = await this.#refreshRegistry.run({
          namespace: this.#namespace,
          refreshToken,
          tokenKey: key,
          ticket,
          grant: (current) => {
            usedRefreshToken = current;
            return this.#refreshGrant(current, resource, organizationId, expectedSub);
          },
          adopt: (rotation) => {
            usedRefreshToken = rotation.refreshToken;
            return this.#adoptRotation(rotation);
          },
        });
        await this.#storeGrantOutcome(key, outcome);
        return outcome.entry;
      });
    };

    try {
      return await attempt();
    } catch (error) {
      if (!isLogtoError(error, 'token.invalid_grant')) throw error;
      // Another request or instance may have rotated the refresh token meanwhile: look once more.
      await this.#storage.reload();
      const current = await this.#storage.get('refreshToken');
      if (current && current !== usedRefreshToken) {
        try {
          return await attempt();
        } catch (retryError) {
          if (isLogtoError(retryError, 'token.invalid_grant')) {
            await this.#endRefusedSession(usedRefreshToken);
          }
          throw retryError;
        }
      }
      await this.#endRefusedSession(usedRefreshToken);
      throw error;
    }
  }

  /**
   * Logto refused the session's refresh token (expired, revoked, or the user signed out there):
   * the session is signed out, so that every later request sees a signed-out user instead of an
   * error. Kept when the stored token is no longer the refused one (another request rotated it).
   */
  async #endRefusedSession(refused: string | undefined): Promise<void> {
    const current = await this.#storage.get('refreshToken');
    if (current !== null && current !== refused) return;
    await this.#clearTokens();
  }

  async #refreshGrant(
    refreshToken: string,
    resource: string | undefined,
    organizationId: string | undefined,
    expectedSub: string | undefined,
  ): Promise<GrantOutcome> {
    const metadata = await this.#metadata();
    const response = await refreshTokenGrant(metadata, this.#clientAuth, this.#http, {
      refreshToken,
      ...(resource === undefined ? {} : { resource }),
      ...(organizationId === undefined ? {} : { organizationId }),
      checkIdToken: this.#idTokenCheck(metadata, expectedSub === undefined ? {} : { expectedSub }),
    });
    return {
      entry: createAccessTokenEntry(response.access_token, response.expires_in, response.scope),
      ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
      ...(response.id_token ? { idToken: response.id_token } : {}),
    };
  }

  /** The ID-token check a grant runs on the token it receives (signature, claims, and `expected`). */
  #idTokenCheck(
    metadata: ProviderMetadata,
    expected: { nonce?: string; expectedSub?: string },
  ): IdTokenCheck {
    return (idToken) =>
      verifyIdToken(idToken, {
        metadata,
        clientId: this.config.appId,
        http: this.#http,
        clockTolerance: this.config.clockTolerance,
        ...expected,
      });
  }

  async #adoptRotation(rotation: Rotation): Promise<void> {
    await this.#storage.set('refreshToken', rotation.refreshToken);
    if (rotation.idToken) await this.#storage.set('idToken', rotation.idToken);
  }

  async #storeGrantOutcome(key: string, outcome: GrantOutcome): Promise<void> {
    if (outcome.refreshToken) await this.#storage.set('refreshToken', outcome.refreshToken);
    if (outcome.idToken) await this.#storage.set('idToken', outcome.idToken);
    const map = parseAccessTokenMap(await this.#storage.get('accessTokenMap'));
    // Last in the map: the most recently used.
    delete map[key];
    map[key] = outcome.entry;
    await this.#storage.set('accessTokenMap', JSON.stringify(map));
  }
}
