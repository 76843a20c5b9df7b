/**
 * The sample app: the Logto quick-start's pages on Express with `logto-ts/express`.
 *
 * @module
 */

import { createApiApp } from 'example-api';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import { isLogtoError, type LogtoError } from 'logto-ts';
import { authenticated, type LogtoErrorRequest, logto } from 'logto-ts/express';
import { callApi } from './api-call.js';
import { html, type SafeHtml } from './html.js';
import { sampleLogtoConfig } from './logto-config.js';
import {
  type ApiCallResult,
  idTokenPage,
  missingResourcePage,
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
import { defaultApiResource, defaultApiScope } from './settings.js';

/** The API resource this sample asks tokens for by default (registered in logto-dev's demo data). */
export const apiResource = defaultApiResource;

/** Where the sample signs in again without its API resource, when the tenant does not have it. */
const signInWithoutApiPath = '/sign-in/without-api';
/** Set by that route, so a second refusal shows the error page instead of looping. */
const withoutApiCookie = 'logto_sample_without_api';

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
  /** The API resource to request at sign-in and show on `/protected/resource`. Default {@link apiResource}. */
  apiResource?: string;
  /** The permission to request on it. Default `read:messages`. */
  apiScope?: string;
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
  const resource = options.apiResource ?? apiResource;
  const scope = options.apiScope ?? defaultApiScope;

  // The example API, as a separate app would serve it: it knows nothing of the session and
  // trusts only the bearer token, verified against Logto's keys.
  if (embedApi) {
    const api = createApiApp({ endpoint: options.endpoint, audience: resource, scope });
    // Its own paths start with /api/ (and it answers 404 to anything else): route only those.
    app.use((request, response, next) => {
      if (request.path.startsWith('/api/')) api(request, response, next);
      else next();
    });
  }

  const config = sampleLogtoConfig(options);
  // A failed sign-in, callback or sign-out gets the sample's own error page.
  const renderError = (error: LogtoError, request: LogtoErrorRequest): Response | undefined => {
    // A tenant without the API resource refuses the whole sign-in (invalid_target): sign in
    // again without it, so the sample still works and /protected/resource can say what to create.
    if (
      request.route === 'callback' &&
      error.error === 'invalid_target' &&
      !(request.cookieHeader ?? '').includes(`${withoutApiCookie}=1`)
    ) {
      return new Response(null, {
        status: 302,
        headers: { location: `${signInWithoutApiPath}?returnTo=/protected/resource` },
      });
    }
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
  };

  // Sign-in (/sign-in), callback (/callback) and sign-out (/sign-out) routes, and req.logto.
  app.use(
    logto({
      config,
      baseUrl: options.baseUrl,
      secret: options.sessionSecret,
      onError: renderError,
    }),
  );

  // The same sign-in without the API resource; its callback is the one above.
  const signInWithoutApi = logto({
    config: { ...config, resources: [] },
    baseUrl: options.baseUrl,
    secret: options.sessionSecret,
    routes: {
      signIn: signInWithoutApiPath,
      callback: false,
      signOut: false,
      backchannelLogout: false,
    },
    onError: renderError,
  });
  app.get(signInWithoutApiPath, (request, response, next) => {
    response.append(
      'set-cookie',
      `${withoutApiCookie}=1; Path=/; Max-Age=600; HttpOnly; SameSite=Lax${options.baseUrl.startsWith('https:') ? '; Secure' : ''}`,
    );
    signInWithoutApi(request, response, next);
  });

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

  // With the handler as its second argument, authenticated() types request.logto.user by its
  // options: ID token claims, or the userinfo response with fetchUserInfo.
  app.get(
    '/protected',
    authenticated({ redirect: true }, (request, response) => {
      response.send(send(request, 'ID token claims', true, idTokenPage(request.logto.user)));
    }),
  );

  app.get(
    '/protected/userinfo',
    authenticated({ redirect: true, fetchUserInfo: true }, (request, response) => {
      response.send(send(request, 'Userinfo', true, userInfoPage(request.logto.user)));
    }),
  );

  app.get(
    '/protected/no-redirect',
    authenticated({ redirect: false }, (request, response) => {
      const { user } = request.logto;
      response.json({ message: 'You are signed in.', sub: user.sub, name: user.name ?? null });
    }),
  );

  app.get(
    '/protected/organizations',
    authenticated({ redirect: true }, async (request, response) => {
      const claims = request.logto.user;
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
    }),
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
          resource,
          claims: await client.getAccessTokenClaims(resource, organizationId),
        };
      } catch (error) {
        // Shown on the page: the organization token above is the point of this page.
        if (!isLogtoError(error)) throw error;
        scoped = { ok: false, resource, code: error.code, message: error.message };
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
    let token: string;
    try {
      token = await client.getAccessToken(resource);
    } catch (error) {
      // Not granted at sign-in: the tenant lacks the resource (see onError above).
      if (!isLogtoError(error, 'token.invalid_target')) throw error;
      response.send(send(request, 'API resource', true, missingResourcePage(resource, scope)));
      return;
    }
    const claims = await client.getAccessTokenClaims(resource);
    const apiCall = await callExampleApi(apiBaseUrl, '/api/messages', token);
    response.send(
      send(request, 'API resource', true, resourcePage(resource, scope, claims, apiCall)),
    );
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
