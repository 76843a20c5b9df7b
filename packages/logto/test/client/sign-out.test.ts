import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../src/index.js';
import { logtoDevPerFile } from '../support/logto-dev-per-file.js';
import {
  api,
  copyOf,
  createClient,
  demoApp,
  expectLogtoError,
  postLogoutRedirectUri,
  redirectUri,
  signInAs,
  snapshot,
} from './support.js';

const dev = logtoDevPerFile();

describe('signOut', () => {
  it('returns the end-session URL with client_id, id_token_hint and post_logout_redirect_uri', async () => {
    const client = createClient(dev);
    await signInAs(client);
    const idToken = await client.getIdToken();
    const url = new URL(await client.signOut(postLogoutRedirectUri));
    expect(`${url.origin}${url.pathname}`).toBe(`${dev.issuer}/session/end`);
    expect(url.searchParams.get('client_id')).toBe(demoApp().id);
    expect(url.searchParams.get('id_token_hint')).toBe(idToken);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(postLogoutRedirectUri);
  });

  it('leaves post_logout_redirect_uri out when none is given', async () => {
    const client = createClient(dev);
    await signInAs(client);
    const url = new URL(await client.signOut());
    expect(url.searchParams.has('post_logout_redirect_uri')).toBe(false);
  });

  it('revokes the refresh token: a copy of the old session gets token.invalid_grant', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    await signInAs(client);
    const before = await snapshot(storage);
    dev.resetRequests();
    await client.signOut(postLogoutRedirectUri);
    expect(dev.requests.some((request) => request.path === '/oidc/token/revocation')).toBe(true);
    await expectLogtoError(
      createClient(dev, await copyOf(before)).getAccessToken(api),
      'token.invalid_grant',
    );
  });

  it('clears every token and a pending sign-in session', async () => {
    const storage = new MemoryStorage();
    const client = createClient(dev, storage);
    await signInAs(client);
    await client.getAccessToken(api);
    await client.signIn({ redirectUri });
    await client.signOut();
    expect(await snapshot(storage)).toEqual([]);
    expect(await client.isAuthenticated()).toBe(false);
  });

  it('works for a session that is not signed in', async () => {
    const url = new URL(await createClient(dev).signOut(postLogoutRedirectUri));
    expect(url.searchParams.get('client_id')).toBe(demoApp().id);
    expect(url.searchParams.has('id_token_hint')).toBe(false);
  });
});
