/**
 * Access tokens (RFC 9068 JWTs) made by hand for the verifier's tests: valid claims of a hostile
 * provider, and a signature by any of its keys with any header.
 */
import { type HostileProvider, signCompact, type TestKey } from './hostile-provider.js';

/**
 * The claims of a valid access token of `provider` for `audience` (user-1, scope read:messages,
 * issued now, expiring in an hour), with `extra` added or replacing them.
 */
export const accessTokenClaims = (
  provider: Pick<HostileProvider, 'issuer'>,
  audience: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: provider.issuer,
    sub: 'user-1',
    aud: audience,
    exp: now + 3600,
    iat: now,
    scope: 'read:messages',
    ...extra,
  };
};

/**
 * `payload` signed by `key` with the header an access token has (its alg, typ at+jwt, its kid),
 * `header` added or replacing it; a header parameter set to `undefined` is left out.
 */
export const signAccessToken = (
  payload: Record<string, unknown>,
  key: TestKey,
  header: Record<string, unknown> = {},
): Promise<string> => {
  const full: Record<string, unknown> = {
    alg: key.alg,
    typ: 'at+jwt',
    kid: key.publicJwk.kid,
    ...header,
  };
  for (const name of Object.keys(full)) if (full[name] === undefined) delete full[name];
  return signCompact(full, payload, key.privateKey);
};
