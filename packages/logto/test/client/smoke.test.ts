import { completeSignIn, demoConfig, startLogtoDev } from 'logto-dev';
import { expect, it } from 'vitest';
import { LogtoClient, MemoryStorage } from '../../src/index.js';

it('smoke', async () => {
  const dev = await startLogtoDev({ port: 0 });
  try {
    const app = demoConfig().applications[0]!;
    const client = new LogtoClient(
      {
        endpoint: dev.endpoint,
        appId: app.id,
        appSecret: app.secret!,
        resources: ['https://api.example.com'],
        scopes: ['urn:logto:scope:organizations', 'email'],
      },
      { storage: new MemoryStorage() },
    );
    const url = await client.signIn({
      redirectUri: 'http://127.0.0.1:3000/callback',
      postRedirectUri: '/home',
    });
    const callback = await completeSignIn(url, { username: 'alice', password: 'alice-password' });
    dev.resetRequests();
    expect(await client.handleSignInCallback(callback)).toEqual({ postRedirectUri: '/home' });
    console.log(dev.requests);
    console.log(await client.getIdTokenClaims());
    console.log(await client.getAccessTokenClaims('https://api.example.com'));
    console.log(await client.getOrganizationTokenClaims('acme'));
    console.log(await client.getAccessTokenClaims('https://api.example.com', 'acme'));
    console.log(await client.fetchUserInfo());
    console.log(await client.signOut('http://127.0.0.1:3000/'));
    console.log(dev.requests);
  } finally {
    await dev.stop();
  }
});
