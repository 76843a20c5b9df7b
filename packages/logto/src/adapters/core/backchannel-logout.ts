/**
 * The back-channel logout route (OpenID Connect Back-Channel Logout 1.0), and the one rule that
 * links a logout token to the sessions it ends: the tags a session gets at sign-in, and the tags a
 * logout token ends.
 *
 * @module
 */
import type { BoundedCache } from '../../bounded-cache.js';
import { LogtoError } from '../../errors.js';
import type { HttpOptions } from '../../oidc/http.js';
import { toSeconds } from '../../session/lifetime.js';
import type { IdTokenClaims } from '../../tokens/claims.js';
import { type LogoutTarget, verifyLogoutToken } from '../../tokens/logout-token.js';
import { FormReadError } from './form.js';
import { type AdapterRequest, type AdapterResponse, jsonResponse } from './http.js';
import type { ResolvedAdapterOptions } from './options.js';

/**
 * The tags a session gets at sign-in, from its ID token: `sub:<sub>`, and `sid:<sid>` when Logto
 * sent a `sid` (its "session required" switch is on) or else `nosid:<sub>`, so that a later token
 * with a `sid` still ends the sessions begun while the switch was off.
 */
export const sessionTags = (claims: IdTokenClaims | undefined): string[] => {
  if (!claims?.sub) return [];
  return [
    `sub:${claims.sub}`,
    typeof claims.sid === 'string' && claims.sid.length > 0
      ? `sid:${claims.sid}`
      : `nosid:${claims.sub}`,
  ];
};

/** A group of sessions a logout token ends: those tagged `tag` that began before `before` (s). */
export interface EndedSessions {
  readonly tag: string;
  readonly before: number;
}

/**
 * The sessions a logout token ends. With a `sid` (Logto's "session required" switch on): that
 * Logto session's sessions, and the user's sessions that carry no `sid` and began before `iat`.
 * With only `sub` (Logto's default): every session of the user that began before `iat`.
 *
 * `iat` counts whole seconds, so a session begun within its second may be older than the token:
 * that second is included (a sign-in in the same second after the logout ends too, the safe
 * side). `iat` is capped at the arrival time: a session begun a second after the token arrived
 * never ends by it, whatever the provider's clock says.
 */
export const sessionsEndedBy = (target: LogoutTarget, now: number): EndedSessions[] => {
  const before = Math.min(target.iat, now) + 1;
  if (target.sid === undefined) return [{ tag: `sub:${target.sub}`, before }];
  return [
    { tag: `sid:${target.sid}`, before: now + 1 },
    ...(target.sub === undefined ? [] : [{ tag: `nosid:${target.sub}`, before }]),
  ];
};

/** Process-wide memory of the back-channel logout route. */
export interface BackchannelMemory {
  /** `jti`s of accepted logout tokens (replay protection). */
  readonly seenLogoutTokens: BoundedCache<string, true>;
}

const storeUnavailable = () =>
  jsonResponse(503, {
    error: 'temporarily_unavailable',
    error_description: 'The session store is unavailable; the logout was not recorded. Retry.',
  });

const logoutFailure = (message: string) =>
  jsonResponse(400, { error: 'invalid_request', error_description: message });

/**
 * Serves a logout token: 200 once the sessions it names are ended in the store, 400 for an
 * invalid or replayed token, 503 when the store could not record the end (a retry works: the
 * `jti` is claimed only after), 501 when the store cannot end sessions at all.
 */
export const backchannelLogout = async (
  request: AdapterRequest,
  options: ResolvedAdapterOptions,
  memory: BackchannelMemory,
): Promise<AdapterResponse> => {
  let token: string | null;
  try {
    token = (await request.readForm()).get('logout_token');
  } catch (error) {
    return logoutFailure(
      error instanceof FormReadError ? error.message : 'The body could not be read as a form.',
    );
  }
  if (!token) return logoutFailure('The request has no logout_token.');
  const http: HttpOptions = {
    fetch: options.fetch ?? globalThis.fetch,
    timeout: options.normalized.timeout,
  };
  let target: LogoutTarget;
  try {
    target = await verifyLogoutToken(token, {
      endpoint: options.normalized.endpoint,
      clientId: options.normalized.appId,
      http,
      maxAge: options.logoutTokenMaxAge,
      clockTolerance: options.normalized.clockTolerance,
    });
  } catch (error) {
    if (!(error instanceof LogtoError)) throw error;
    options.logger.warn('Rejected a back-channel logout token.', error);
    return logoutFailure(error.message);
  }
  const replayed = () => {
    const error = new LogtoError(
      'logout_token.replayed',
      'This logout token (its jti) was already used.',
    );
    options.logger.warn('Rejected a replayed back-channel logout token.', error);
    return logoutFailure(error.message);
  };
  const now = Date.now();
  if (memory.seenLogoutTokens.has(target.jti, now)) return replayed();
  const store = options.store;
  if (typeof store.destroyByTag !== 'function') {
    options.logger.warn(
      'A back-channel logout token arrived, but the session store cannot end sessions (it has no destroyByTag); answered 501.',
    );
    return jsonResponse(501, {
      error: 'unsupported',
      error_description: 'The session store of this app cannot end sessions.',
    });
  }
  try {
    for (const { tag, before } of sessionsEndedBy(target, toSeconds(now))) {
      await store.destroyByTag(tag, { before });
    }
  } catch (error) {
    if (!(error instanceof LogtoError)) throw error;
    options.logger.warn('Could not record a back-channel logout; answered 503.', error);
    return storeUnavailable();
  }
  // Long enough to outlive the token's acceptance window (iat + maxAge + tolerance), in seconds.
  const replayWindow = (options.logoutTokenMaxAge + options.normalized.clockTolerance) * 2;
  // Claimed only now that the logout is recorded, so that a delivery which met a store outage
  // above can be retried. Ending sessions again is harmless: only those begun before iat end.
  let fresh = true;
  if (typeof store.claimOnce === 'function') {
    // Logto posts to one instance; a replay may reach another: the store's record is shared.
    try {
      fresh = await store.claimOnce(`logout-jti:${target.jti}`, replayWindow);
    } catch (error) {
      if (!(error instanceof LogtoError)) throw error;
      // The logout is recorded; only the fleet-wide replay check is missing (this process keeps its own).
      options.logger.warn('Could not record a logout token as used in the session store.', error);
    }
  }
  memory.seenLogoutTokens.set(target.jti, true, now + replayWindow * 1000, now);
  if (!fresh) return replayed();
  return { status: 200, headers: [['cache-control', 'no-store']] };
};
