/**
 * Ours: `logto-ts/express` with the cookie, Redis or memory session store (by `kind`).
 *
 * @module
 */
import express from 'express';
import { authenticated, logto } from 'logto-ts/express';
import { logtoOptions } from './logto-options.js';
import type { AppSetup, BuiltApp, ProtectedBody } from './spec.js';

/** Builds the logto-ts/express app. */
export async function start(setup: AppSetup): Promise<BuiltApp> {
  const { options, close } = await logtoOptions(setup);
  const app = express();
  app.use(logto(options));
  app.get(
    '/protected',
    authenticated({}, (req, res) => {
      const { user } = req.logto;
      const body: ProtectedBody = { sub: user.sub, name: user.name ?? null };
      res.json(body);
    }),
  );
  return { handler: app, close };
}
