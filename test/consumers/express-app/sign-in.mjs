// A real sign-in of an Express app on the installed logto-ts, against the installed logto-dev,
// over loopback HTTP: guard → sign-in → Logto's page → callback → protected page, then an
// access token for an API that logto-ts/api/express verifies. Prints the outcome as JSON and exits
// non-zero on the first step that goes wrong.
import { createServer } from 'node:http';
import express from 'express';
import { completeSignIn, demoConfig, startLogtoDev } from 'logto-dev';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { requireAccessToken } from 'logto-ts/api/express';
import { authenticated, logto } from 'logto-ts/express';

const api = 'https://api.example.com';
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${server.address().port}`;

const config = demoConfig();
const [application] = config.applications;
application.redirectUris = [`${baseUrl}/callback`];
application.postLogoutRedirectUris = [`${baseUrl}/`];
const dev = await startLogtoDev({ port: 0, config });

const app = express();
app.use(
  logto({
    endpoint: dev.endpoint,
    appId: application.id,
    appSecret: application.secret,
    baseUrl,
    secret: 'the consumer test session secret, 32+ characters',
    resources: [api],
  }),
);
app.get('/protected', authenticated({ redirect: true }), (req, res) => {
  res.json(req.logto.user);
});
app.get('/token', authenticated(), async (req, res, next) => {
  try {
    res.json({ token: await req.logto.client.getAccessToken(api) });
  } catch (error) {
    next(error);
  }
});
const verifier = createAccessTokenVerifier({ endpoint: dev.endpoint, audience: api });
app.get('/api/me', requireAccessToken(verifier), (req, res) => {
  res.json({ sub: req.auth.sub });
});
server.on('request', app);

const cookies = new Map();
const get = async (path, headers = {}) => {
  const response = await fetch(new URL(path, baseUrl), {
    redirect: 'manual',
    headers: {
      cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      ...headers,
    },
  });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const index = pair.indexOf('=');
    const name = pair.slice(0, index);
    const value = pair.slice(index + 1);
    if (value === '' || /max-age=0/i.test(line)) cookies.delete(name);
    else cookies.set(name, value);
  }
  return response;
};
const expectStatus = (response, status, step) => {
  if (response.status !== status) {
    throw new Error(`${step}: expected HTTP ${status}, got ${response.status}`);
  }
  return response;
};

let outcome;
try {
  const guarded = expectStatus(await get('/protected'), 302, 'the guard');
  const signIn = expectStatus(await get(guarded.headers.get('location')), 302, '/sign-in');
  const callbackUrl = await completeSignIn(signIn.headers.get('location'), {
    username: 'alice',
    password: 'alice-password',
  });
  const callback = expectStatus(await get(callbackUrl), 302, '/callback');
  const landing = callback.headers.get('location');
  const user = await expectStatus(await get('/protected'), 200, '/protected').json();
  const { token } = await expectStatus(await get('/token'), 200, '/token').json();
  const me = await expectStatus(
    await get('/api/me', { authorization: `Bearer ${token}` }),
    200,
    '/api/me with the token',
  ).json();
  const refused = expectStatus(
    await get('/api/me', { cookie: '' }),
    401,
    '/api/me without a token',
  );
  outcome = {
    ok: true,
    node: process.version,
    landing,
    sub: user.sub,
    apiSub: me.sub,
    refused: refused.headers.get('www-authenticate'),
  };
} catch (error) {
  outcome = { ok: false, node: process.version, error: String(error?.stack ?? error) };
} finally {
  server.closeAllConnections();
  server.close();
  await dev.stop();
}
console.log(JSON.stringify(outcome));
process.exit(outcome.ok ? 0 : 1);
