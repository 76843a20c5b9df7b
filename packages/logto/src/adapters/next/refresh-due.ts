/**
 * What the proxy refreshes before a page renders: every access token cached in the session that
 * is due (expired, or within its early-expiry margin), so that the Server Components of that
 * request find fresh tokens and never need a refresh they could not store.
 *
 * @module
 */
import { isAccessTokenFresh, parseAccessTokenMap } from '../../client/access-token-map.js';
import { LogtoError } from '../../errors.js';
import type { LogtoRequestContext } from '../core/index.js';
import type { AdapterLogger } from '../core/options.js';

/** The resource and organization of an access-token cache key (the inverse of `accessTokenKey`). */
export const parseAccessTokenKey = (
  key: string,
): { resource?: string; organizationId?: string } | undefined => {
  if (!key.startsWith('[')) return key === '' ? {} : { resource: key };
  try {
    const pair: unknown = JSON.parse(key);
    if (
      Array.isArray(pair) &&
      pair.length === 2 &&
      typeof pair[0] === 'string' &&
      typeof pair[1] === 'string'
    ) {
      return { ...(pair[0] === '' ? {} : { resource: pair[0] }), organizationId: pair[1] };
    }
  } catch {
    // Not a key this SDK wrote: skipped below.
  }
  return undefined;
};

/** Codes after which no other token of the session can be refreshed either. */
const sessionEnded: ReadonlySet<string> = new Set([
  'token.not_authenticated',
  'token.invalid_grant',
]);

/**
 * Refreshes every cached access token of a signed-in session that is due, one after the other
 * (they share one refresh token). Returns how many were refreshed. A token that cannot be
 * refreshed is left as it is and logged: the page that needs it gets the error itself.
 *
 * @throws {@link logto!LogtoError} `session.store_unavailable` when the session cannot be read.
 */
export const refreshDueTokens = async (
  context: LogtoRequestContext,
  logger: AdapterLogger,
  now = Date.now(),
): Promise<number> => {
  if ((await context.getSignedInClaims()) === undefined) return 0;
  const session = await context.getSession();
  const map = parseAccessTokenMap(await session.getItem('accessTokenMap'));
  let refreshed = 0;
  for (const [key, entry] of Object.entries(map)) {
    if (isAccessTokenFresh(entry, now)) continue;
    const target = parseAccessTokenKey(key);
    if (target === undefined) continue;
    try {
      await context.client.getAccessToken(target.resource, target.organizationId);
      refreshed += 1;
    } catch (error) {
      if (!(error instanceof LogtoError)) throw error;
      logger.warn('The proxy could not refresh an access token before rendering.', error);
      if (sessionEnded.has(error.code)) break;
    }
  }
  return refreshed;
};
