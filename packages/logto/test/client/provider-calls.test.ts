import { completeSignIn } from 'logto-dev';
import { expect, it } from 'vitest';
import type { LogtoClient } from '../../src/index.js';
import { logtoDevPerFile } from '../support/logto-dev-per-file.js';
import { createClient, redirectUri } from './support.js';

const dev = logtoDevPerFile();

const served = () => dev.requests.map((request) => `${request.method} ${request.path}`);

/** The provider requests of signIn and of handleSignInCallback, measured separately. */
const measureSignIn = async (client: LogtoClient) => {
  dev.resetRequests();
  const url = await client.signIn({ redirectUri });
  const signIn = served();
  const callback = await completeSignIn(url, { username: 'alice', password: 'alice-password' });
  dev.resetRequests();
  await client.handleSignInCallback(callback);
  return { signIn, callback: served() };
};

it('costs discovery + token + JWKS on a cold process, then only the token request per sign-in', async () => {
  expect(await measureSignIn(createClient(dev))).toEqual({
    signIn: ['GET /oidc/.well-known/openid-configuration'],
    callback: ['POST /oidc/token', 'GET /oidc/jwks'],
  });
  for (let index = 0; index < 3; index += 1) {
    expect(await measureSignIn(createClient(dev))).toEqual({
      signIn: [],
      callback: ['POST /oidc/token'],
    });
  }
});
