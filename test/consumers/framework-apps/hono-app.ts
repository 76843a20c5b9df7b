// A Hono-only app: compiled in a fresh project with hono installed and no Express or Fastify.
import { Hono } from 'hono';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { type AccessTokenEnv, requireAccessToken } from 'logto-ts/api/hono';
import { authenticated, type LogtoEnv, logto } from 'logto-ts/hono';

export const app = new Hono<LogtoEnv>();
app.use(
  logto({
    endpoint: 'https://tenant.logto.app',
    appId: 'app-id',
    appSecret: 'app-secret',
    baseUrl: 'http://localhost:3000',
    secret: 'a session secret of at least 32 characters',
  }),
);
app.get('/protected', authenticated({ redirect: true }), (c) => c.json(c.get('logto').user));

const verifier = createAccessTokenVerifier({
  endpoint: 'https://tenant.logto.app',
  audience: 'https://api',
});
app.get('/api/me', requireAccessToken(verifier), (c) => c.json({ sub: c.get('auth').sub }));

export const api = new Hono<AccessTokenEnv>();
api.use('/api/*', requireAccessToken(verifier));
api.get('/api/messages', (c) => c.json({ user: c.get('auth').sub }));
