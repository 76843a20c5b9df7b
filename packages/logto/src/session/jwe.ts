/**
 * Compact JWE with `alg: dir` and `enc: A256GCM`, done synchronously with `node:crypto` (jose's
 * Web Crypto path costs several times more per request). The output is standard: `jose` reads it
 * and we read what `jose` writes.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { LogtoError } from '../errors.js';
import { parseJsonObject } from '../json.js';

/** A content-encryption key derived from one secret, with its ready-made protected header. */
export interface JweKey {
  /** Key id written in the JWE header to pick the key without trying all of them. */
  readonly kid: string;
  /** The 256-bit AES-GCM key. */
  readonly key: Buffer;
  /** The base64url-encoded protected header `{"alg":"dir","enc":"A256GCM","kid":…}`. */
  readonly header: string;
}

/** Why a value could not be decrypted. */
export type JweFailure = 'malformed' | 'decrypt_failed';

/** The plaintext of a JWE, or why there is none. */
export type JweResult = { plaintext: string } | { failure: JweFailure };

const base64url = /^[A-Za-z0-9_-]*$/;

/** The minimum secret length (characters). */
export const MIN_SECRET_LENGTH = 32;

/**
 * Derives one key per secret with HKDF-SHA256, salted with the cookie name so that a cookie cannot
 * be replayed under another name. The first key encrypts; all decrypt (rotation).
 */
export const deriveKeys = (secret: string | readonly string[], cookieName: string): JweKey[] => {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (
    !Array.isArray(secrets) ||
    secrets.length === 0 ||
    !secrets.every((value) => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH)
  ) {
    throw new LogtoError(
      'config.invalid',
      `The session secret must be a string (or a non-empty list of strings, newest first) of at least ${MIN_SECRET_LENGTH} characters; generate one with: openssl rand -base64 32`,
    );
  }
  const salt = `logto-session:${cookieName}`;
  const derive = (value: string, info: string, length: number) =>
    Buffer.from(hkdfSync('sha256', value, salt, info, length));
  return secrets.map((value) => {
    const key = derive(value, 'logto session JWE dir+A256GCM key', 32);
    const kid = derive(value, 'logto session JWE key id', 12).toString('base64url');
    const json = JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid });
    return { kid, key, header: Buffer.from(json).toString('base64url') };
  });
};

/** Encrypts `plaintext` under `key` as a compact JWE. */
export const encryptJwe = (plaintext: string, key: JweKey): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(key.header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag().toString('base64url');
  return `${key.header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag}`;
};

/** Picks keys for a protected header: by exact header (our own cookies), else by `kid`, else all. */
const keysFor = (header: string, keys: readonly JweKey[]): readonly JweKey[] | JweFailure => {
  for (const key of keys) if (key.header === header) return [key];
  const fields = parseJsonObject(Buffer.from(header, 'base64url').toString('utf8'));
  if (fields === undefined) return 'malformed';
  // `crit` and `zip` change how a JWE must be processed; we support neither.
  if (fields.alg !== 'dir' || fields.enc !== 'A256GCM' || 'crit' in fields || 'zip' in fields)
    return 'malformed';
  if (fields.kid === undefined) return keys;
  const match = keys.find((key) => key.kid === fields.kid);
  return match ? [match] : 'decrypt_failed';
};

/** Decrypts a compact JWE made by {@link encryptJwe} or any `dir`/`A256GCM` encrypter. */
export const decryptJwe = (value: string, keys: readonly JweKey[]): JweResult => {
  const parts = value.split('.');
  if (parts.length !== 5) return { failure: 'malformed' };
  const [header = '', encryptedKey, ivPart = '', ciphertextPart = '', tagPart = ''] = parts;
  if (encryptedKey !== '' || header === '' || !parts.every((part) => base64url.test(part)))
    return { failure: 'malformed' };
  const iv = Buffer.from(ivPart, 'base64url');
  const tag = Buffer.from(tagPart, 'base64url');
  if (iv.length !== 12 || tag.length !== 16) return { failure: 'malformed' };
  const candidates = keysFor(header, keys);
  if (typeof candidates === 'string') return { failure: candidates };
  const ciphertext = Buffer.from(ciphertextPart, 'base64url');
  const aad = Buffer.from(header, 'ascii');
  for (const key of candidates) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return {
        plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8'),
      };
    } catch {
      // Authentication failed under this key: try the next one.
    }
  }
  return { failure: 'decrypt_failed' };
};
