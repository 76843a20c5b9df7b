/**
 * Reading JSON from outside (a cookie, the store, the provider) without trusting its shape.
 *
 * @module
 */

/** The object `text` holds as JSON, or `undefined` when it is not JSON or not an object. */
export const parseJsonObject = (text: string): Record<string, unknown> | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
};
