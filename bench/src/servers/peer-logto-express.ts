/**
 * Peer: `@logto/express` 3 with `express-session` (its MemoryStore), wired as Logto's docs show
 * (but with `resave: false, saveUninitialized: false`, which only saves it work).
 *
 * @module
 */
import express, { type RequestHandler, type Router } from 'express';
import { importUntyped } from '../lib/untyped.js';
import { type AppSetup, type BuiltApp, benchSecret, demoApp, type ProtectedBody } from './spec.js';

/** The members of @logto/express the bench uses. */
interface LogtoExpressModule {
  handleAuthRoutes(config: Record<string, unknown>): Router;
  withLogto(config: Record<string, unknown>): RequestHandler;
}
/** The members of express-session the bench uses. */
interface ExpressSessionModule {
  default(options: Record<string, unknown>): RequestHandler;
}
/** What `withLogto` puts on the request. */
interface LogtoContextLike {
  isAuthenticated: boolean;
  claims?: { sub: string; name?: string | null };
}

/** Starts the @logto/express app. */
export async function start(spec: AppSetup): Promise<BuiltApp> {
  const { handleAuthRoutes, withLogto } = await importUntyped<LogtoExpressModule>('@logto/express');
  const session = (await importUntyped<ExpressSessionModule>('express-session')).default;
  const config = {
    endpoint: spec.endpoint,
    appId: demoApp.appId,
    appSecret: demoApp.appSecret,
    baseUrl: `http://127.0.0.1:${spec.port}`,
  };
  const app = express();
  app.use(
    session({
      secret: benchSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: 14 * 24 * 3600 * 1000 },
    }),
  );
  app.use(handleAuthRoutes(config));
  app.get('/protected', withLogto(config), (req, res) => {
    const user = (req as unknown as { user: LogtoContextLike }).user;
    if (!user.isAuthenticated || !user.claims) {
      res.status(401).json({ error: 'not_authenticated' });
      return;
    }
    const body: ProtectedBody = { sub: user.claims.sub, name: user.claims.name ?? null };
    res.json(body);
  });
  return { handler: app };
}
