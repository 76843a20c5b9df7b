/**
 * Messages between the bench and its child processes.
 *
 * @module
 */

/** Parent → child. */
export type ParentMessage =
  | { type: 'cpu'; id: number }
  | { type: 'heap'; id: number }
  | { type: 'snapshot'; id: number; path: string }
  | { type: 'stop' };

/** Child → parent. */
export type ChildReply =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value: number };
