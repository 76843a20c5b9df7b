/**
 * The stored form of a session: its data plus lifetime metadata, as JSON.
 *
 * @module
 */
import { parseJsonObject } from '../json.js';
import type { SessionTimes } from './lifetime.js';

/** A session as stored: `{ iat, uat, exp, data, tags? }` (times in seconds since the epoch). */
export interface SessionRecord extends SessionTimes {
  /** The session's items; values are strings. */
  readonly data: Readonly<Record<string, string>>;
  /**
   * What a revocation list may end it by (`session:<id>`, `sub:<sub>`, `sid:<sid>`, …). Cookie
   * sessions only: server-side stores index tags outside the record.
   */
  readonly tags?: readonly string[];
}

/** The most tags a stored session may carry. */
const maxTags = 16;

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** Parses and validates a stored session; `undefined` when it is not one. */
export const parseSessionRecord = (text: string): SessionRecord | undefined => {
  const value = parseJsonObject(text);
  if (value === undefined) return undefined;
  const { iat, uat, exp, data, tags } = value;
  if (
    !isTime(iat) ||
    !isTime(uat) ||
    !isTime(exp) ||
    typeof data !== 'object' ||
    data === null ||
    Array.isArray(data)
  ) {
    return undefined;
  }
  for (const item of Object.values(data)) if (typeof item !== 'string') return undefined;
  if (tags === undefined) return { iat, uat, exp, data: data as Record<string, string> };
  if (
    !Array.isArray(tags) ||
    tags.length > maxTags ||
    !tags.every((tag) => typeof tag === 'string')
  ) {
    return undefined;
  }
  return { iat, uat, exp, data: data as Record<string, string>, tags: tags as string[] };
};

/** A mutable, prototype-free copy of a session's data (so keys like `__proto__` are plain keys). */
export const copyData = (
  data: Readonly<Record<string, string>> | undefined,
): Record<string, string> => Object.assign(Object.create(null) as Record<string, string>, data);

/** The value under `key` (own properties only), or `null`. */
export const readItem = (data: Readonly<Record<string, string>>, key: string): string | null =>
  Object.hasOwn(data, key) ? (data[key] ?? null) : null;

/** True when `data` holds no item. */
export const isEmpty = (data: Readonly<Record<string, string>>): boolean => {
  for (const key in data) if (Object.hasOwn(data, key)) return false;
  return true;
};
