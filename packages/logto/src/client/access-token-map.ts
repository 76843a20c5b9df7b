/**
 * The access-token cache stored under `accessTokenMap`: one entry per resource + organization.
 *
 * @module
 */
import { parseJsonObject } from '../json.js';

/** A cached access token. */
export interface AccessTokenEntry {
  /** The access token. */
  token: string;
  /** The granted scopes, when the provider said. */
  scope?: string;
  /** When the entry stops being used (epoch seconds): a little before the token expires. */
  expiresAt: number;
  /** When the token was last used (epoch seconds, at most once a minute): what eviction goes by. */
  usedAt?: number;
}

/** The cache: entries by {@link accessTokenKey}. */
export type AccessTokenMap = Record<string, AccessTokenEntry>;

/**
 * The cache key of a token: `''` for the userinfo token, the resource indicator for an API
 * token, and a JSON pair `["<resource>","<organizationId>"]` when an organization is involved (a
 * resource indicator never starts with `[`, so keys cannot collide).
 */
export const accessTokenKey = (resource?: string, organizationId?: string): string =>
  organizationId === undefined
    ? (resource ?? '')
    : JSON.stringify([resource ?? '', organizationId]);

/** How early (s) an entry expires, so no token is sent just as it expires: a minute, or a tenth of its life. */
export const expiryMargin = (expiresIn: number): number => Math.min(60, Math.floor(expiresIn / 10));

/** How stale (s) a `usedAt` may get: a finer record would rewrite the cookie on most requests. */
export const usedAtStep = 60;

/** Builds an entry for a token that expires in `expiresIn` seconds from `now` (epoch ms). */
export const createAccessTokenEntry = (
  token: string,
  expiresIn: number | undefined,
  scope: string | undefined,
  now = Date.now(),
): AccessTokenEntry => {
  const seconds = Math.floor(now / 1000);
  // Without expires_in the token is used for this request only.
  const lifetime =
    expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 0;
  const expiresAt = seconds + lifetime - expiryMargin(lifetime);
  return { token, ...(scope === undefined ? {} : { scope }), expiresAt, usedAt: seconds };
};

/** True while `entry` may be used. */
export const isAccessTokenFresh = (entry: AccessTokenEntry, now = Date.now()): boolean =>
  entry.expiresAt > Math.floor(now / 1000);

const isEntry = (value: unknown): value is AccessTokenEntry => {
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  return (
    typeof entry.token === 'string' &&
    typeof entry.expiresAt === 'number' &&
    (entry.scope === undefined || typeof entry.scope === 'string') &&
    (entry.usedAt === undefined || typeof entry.usedAt === 'number')
  );
};

/** Parses the stored map; anything corrupt is dropped (a corrupt cache is an empty cache). */
export const parseAccessTokenMap = (text: string | null): AccessTokenMap => {
  const value = text === null ? undefined : parseJsonObject(text);
  const map: AccessTokenMap = {};
  for (const [key, entry] of Object.entries(value ?? {})) {
    if (isEntry(entry)) map[key] = entry;
  }
  return map;
};

/**
 * Records a read of the entry under `key` (moving it last) unless it is already last or its
 * `usedAt` is younger than {@link usedAtStep}. Returns whether `map` changed.
 */
export const recordUse = (map: AccessTokenMap, key: string, now = Date.now()): boolean => {
  const entry = map[key];
  if (entry === undefined) return false;
  const keys = Object.keys(map);
  const seconds = Math.floor(now / 1000);
  if (keys[keys.length - 1] === key || seconds - (entry.usedAt ?? 0) < usedAtStep) return false;
  delete map[key];
  map[key] = { ...entry, usedAt: seconds };
  return true;
};

/**
 * Removes an expired entry if any, else the least recently used (among equal `usedAt`, the
 * earliest in the map). Returns `false` when `map` is empty.
 */
export const evictLeastRecentlyUsed = (map: AccessTokenMap, now = Date.now()): boolean => {
  let victim: string | undefined;
  let victimRank = Number.POSITIVE_INFINITY;
  for (const [key, entry] of Object.entries(map)) {
    const rank = isAccessTokenFresh(entry, now) ? (entry.usedAt ?? 0) : Number.NEGATIVE_INFINITY;
    if (rank < victimRank) {
      victim = key;
      victimRank = rank;
    }
  }
  if (victim === undefined) return false;
  delete map[victim];
  return true;
};
