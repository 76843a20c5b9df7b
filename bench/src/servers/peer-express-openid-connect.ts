/**
 * Peer: `express-openid-connect` 3 with its default encrypted cookie session, code flow with a
 * client secret (PKCE, `response_mode=query`), `offline_access` so it keeps a refresh token too.
 *
 * @module
 */
import express, { type RequestHandler } from 'express';
import { importUntyped } from '../lib/untyped.js';
import { type AppSetup, type BuiltApp, benchSecret, demoApp, type ProtectedBody } from './spec.js';

/** The members of express-openid-connect the bench uses. */
interface ExpressOpenIdConnectModule {
  default: {
    auth(config: Record<string, unknown>): RequestHandler;
    requiresAuth(): RequestHandler;
  };
}

/** Starts the express-openid-connect app. */
export async function start(spec: AppSetup): Promise<BuiltApp> {
  const { auth, requiresAuth } = (
    await importUntyped<ExpressOpenIdConnectModule>('express-openid-connect')
  ).default;
  const app = express();
  app.use(
    auth({
      issuerBaseURL: `${spec.endpoint}/oidc`,
      baseURL: `http://127.0.0.1:${spec.port}`,
      clientID: demoApp.appId,
      clientSecret: demoApp.appSecret,
      secret: benchSecret,
      authRequired: false,
      idpLogout: false,
      enableTelemetry: false,
      idTokenSigningAlg: 'ES384',
      authorizationParams: {
        response_type: 'code',
        response_mode: 'query',
        scope: 'openid profile offline_access',
        prompt: 'consent',
      },
    }),
  );
  app.get('/protected', requiresAuth(), (req, res) => {
    const user = (req as unknown as { oidc: { user?: { sub: string; name?: string | null } } }).oidc
      .user;
    if (!user) {
      res.status(401).json({ error: 'not_authenticated' });
      return;
    }
    const body: ProtectedBody = { sub: user.sub, name: user.name ?? null };
    res.json(body);
  });
  return { handler: app };
}
