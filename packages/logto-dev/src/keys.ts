import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JWK } from 'oidc-provider';

/** Algorithms logto-dev can sign ID tokens and JWT access tokens with. */
export type SigningAlgorithm = 'ES384' | 'RS256';

/** A fresh private signing JWK: P-384 for ES384 (as Logto does), RSA 2048 for RS256. */
export function generateSigningKey(alg: SigningAlgorithm): JWK {
  const { privateKey } =
    alg === 'ES384'
      ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomUUID(), alg, use: 'sig' };
}
