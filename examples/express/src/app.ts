/**
 * The sample app: the Logto quick-start's pages on Express with `logto-ts/express`.
 *
 * @module
 */

import { createApiApp } from 'example-api';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import {
  type IdTokenClaims,
  isLogtoError,
  type LogtoConfig,
  type UserInfoResponse,
  UserInfoScope,
} from 'logto-ts';
import { authenticated, logto } from 'logto-ts/express';
import { callApi } from './api-call.js';
import { html, type SafeHtml } from './html.js';
import {
  type ApiCallResult,
  idTokenPage,
  organizationPage,
  organizationsPage,
  resourcePage,
  type ScopedApiToken,
  summarizeOrganizations,
  userInfoPage,
} from './pages/claims.js';
import { errorView } from './pages/error.js';
import { type DemoUser, signedInHome, signedOutHome } from './pages/home.js';
import { renderPage } from './pages/layout.js';

/** The API resource this sample asks tokens for (registered in logto-dev's demo data). */
export const apiResource = 'https://api.example.com';

/** Options of {@link createSampleApp}. */
export interface SampleAppOptions {
  /** The Logto endpoint, e.g. `https://tenant.logto.app` or logto-dev's `http://127.0.0.1:3001`. */
  endpoint: string;
  /** The application id. */
  appId: string;
  /** The application secret. */
  appSecret: string;
  /** The address people open, e.g. `http://localhost:3000`; `<baseUrl>/callback` must be registered in Logto. */
  baseUrl: string;
  /** The session cookie secret (or secrets: the first encrypts, all decrypt), each ≥ 32 characters. */
  sessionSecret: string | readonly string[];
  /** Users to show on the signed-out home page (the embedded logto-dev's demo users). */
  demoUsers?: readonly DemoUser[];
  /**
   * Serve the example API (`examples/api`, verified with `logto-ts/api`) under `/api` of this app, for
   * the resource and organization pages to call. Default `true`.
   */
  exampleApi?: boolean;
  /** Where the pages send API requests. Default `baseUrl` (the API served by this app). */
  apiBaseUrl?: string;
}

/** The Logto configuration of the sample: the quick-start's scopes and one API resource. */
export function sampleLogtoConfig(
  options: Pick<SampleAppOptions, 'endpoint' | 'appId' | 'appSecret'>,
): LogtoConfig {
  return {
    endpoint: options.endpoint,
    appId: options.appId,
    appSecret: options.appSecret,
    scopes: [
      UserInfoScope.Email,
      UserInfoScope.Phone,
      UserInfoScope.CustomData,
      UserInfoScope.Identities,
      UserInfoScope.Organizations,
      UserInfoScope.OrganizationRoles,
      // Permissions: of the API resource, and of organizations (in organization tokens).
      'read:messages',
      'read:members',
    ],
    resources: [apiResource],
  };
}

/** Calls the example API, or says why it is not called. */
const callExampleApi = (
  baseUrl: string | undefined,
  path: string,
  token: string,
): Promise<ApiCallResult> =>
  baseUrl === undefined
    ? Promise.resolve({
        kind: 'not_configured',
        reason: 'No example API is configured for this run, so only the token is shown.',
      })
    : callApi(new URL(path, baseUrl).href, token);

/** The user `authenticated()` put on the request (it has, whenever a handler after it runs). */
const userOf = (request: Request): IdTokenClaims | UserInfoResponse => {
  const user = request.logto.user;
  if (user === undefined) throw new Error('authenticated() must run before this handler.');
  return user;
};

/** A full page around `content`. */
const send = (request: Request, title: string, signedIn: boolean, content: SafeHtml) =>
  renderPage({ title, path: request.path, signedIn }, content);

/**
 * Builds the sample app. It does no I/O until a request arrives, so a test can serve it on a
 * random port next to its own logto-dev.
 *
 * @example
 * ```ts
 * const app = createSampleApp({ endpoint, appId, appSecret, baseUrl: 'http://localhost:3000', sessionSecret });
 * app.listen(3000);
 * ```
 */
export function createSampleApp(options: SampleAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const embedApi = options.exampleApi ?? true;
  const apiBaseUrl = options.apiBaseUrl ?? (embedApi ? options.baseUrl : undefined);

  // The example API, as a separate app would serve it: it knows nothing of the session and
  // trusts only the bearer token, verified against Logto's keys.
  if (embedApi) {
    const api = createApiApp({ endpoint: options.endpoint });
    // Its own paths start with /api/ (and it answers 404 to anything else): route only those.
    app.use((request, response, next) => {
      if (request.path.startsWith('/api/')) api(request, response, next);
      else next();
    });
  }

  // Sign-in (/sign-in), callback (/callback) and sign-out (/sign-out) routes, and req.logto.
  app.use(
    logto({
      config: sampleLogtoConfig(options),
      baseUrl: options.baseUrl,
      secret: options.sessionSecret,
      // A failed sign-in, callback or sign-out gets the sample's own error page.
      onError: (error, request) => {
        // Programs that ask for JSON keep the adapter's JSON answer.
        if (request.accept?.includes('json') && !request.accept.includes('text/html')) return;
        const view = errorView(error);
        const page = renderPage(
          { title: view.title, path: new URL(request.url).pathname, signedIn: false },
          view.content,
        );
        return new Response(page, {
          status: view.status,
          headers: { 'content-type': 'text/html; charset=utf-8' },
        });
      },
    }),
  );

  app.get('/', async (request, response) => {
    const claims = await request.logto.getIdTokenClaims();
    const signedIn = claims !== undefined && (await request.logto.isAuthenticated());
    response.send(
      signedIn
        ? send(
            request,
            `Hello, ${claims.name ?? claims.username ?? 'you'}`,
            true,
            signedInHome(claims),
          )
        : send(request, 'Logto sample', false, signedOutHome(options.demoUsers ?? [])),
    );
  });

  // A protected page is one user's data: no cache (a browser's back button, a shared proxy)
  // may keep it after sign-out or hand it to someone else.
  app.use('/protected', (_request, response, next) => {
    response.set('cache-control', 'no-store');
    next();
  });

  app.get('/protected', authenticated({ redirect: true }), (request, response) => {
    response.send(send(request, 'ID token claims', true, idTokenPage(userOf(request))));
  });

  app.get(
    '/protected/userinfo',
    authenticated({ redirect: true, fetchUserInfo: true }),
    (request, response) => {
      response.send(send(request, 'Userinfo', true, userInfoPage(userOf(request))));
    },
  );

  app.get('/protected/no-redirect', authenticated({ redirect: false }), (request, response) => {
    const user = userOf(request);
    response.json({ message: 'You are signed in.', sub: user.sub, name: user.name ?? null });
  });

  app.get(
    '/protected/organizations',
    authenticated({ redirect: true }),
    async (request, response) => {
      const claims = userOf(request);
      // Organization names are not in the ID token: userinfo's organization_data has them.
      const userInfo = await request.logto.client.fetchUserInfo();
      response.send(
        send(
          request,
          'Organizations',
          true,
          organizationsPage(summarizeOrganizations(claims, userInfo)),
        ),
      );
    },
  );

  app.get(
    '/protected/organizations/:organizationId',
    authenticated({ redirect: true }),
    async (request, response) => {
      const organizationId = String(request.params.organizationId);
      const client = request.logto.client;
      const claims = await client.getOrganizationTokenClaims(organizationId);
      const apiCall = await callExampleApi(
        apiBaseUrl,
        `/api/organizations/${encodeURIComponent(organizationId)}/members`,
        await client.getOrganizationToken(organizationId),
      );
      let scoped: ScopedApiToken;
      try {
        scoped = {
          ok: true,
          resource: apiResource,
          claims: await client.getAccessTokenClaims(apiResource, organizationId),
        };
      } catch (error) {
        // Shown on the page: the organization token above is the point of this page.
        if (!isLogtoError(error)) throw error;
        scoped = { ok: false, resource: apiResource, code: error.code, message: error.message };
      }
      response.send(
        send(
          request,
          `Organization ${organizationId}`,
          true,
          organizationPage(organizationId, claims, scoped, apiCall),
        ),
      );
    },
  );

  app.get('/protected/resource', authenticated({ redirect: true }), async (request, response) => {
    const client = request.logto.client;
    const token = await client.getAccessToken(apiResource);
    const claims = await client.getAccessTokenClaims(apiResource);
    const apiCall = await callExampleApi(apiBaseUrl, '/api/messages', token);
    response.send(send(request, 'API resource', true, resourcePage(apiResource, claims, apiCall)));
  });

  app.use((request, response) => {
    response
      .status(404)
      .send(
        send(
          request,
          'Not found',
          false,
          html`<div class="card"><p>There is no page at <code>${request.path}</code>. Go <a href="/">home</a>.</p></div>`,
        ),
      );
  });

  const onError: ErrorRequestHandler = async (error, request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const view = errorView(error);
    if (view.status >= 500) console.error(error);
    // The nav still tells a signed-in user so (reading the session can fail too: then it doesn't).
    const signedIn = await request.logto?.isAuthenticated().catch(() => false);
    response.status(view.status).send(send(request, view.title, signedIn === true, view.content));
  };
  app.use(onError);

  return app;
}
