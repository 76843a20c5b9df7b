// A Fastify-only app: compiled in a fresh project with Fastify 4 installed and no Express or Hono.
import Fastify from 'fastify';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { requireAccessToken } from 'logto-ts/api/fastify';
import { authenticated, logto } from 'logto-ts/fastify';

export const app = Fastify();
await app.register(
  logto({
    endpoint: 'https://tenant.logto.app',
    appId: 'app-id',
    appSecret: 'app-secret',
    baseUrl: 'http://localhost:3000',
    secret: 'a session secret of at least 32 characters',
  }),
);
app.get('/protected', { preHandler: authenticated({ redirect: true }) }, async (request) => {
  return request.logto.user;
});
app.get(
  '/me',
  authenticated({ fetchUserInfo: true }, async (request) => ({
    data: request.logto.user.custom_data,
  })),
);
const verifier = createAccessTokenVerifier({
  endpoint: 'https://tenant.logto.app',
  audience: 'https://api',
});
app.get('/api/me', { preHandler: requireAccessToken(verifier) }, async (request) => ({
  sub: request.auth.sub,
}));
