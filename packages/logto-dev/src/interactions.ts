import type { IncomingMessage, ServerResponse } from 'node:http';
import type { default as Provider } from 'oidc-provider';
import type { Directory } from './directory.js';
import { errorPage, signInPage } from './pages.js';
import { interactionPath, signInParameterNames } from './provider.js';
import { readBody } from './read-body.js';

const maxFormBytes = 16 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readBody(req, maxFormBytes, () => new Error('form too large')));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:",
  });
  res.end(html);
}

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/**
 * Serves `GET|POST /sign-in/:uid`: the username + password form for the login prompt, and an
 * automatic grant for the consent prompt (every configured app is first-party). The interaction
 * cookie oidc-provider set on this exact path ties the form to the browser that started the flow.
 */
export async function handleInteraction(
  req: IncomingMessage,
  res: ServerResponse,
  provider: Provider,
  directory: Directory,
): Promise<void> {
  const uid = new URL(req.url ?? '/', 'http://x').pathname.slice(interactionPath.length);
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    send(
      res,
      400,
      errorPage(
        'invalid_request',
        'This sign-in has expired or was opened in another browser; start again from the app.',
      ),
    );
    return;
  }
  if (details.uid !== uid) {
    send(
      res,
      400,
      errorPage(
        'invalid_request',
        'This sign-in page does not match the current sign-in; start again from the app.',
      ),
    );
    return;
  }
  const { params, prompt } = details;
  const clientId = String(params.client_id);

  if (prompt.name === 'login') {
    const client = await provider.Client.find(clientId);
    const signInParameters: Record<string, string> = {};
    for (const name of [...signInParameterNames, 'login_hint'] as const) {
      const value = params[name];
      if (typeof value === 'string' && value !== '') signInParameters[name] = value;
    }
    const render = (status: number, username: string, error?: string) =>
      send(
        res,
        status,
        signInPage({
          action: `${interactionPath}${uid}`,
          appName: client?.clientName ?? clientId,
          username,
          signInParameters,
          ...(error ? { error } : {}),
        }),
      );

    if (req.method === 'GET') {
      render(200, signInParameters.login_hint ?? '');
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, errorPage('invalid_request', 'Use GET or POST.'));
      return;
    }
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const user = directory.authenticate(username, form.get('password') ?? '');
    if (!user) {
      render(401, username, 'Wrong username or password.');
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.id } },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  if (prompt.name === 'consent') {
    const accountId = details.session?.accountId;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    if (!grant) {
      send(
        res,
        400,
        errorPage(
          'invalid_request',
          'The grant of this sign-in is gone; start again from the app.',
        ),
      );
      return;
    }
    const missing = prompt.details as ConsentDetails;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }

  send(
    res,
    400,
    errorPage('invalid_request', `logto-dev cannot handle the ${prompt.name} prompt.`),
  );
}
