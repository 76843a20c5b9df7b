/**
 * The access-token cache stored under `accessTokenMap`: one entry per resource + organization.
 *
 * @module
 */

/** A cached access token. */
export interface AccessTokenEntry {
  /** The access token. */
  token: string;
  /** The granted scopes, when the provider said. */
  scope?: string;
  /** When the entry stops being used (epoch seconds): a little before the token expires. */
  expiresAt: number;
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

/**
 * How early an entry expires, in seconds: a minute, or a tenth of the token's lifetime for
 * short-lived tokens, so that a token is never sent just as it expires.
 */
export const expiryMargin = (expiresIn: number): number => Math.min(60, Math.floor(expiresIn / 10));

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
  return {
    token,
    ...(scope === undefined ? {} : { scope }),
    expiresAt: seconds + lifetime - expiryMargin(lifetime),
  };
};

/** True while `entry` may be used. */
export const isAccessTokenFresh = (entry: AccessTokenEntry, now = Date.now()): boolean =>
  entry.expiresAt > Math.floor(now / 1000);

const isEntry = (value: unknown): value is AccessTokenEntry => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.token === 'string' &&
    typeof entry.expiresAt === 'number' &&
    (entry.scope === undefined || typeof entry.scope === 'string')
  );
};

/** Parses the stored map; anything corrupt is dropped (a corrupt cache is an empty cache). */
export const parseAccessTokenMap = (text: string | null): AccessTokenMap => {
  if (text === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const map: AccessTokenMap = {};
  for (const [key, entry] of Object.entries(value)) {
    if (isEntry(entry)) map[key] = entry;
  }
  return map;
};
