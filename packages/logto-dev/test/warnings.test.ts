import { afterAll, expect, it, vi } from 'vitest';

// This file imports logto-dev (and so oidc-provider) only after console is watched.
const printed: string[] = [];
for (const method of ['log', 'info', 'warn', 'error'] as const) {
  vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
}
afterAll(() => {
  vi.restoreAllMocks();
});

it('oidc-provider prints nothing through a full session; the Node 20 runtime notice is replaced by one explained line', async () => {
  const { startLogtoDev } = await import('../src/index.js');
  const { signIn, refresh, api } = await import('./helpers.js');
  const logged: string[] = [];
  const dev = await startLogtoDev({
    port: 0,
    logger: {
      info: (msg) => logged.push(`info: ${msg}`),
      warn: (msg) => logged.push(`warn: ${msg}`),
    },
  });
  try {
    const tokens = await signIn(dev, {
      scope:
        'openid offline_access profile email urn:logto:scope:organizations read:members read:messages',
      resources: [api, 'urn:logto:resource:organizations'],
    });
    await fetch(`${dev.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, origin: 'http://127.0.0.1:3000' },
    });
    await fetch(`${dev.issuer}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST' },
    });
    expect((await refresh(dev, tokens.refresh_token ?? '', { resource: api })).status).toBe(200);
    expect(
      (await refresh(dev, tokens.refresh_token ?? '', { organization_id: 'acme' })).status,
    ).toBe(200);
    expect(
      (await refresh(dev, tokens.refresh_token ?? '', { organization_id: 'nope' })).status,
    ).toBe(403);
    await fetch(`${dev.issuer}/session/end?client_id=demo-app`);
    await fetch(`${dev.issuer}/auth?client_id=unknown`);
  } finally {
    await dev.stop();
  }
  expect(printed).toEqual([]);
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    expect(logged).toEqual([
      expect.stringMatching(/^info: oidc-provider 9 officially targets Node\.js 22\+/),
    ]);
  } else {
    expect(logged).toEqual([]);
  }
});
