/**
 * The app under soak, run in its own process so that its memory is measured alone: the sample's
 * routes (home, protected claims page, protected API-resource page) on `logto-ts/express` with the
 * Redis session store. Talks to its parent over IPC: it sends `{ port }` once listening and
 * answers `{ type: 'memory' }` with its `process.memoryUsage()` (after a GC when exposed).
 *
 * Environment: `LOGTO_ENDPOINT`, `LOGTO_APP_ID`, `LOGTO_APP_SECRET`, `BASE_URL`, `REDIS_URL`.
 */
import express, { type ErrorRequestHandler } from 'express';
import { type IdTokenClaims, isLogtoError } from 'logto-ts';
import { authenticated, logto } from 'logto-ts/express';
import { createRedisSessionStore } from 'logto-ts/redis';
import { createClient } from 'redis';

const api = 'https://api.example.com';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`soak app: ${name} is not set`);
  return value;
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(String(reason));
});

const redis = await createClient({ url: env('REDIS_URL') })
  .on('error', () => undefined)
  .connect();

const app = express();
app.disable('x-powered-by');
app.use(
  logto({
    config: {
      endpoint: env('LOGTO_ENDPOINT'),
      appId: env('LOGTO_APP_ID'),
      appSecret: env('LOGTO_APP_SECRET'),
      scopes: ['email', 'read:messages'],
      resources: [api],
    },
    baseUrl: env('BASE_URL'),
    session: createRedisSessionStore({ client: redis }),
  }),
);

app.get('/', async (req, res) => {
  const claims = await req.logto.getIdTokenClaims();
  res.send(
    page(
      claims ? `Hello, ${claims.name ?? claims.sub}` : 'Logto sample',
      '<a href="/sign-in">Sign in</a>',
    ),
  );
});

app.get('/protected', authenticated({ redirect: true }), (req, res) => {
  const claims = req.logto.user as IdTokenClaims;
  const rows = Object.entries(claims)
    .map(
      ([name, value]) =>
        `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(JSON.stringify(value))}</td></tr>`,
    )
    .join('');
  res.send(page('ID token claims', `<table>${rows}</table>`));
});

app.get('/protected/resource', authenticated({ redirect: true }), async (req, res) => {
  const claims = await req.logto.client.getAccessTokenClaims(api);
  res.send(page('API resource', `<pre>${escapeHtml(JSON.stringify(claims, null, 2))}</pre>`));
});

const onError: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const code = isLogtoError(error) ? error.code : 'internal';
  res
    .status(code.startsWith('session.') ? 503 : 500)
    .send(page('Error', `<code>${escapeHtml(code)}</code>`));
};
app.use(onError);

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message: { type?: string }) => {
  if (message?.type !== 'memory') return;
  gc?.();
  process.send?.({ memory: process.memoryUsage(), unhandled: unhandled.length });
});

process.on('disconnect', () => {
  server.close();
  server.closeAllConnections();
  void redis.close().catch(() => undefined);
  setTimeout(() => process.exit(0), 500).unref();
});
