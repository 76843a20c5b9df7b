/**
 * Placeholder until the adapter lands.
 *
 * @module
 */
import type { RunningApp, ServerSpec } from './spec.js';

/** Not built yet. */
export function start(_spec: ServerSpec): Promise<RunningApp> {
  return Promise.reject(new Error('logto-express: adapter not built yet'));
}
