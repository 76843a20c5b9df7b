/**
 * Keys for the process-wide registries that remember secrets (refresh tokens in flight, spent
 * sign-in states): a hash, so no registry ever holds the secret itself.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** SHA-256 hex of `namespace \0 value`: the key of a secret within one application and provider. */
export const namespacedKey = (namespace: string, value: string): string =>
  createHash('sha256').update(namespace).update('\u0000').update(value).digest('hex');
