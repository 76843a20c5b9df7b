/**
 * The token steps of a {@link LogtoClient}: access tokens (cached, or by a single-flight refresh
 * grant under the storage's lock), and userinfo.
 *
 * @module
 */
import { isLogtoError, LogtoError } from '../errors.js';
import { refreshTokenGrant } from '../oidc/grants.js';
import { requestUserInfo } from '../oidc/userinfo.js';
import type { UserInfoResponse } from '../tokens/claims.js';
import {
  type AccessTokenEntry,
  accessTokenKey,
  createAccessTokenEntry,
  isAccessTokenFresh,
  parseAccessTokenMap,
  recordUse,
} from './access-token-map.js';
import {
  type ClientContext,
  clearTokens,
  idTokenCheck,
  metadataOf,
  notAuthenticated,
  readIdTokenClaims,
} from './context.js';
import type { GrantOutcome, Rotation } from './refresh-registry.js';

/** True when a provider answered 401 `invalid_token`: the access token it was given is dead. */
const isRefusedToken = (error: unknown): boolean =>
  isLogtoError(error, 'provider.error_response') &&
  error.status === 401 &&
  error.error === 'invalid_token';

/** The user's claims from the userinfo endpoint; see `LogtoClient.fetchUserInfo`. */
export async function fetchUserInfo(context: ClientContext): Promise<UserInfoResponse> {
  const claims = await readIdTokenClaims(context);
  if (!claims) throw notAuthenticated('fetchUserInfo');
  const metadata = await metadataOf(context);
  const request = async () =>
    requestUserInfo(metadata, context.http, (await getAccessTokenEntry(context)).token, claims.sub);
  let userInfo: Record<string, unknown>;
  try {
    userInfo = await request();
  } catch (error) {
    if (!isRefusedToken(error)) throw error;
    // The cached token was refused: once more with a new one. When Logto refuses the refresh
    // token too (invalid_grant), the session is signed out by getAccessToken.
    await dropAccessToken(context, accessTokenKey());
    try {
      userInfo = await request();
    } catch (retryError) {
      if (!isRefusedToken(retryError)) throw retryError;
      await clearTokens(context);
      throw new LogtoError(
        'token.not_authenticated',
        'Logto refused the session at the userinfo endpoint (401 invalid_token); the session was signed out. Sign in again.',
        { cause: retryError },
      );
    }
  }
  return userInfo as UserInfoResponse;
}

/** Removes one entry of the access-token cache. */
async function dropAccessToken(context: ClientContext, key: string): Promise<void> {
  const map = parseAccessTokenMap(await context.storage.get('accessTokenMap'));
  if (!Object.hasOwn(map, key)) return;
  delete map[key];
  await context.storage.set('accessTokenMap', JSON.stringify(map));
}

async function readFreshEntry(
  context: ClientContext,
  key: string,
): Promise<AccessTokenEntry | undefined> {
  const entry = parseAccessTokenMap(await context.storage.get('accessTokenMap'))[key];
  return entry && isAccessTokenFresh(entry) ? entry : undefined;
}

/** The access token for `resource` and `organizationId`; see `LogtoClient.getAccessToken`. */
export async function getAccessTokenEntry(
  context: ClientContext,
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
  if (organizationId !== undefined && !context.config.hasOrganizationsScope) {
    throw new LogtoError(
      'token.missing_organizations_scope',
      `Organization tokens need the scope "urn:logto:scope:organizations" (UserInfoScope.Organizations) in LogtoConfig.scopes.`,
    );
  }
  const key = accessTokenKey(resource, organizationId);
  const map = parseAccessTokenMap(await context.storage.get('accessTokenMap'));
  const cached = map[key];
  if (cached && isAccessTokenFresh(cached)) {
    // Recorded (now and then) so that a session that must shrink keeps the tokens in use.
    if (recordUse(map, key)) await context.storage.set('accessTokenMap', JSON.stringify(map));
    return cached;
  }

  let usedRefreshToken: string | undefined;
  const attempt = async (): Promise<AccessTokenEntry> => {
    const ticket = context.refreshRegistry.ticket();
    return context.storage.withLock('refresh', async () => {
      await context.storage.reload();
      const fresh = await readFreshEntry(context, key);
      if (fresh) return fresh;
      const refreshToken = await context.storage.get('refreshToken');
      if (!refreshToken) throw notAuthenticated('getAccessToken');
      usedRefreshToken = refreshToken;
      const expectedSub = (await readIdTokenClaims(context))?.sub;
      const outcome = await context.refreshRegistry.run({
        namespace: context.namespace,
        refreshToken,
        tokenKey: key,
        ticket,
        grant: (current) => {
          usedRefreshToken = current;
          return refreshGrant(context, current, resource, organizationId, expectedSub);
        },
        adopt: (rotation) => {
          usedRefreshToken = rotation.refreshToken;
          return adoptRotation(context, rotation);
        },
      });
      await storeGrantOutcome(context, key, outcome);
      return outcome.entry;
    });
  };

  try {
    return await attempt();
  } catch (error) {
    if (!isLogtoError(error, 'token.invalid_grant')) throw error;
    // Another request or instance may have rotated the refresh token meanwhile: look once more.
    await context.storage.reload();
    const current = await context.storage.get('refreshToken');
    if (current && current !== usedRefreshToken) {
      try {
        return await attempt();
      } catch (retryError) {
        if (isLogtoError(retryError, 'token.invalid_grant')) {
          await endRefusedSession(context, usedRefreshToken);
        }
        throw retryError;
      }
    }
    await endRefusedSession(context, usedRefreshToken);
    throw error;
  }
}

/**
 * Signs the session out after Logto refused its refresh token, so later requests see a signed-out
 * user instead of an error; unless another request has rotated the token meanwhile.
 */
async function endRefusedSession(
  context: ClientContext,
  refused: string | undefined,
): Promise<void> {
  const current = await context.storage.get('refreshToken');
  if (current !== null && current !== refused) return;
  await clearTokens(context);
}

async function refreshGrant(
  context: ClientContext,
  refreshToken: string,
  resource: string | undefined,
  organizationId: string | undefined,
  expectedSub: string | undefined,
): Promise<GrantOutcome> {
  const metadata = await metadataOf(context);
  const response = await refreshTokenGrant(metadata, context.clientAuth, context.http, {
    refreshToken,
    ...(resource === undefined ? {} : { resource }),
    ...(organizationId === undefined ? {} : { organizationId }),
    checkIdToken: idTokenCheck(context, metadata, expectedSub === undefined ? {} : { expectedSub }),
  });
  return {
    entry: createAccessTokenEntry(response.access_token, response.expires_in, response.scope),
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
  };
}

async function adoptRotation(context: ClientContext, rotation: Rotation): Promise<void> {
  await context.storage.set('refreshToken', rotation.refreshToken);
  if (rotation.idToken) await context.storage.set('idToken', rotation.idToken);
}

async function storeGrantOutcome(
  context: ClientContext,
  key: string,
  outcome: GrantOutcome,
): Promise<void> {
  if (outcome.refreshToken) await context.storage.set('refreshToken', outcome.refreshToken);
  if (outcome.idToken) await context.storage.set('idToken', outcome.idToken);
  const map = parseAccessTokenMap(await context.storage.get('accessTokenMap'));
  // Last in the map: the most recently used.
  delete map[key];
  map[key] = outcome.entry;
  await context.storage.set('accessTokenMap', JSON.stringify(map));
}
