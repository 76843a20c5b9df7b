import { createPrivateKey, sign } from 'node:crypto';
import type { JWK } from 'oidc-provider';

const hashOf: Record<string, string> = { ES384: 'sha384', RS256: 'sha256' };

/**
 * Re-issues a back-channel logout token the way Logto's oidc-provider version shapes it: the same
 * header (`typ: logout+jwt`, kid) and claims, but no `exp` (oidc-provider 9 adds one). Apps must
 * accept Logto's tokens, so the dev provider sends what Logto sends. Other requests pass unchanged.
 */
export function toLogtoLogoutToken(init: RequestInit, keys: readonly JWK[]): RequestInit {
  if (!(init.body instanceof URLSearchParams)) return init;
  const token = init.body.get('logout_token');
  if (!token) return init;
  const [encodedHeader, encodedPayload] = token.split('.');
  if (!encodedHeader || !encodedPayload) return init;
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString()) as {
    alg: string;
    kid?: string;
  };
  const key = keys.find((candidate) => candidate.kid === header.kid);
  const hash = hashOf[header.alg];
  if (!key || !hash) return init;
  const payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  delete payload.exp;
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign(hash, Buffer.from(input), {
    key: createPrivateKey({ key: key as import('node:crypto').JsonWebKey, format: 'jwk' }),
    dsaEncoding: 'ieee-p1363',
  });
  const body = new URLSearchParams(init.body);
  body.set('logout_token', `${input}.${signature.toString('base64url')}`);
  return { ...init, body };
}
