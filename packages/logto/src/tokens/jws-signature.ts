/**
 * The signature check of a compact JWS through `node:crypto` (one synchronous call into OpenSSL)
 * instead of `jose`'s Web Crypto path, for the key shapes it can be sure of.
 *
 * @module
 */
import { constants, KeyObject, verify, type webcrypto } from 'node:crypto';
import type { CryptoKey } from 'jose';

/** How `node:crypto` verifies each JWS algorithm, and the Web Crypto key a key must be for it. */
interface SignatureScheme {
  /** The digest, or `null` for EdDSA. */
  readonly hash: string | null;
  /** The Web Crypto algorithm name the key must carry. */
  readonly keyName: string;
  /** The key's hash (RSA) or curve (EC) as Web Crypto names it. */
  readonly keyParameter?: string;
  readonly padding?: number;
  readonly p1363?: true;
}

const rsa = (bits: string, name: string, padding?: number): SignatureScheme => ({
  hash: `sha${bits}`,
  keyName: name,
  keyParameter: `SHA-${bits}`,
  ...(padding === undefined ? {} : { padding }),
});
const ec = (bits: string, curve: string): SignatureScheme => ({
  hash: `sha${bits}`,
  keyName: 'ECDSA',
  keyParameter: curve,
  p1363: true,
});

const schemes: Readonly<Record<string, SignatureScheme>> = {
  RS256: rsa('256', 'RSASSA-PKCS1-v1_5'),
  RS384: rsa('384', 'RSASSA-PKCS1-v1_5'),
  RS512: rsa('512', 'RSASSA-PKCS1-v1_5'),
  PS256: rsa('256', 'RSA-PSS', constants.RSA_PKCS1_PSS_PADDING),
  PS384: rsa('384', 'RSA-PSS', constants.RSA_PKCS1_PSS_PADDING),
  PS512: rsa('512', 'RSA-PSS', constants.RSA_PKCS1_PSS_PADDING),
  ES256: ec('256', 'P-256'),
  ES384: ec('384', 'P-384'),
  ES512: ec('512', 'P-521'),
  EdDSA: { hash: null, keyName: 'Ed25519' },
  Ed25519: { hash: null, keyName: 'Ed25519' },
};

const base64url = /^[A-Za-z0-9_-]+$/;

/** `node:crypto` views of Web Crypto keys, made once per key. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

type KeyAlgorithm = webcrypto.KeyAlgorithm & {
  hash?: { name?: string };
  namedCurve?: string;
  modulusLength?: number;
};

/** True when `key` is a public verification key made for exactly `scheme` (as `jose` demands). */
const fits = (key: CryptoKey, scheme: SignatureScheme): boolean => {
  if (key.type !== 'public' || !key.usages.includes('verify')) return false;
  const algorithm = key.algorithm as KeyAlgorithm;
  if (algorithm.name !== scheme.keyName) return false;
  if (scheme.keyName === 'ECDSA') return algorithm.namedCurve === scheme.keyParameter;
  if (scheme.keyName === 'Ed25519') return true;
  // RSA: the hash it was imported for, and at least 2048 bits (jose refuses smaller keys).
  return (
    algorithm.hash?.name === scheme.keyParameter &&
    typeof algorithm.modulusLength === 'number' &&
    algorithm.modulusLength >= 2048
  );
};

/**
 * Checks the signature of compact JWS `token` (three dot-separated parts, its header already
 * read) with `key` for `alg`: `true` or `false`, or `undefined` when this fast path does not
 * handle the case (an unknown algorithm, a key not made for `alg`, a signature that is not
 * canonical base64url): the caller then lets `jose` decide, with its own errors.
 */
export function verifyJwsSignature(
  token: string,
  key: CryptoKey,
  alg: string,
): boolean | undefined {
  const scheme = schemes[alg];
  if (scheme === undefined || !fits(key, scheme)) return undefined;
  const end = token.lastIndexOf('.');
  const signatureText = token.slice(end + 1);
  if (!base64url.test(signatureText) || signatureText.length % 4 === 1) return undefined;
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, keyObject);
  }
  const signature = Buffer.from(signatureText, 'base64url');
  const signingInput = Buffer.from(token.slice(0, end), 'ascii');
  const options = {
    key: keyObject,
    ...(scheme.padding === undefined
      ? {}
      : { padding: scheme.padding, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }),
    ...(scheme.p1363 ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  };
  // Synchronous: one OpenSSL call (~0.45 ms for ES384) costs less than the hop to the thread
  // pool and back that the callback form and Web Crypto pay on every sign-in.
  try {
    return verify(scheme.hash, signingInput, options, signature);
  } catch {
    return false;
  }
}
