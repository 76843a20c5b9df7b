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
  const strings = (list: unknown[]) => list.every((item) => typeof item === 'string');
  const isData = typeof data === 'object' && data !== null && !Array.isArray(data);
  if (!isTime(iat) || !isTime(uat) || !isTime(exp) || !isData || !strings(Object.values(data))) {
    return undefined;
  }
  const record = { iat, uat, exp, data: data as Record<string, string> };
  if (tags === undefined) return record;
  const validTags = Array.isArray(tags) && tags.length <= maxTags && strings(tags);
  return validTags ? { ...record, tags: tags as string[] } : undefined;
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
