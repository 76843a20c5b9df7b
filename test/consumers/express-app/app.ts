// An Express-only app, as a user writes it from the README. The consumer tests copy it into a
// fresh project where only express and @types/express are installed (no hono, no fastify) and
// compile it under every TypeScript module setting, with skipLibCheck off.
import express from 'express';
import { isLogtoError, type LogtoClient, UserInfoScope } from 'logto-ts';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { requireAccessToken } from 'logto-ts/api/express';
import { authenticated, logto } from 'logto-ts/express';
import type { RedisSessionStoreOptions } from 'logto-ts/redis';
import type { WebLogto } from 'logto-ts/web';

export const app = express();

app.use(
  logto({
    endpoint: 'https://tenant.logto.app',
    appId: 'app-id',
    appSecret: 'app-secret',
    baseUrl: 'http://localhost:3000',
    secret: 'a session secret of at least 32 characters',
    scopes: [UserInfoScope.Email],
  }),
);

app.get('/protected', authenticated({ redirect: true }), (req, res) => {
  res.json(req.logto.user);
});

// The handler form: the user (userinfo) and the organization token typed by the options.
app.get(
  '/organizations/:id',
  authenticated(
    { fetchUserInfo: true, getAccessToken: true, organizationId: (req) => String(req.params.id) },
    (req, res) => {
      const email: string | null | undefined = req.logto.user.email;
      const token: string = req.logto.accessToken;
      res.json({ email, token: token.length });
    },
  ),
);

const verifier = createAccessTokenVerifier({
  endpoint: 'https://tenant.logto.app',
  audience: 'https://api.example.com',
});

app.get('/api/me', requireAccessToken(verifier), (req, res) => {
  res.json({ sub: req.auth.sub });
});

export const isConfigError = (error: unknown): boolean => isLogtoError(error, 'config.invalid');
export type Client = LogtoClient;
// Neither the Web adapter nor the Redis store needs types beyond Node's.
export type Unused = [WebLogto, RedisSessionStoreOptions];
