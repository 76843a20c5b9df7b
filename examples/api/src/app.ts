/**
 * The example API: two routes guarded by `logto-ts/api`.
 *
 * - `GET /api/messages`: an access token for `https://api.example.com` with `read:messages`.
 * - `GET /api/organizations/:id/members`: an organization token for organization `:id` with
 *   `read:members`.
 *
 * @module
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { type RequestWithAuth, requireAccessToken } from 'logto-ts/api/express';

/** The API resource indicator of this API (as registered in Logto). */
export const API_RESOURCE = 'https://api.example.com';

/** Options of {@link createApiApp}. */
export interface ApiAppOptions {
  /** The Logto endpoint, e.g. `http://localhost:3001`. */
  endpoint: string;
  /** The `fetch` used to reach Logto (discovery, JWKS). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** The demo messages every reader sees. */
const messages = [
  { id: 1, text: 'Hello from the API: your access token was verified.' },
  { id: 2, text: 'This list needs the read:messages scope.' },
];

/** The demo members of the demo organizations. */
const members: Readonly<Record<string, ReadonlyArray<{ id: string; roles: string[] }>>> = {
  acme: [{ id: 'user-alice', roles: ['admin'] }],
  globex: [{ id: 'user-alice', roles: ['member'] }],
};

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
  const messagesVerifier = createAccessTokenVerifier({
    endpoint: options.endpoint,
    audience: API_RESOURCE,
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
    requireAccessToken(messagesVerifier, { requiredScopes: ['read:messages'] }),
    (request, response) => {
      const { auth } = request as RequestWithAuth;
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
      const { auth } = request as RequestWithAuth;
      const id = String(request.params.id);
      response.json({ organizationId: id, user: auth.sub, members: members[id] ?? [] });
    },
  );

  app.use((_request, response) => {
    response.status(404).json({ error: 'not_found', error_description: 'No such API route.' });
  });

  app.use(apiErrorHandler);
  return app;
}
