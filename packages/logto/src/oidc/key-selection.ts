/**
 * Picks the JWKS keys that may have signed a JWS, from its header: by `kid`, then by the key type
 * and curve the algorithm needs, then by `use`/`key_ops`/`alg`. Keys this SDK cannot use
 * (encryption keys, private keys, unknown types, curves such as secp256k1) are skipped, never fatal.
 *
 * @module
 */
import type { JWK } from 'jose';

/** The part of a JWS protected header that selects a key. */
export interface KeySelector {
  /** The JWS algorithm, e.g. `ES384`. */
  alg: string;
  /** The key ID, when the token names one. */
  kid?: string;
}

/** The key type (and curve) each supported asymmetric JWS algorithm needs. */
const keyShapes: Readonly<Record<string, { kty: string; crv?: string }>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
};

/**
 * The asymmetric JWS algorithms this SDK can verify. `none` and the HMAC algorithms are never
 * in it: a public key must not be used as an HMAC secret.
 */
export const SUPPORTED_ALGORITHMS: readonly string[] = Object.keys(keyShapes);

/**
 * Returns the keys of `keys` that fit `selector`, in JWKS order. With a `kid`, only keys with
 * that `kid`; without one, every key that fits the algorithm.
 */
export function selectKeys(keys: readonly JWK[], selector: KeySelector): JWK[] {
  const shape = keyShapes[selector.alg];
  if (!shape) return [];
  return keys.filter(
    (key) =>
      (selector.kid === undefined || key.kid === selector.kid) &&
      key.kty === shape.kty &&
      (shape.crv === undefined || key.crv === shape.crv) &&
      (key.use === undefined || key.use === 'sig') &&
      (key.key_ops === undefined ||
        (Array.isArray(key.key_ops) && key.key_ops.includes('verify'))) &&
      (key.alg === undefined || key.alg === selector.alg) &&
      key.d === undefined,
  );
}
