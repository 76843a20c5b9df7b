/**
 * The example API: two routes guarded by `logto-ts/api`.
 *
 * - `GET /api/messages`: an access token for `https://api.example.com` (or the configured
 *   audience) with `read:messages` (or the configured scope).
 * - `GET /api/organizations/:id/members`: an organization token for organization `:id` with
 *   `read:members`; it answers what the verified token says about the caller.
 *
 * @module
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { requireAccessToken } from 'logto-ts/api/express';

/** The API resource indicator of this API (as registered in Logto). */
export const API_RESOURCE = 'https://api.example.com';

/** Options of {@link createApiApp}. */
export interface ApiAppOptions {
  /** The Logto endpoint, e.g. `http://localhost:3001`. */
  endpoint: string;
  /** The `fetch` used to reach Logto (discovery, JWKS). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** This API's resource indicator in Logto. Default {@link API_RESOURCE}. */
  audience?: string;
  /** The permission `GET /api/messages` requires. Default `read:messages`. */
  scope?: string;
}

/** The messages every reader sees. */
const messagesFor = (scope: string) => [
  { id: 1, text: 'Hello from the API: your access token was verified.' },
  { id: 2, text: `This list needs the ${scope} scope.` },
];

/**
 * The example API's last error handler. A `provider.*` error (e.g. Logto unreachable while
 * fetching its keys: not the token's fault) answers 503; anything else is logged and answers a
 * generic 500. When the response has already started, Express's default handler takes over (it
 * ends the connection).
 */
export const apiErrorHandler: ErrorRequestHandler = (error, _request, response, next) => {
  if (response.headersSent) {
    next(error);
    return;
  }
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : '';
  if (String(code).startsWith('provider.')) {
    response.status(503).json({
      error: 'server_error',
      error_description: 'The API could not check the access token right now. Try again later.',
    });
    return;
  }
  console.error('example API: unexpected error', error);
  response.status(500).json({ error: 'server_error', error_description: 'internal error' });
};

/**
 * Builds the example API as an Express app (mount it, or `listen` on it).
 *
 * @example
 * ```ts
 * createApiApp({ endpoint: 'http://localhost:3001' }).listen(3002);
 * ```
 */
export function createApiApp(options: ApiAppOptions): Express {
  const http = options.fetch === undefined ? {} : { fetch: options.fetch };
  // One verifier per audience, shared by its routes: one cache of verified tokens each.
  const scope = options.scope ?? 'read:messages';
  const messages = messagesFor(scope);
  const messagesVerifier = createAccessTokenVerifier({
    endpoint: options.endpoint,
    audience: options.audience ?? API_RESOURCE,
    ...http,
  });
  const organizationVerifier = createAccessTokenVerifier({
    endpoint: options.endpoint,
    organization: true,
    ...http,
  });

  const app = express();
  app.disable('x-powered-by');

  app.get(
    '/api/messages',
    requireAccessToken(messagesVerifier, { requiredScopes: [scope] }),
    (request, response) => {
      const { auth } = request;
      response.json({ user: auth.sub, scope: auth.scope ?? '', messages });
    },
  );

  app.get(
    '/api/organizations/:id/members',
    requireAccessToken(organizationVerifier, {
      requiredScopes: ['read:members'],
      organizationFrom: (request) => String(request.params.id),
    }),
    (request, response) => {
      // Only what the verified organization token says: it works the same on any tenant.
      const { auth } = request;
      response.json({
        organizationId: String(request.params.id),
        user: auth.sub,
        scope: auth.scope ?? '',
        audience: auth.aud,
      });
    },
  );

  app.use((_request, response) => {
    response.status(404).json({ error: 'not_found', error_description: 'No such API route.' });
  });

  app.use(apiErrorHandler);
  return app;
}
