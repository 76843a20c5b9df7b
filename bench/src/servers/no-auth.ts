/**
 * The baseline: plain Express answering `GET /protected` with the same JSON, no auth at all.
 *
 * @module
 */
import express from 'express';
import { listenExpress } from './listen.js';
import type { ProtectedBody, RunningApp, ServerSpec } from './spec.js';

/** Starts the no-auth app. */
export function start(spec: ServerSpec): Promise<RunningApp> {
  const app = express();
  const body: ProtectedBody = { sub: 'user-alice', name: 'Alice Liddell' };
  app.get('/protected', (_req, res) => {
    res.json(body);
  });
  return listenExpress(app, spec.port);
}
