/**
 * The Next.js sample in a real browser (Debian's Chromium, driven by playwright-core): sign in
 * through a Server Action on logto-dev's page, every page (Server Components), the client
 * component's route handler, an organization token, sign-out. `next build` runs once per run,
 * and not at all when its inputs did not change (scripts/build.mjs). Screenshots of every step go
 * to test-output/browser-next/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium.js';
import { freePort } from '../../../test/support/free-port.js';
import { buildNextSample } from '../scripts/build.mjs';
import { type RunningNextSample, startNextSample } from '../scripts/serve.mjs';

const screenshots = fileURLToPath(new URL('../../../test-output/browser-next/', import.meta.url));

let sample: RunningNextSample;
let endpoint: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let step = 0;

async function snap(name: string): Promise<void> {
  step += 1;
  await page.screenshot({
    path: `${screenshots}${String(step).padStart(2, '0')}-${name}.png`,
    fullPage: true,
  });
}

/** The JSON shown in the `<pre>` inside the element with this test id. */
async function shownJson(testId: string): Promise<Record<string, unknown>> {
  const text = await page.getByTestId(testId).locator('pre').textContent();
  return JSON.parse(text ?? 'null') as Record<string, unknown>;
}

async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return ((await locator.first().textContent()) ?? '').trim();
}

async function submitSignIn(username: string, password: string): Promise<void> {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  const { built, seconds } = await buildNextSample({ quiet: true });
  if (built) console.log(`next build of examples/next: ${seconds.toFixed(1)} s`);
  const port = await freePort();
  sample = await startNextSample({
    baseUrl: `http://localhost:${port}`,
    port,
    host: '127.0.0.1',
    logtoDevPort: 0,
    sessionSecrets: ['next-sample-test-session-secret-0123456789abcdef'],
    stdio: 'ignore',
  });
  endpoint = sample.logtoDev?.endpoint ?? '';
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
}, 600_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await sample?.stop();
});

describe.sequential('the Next.js sample in Chromium', () => {
  it('shows a signed-out home page with a sign-in button and the protected pages', async () => {
    await page.goto(`${sample.baseUrl}/`);
    await page.getByTestId('sign-in').waitFor();
    for (const path of [
      '/protected',
      '/protected/userinfo',
      '/protected/organizations',
      '/protected/resource',
    ]) {
      expect(await page.locator(`main a[href="${path}"]`).count()).toBe(1);
    }
    await snap('home-signed-out');
  });

  it('signs in as alice through the Server Action and lands back on home, signed in', async () => {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${endpoint}/**`);
    await page.locator('#username').waitFor();
    await submitSignIn('alice', 'alice-password');
    await page.waitForURL(`${sample.baseUrl}/`);
    expect(await textOf(page.getByTestId('user-name'))).toBe('Alice Liddell');
    expect(await textOf(page.getByTestId('user-email'))).toBe('alice@example.com');
    await page.getByTestId('sign-out').waitFor();
    await snap('home-signed-in');
  });

  it('shows the signed-in user in a client component, through a route handler', async () => {
    const user = page.getByTestId('client-user');
    await page.locator('[data-testid="client-user"][data-state="signed-in"]').waitFor();
    expect(await textOf(user)).toContain('Alice Liddell');
  });

  it('shows the ID token claims on /protected', async () => {
    await page.goto(`${sample.baseUrl}/protected`);
    const claims = await shownJson('claims');
    expect(claims).toMatchObject({
      sub: 'user-alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      organizations: expect.arrayContaining(['acme', 'globex']),
      aud: 'demo-app',
      iss: `${endpoint}/oidc`,
    });
    expect(claims).not.toHaveProperty('custom_data');
    await snap('protected-id-token');
  });

  it('shows userinfo with custom_data and identities on /protected/userinfo', async () => {
    await page.goto(`${sample.baseUrl}/protected/userinfo`);
    expect(await shownJson('custom-data')).toEqual({ plan: 'pro' });
    expect(await shownJson('claims')).toMatchObject({
      sub: 'user-alice',
      custom_data: { plan: 'pro' },
      identities: { github: { userId: 'alice-gh-1865' } },
    });
    await snap('protected-userinfo');
  });

  it('lists the organizations, and shows an organization token and an organization-scoped API token', async () => {
    await page.goto(`${sample.baseUrl}/protected/organizations`);
    const list = page.getByTestId('organizations');
    expect(await textOf(list.locator('[data-organization="acme"]'))).toContain('Acme Inc.');
    expect(await textOf(list.locator('[data-organization="globex"]'))).toContain(
      'Globex Corporation',
    );
    await snap('protected-organizations');

    await list.locator('[data-organization="acme"] a').click();
    await page.waitForURL(`${sample.baseUrl}/protected/organizations/acme`);
    const token = await shownJson('organization-token');
    expect(token.aud).toBe('urn:logto:organization:acme');
    expect(String(token.scope).split(' ')).toContain('read:members');
    expect(await shownJson('scoped-api-token')).toMatchObject({
      aud: 'https://api.example.com',
      organization_id: 'acme',
    });
    expect(await textOf(page.getByTestId('api-status'))).toBe('200');
    expect(await shownJson('api-result')).toMatchObject({
      organizationId: 'acme',
      user: 'user-alice',
    });
    await snap('protected-organization-acme');
  });

  it('shows the API resource token and the answer of the example API', async () => {
    await page.goto(`${sample.baseUrl}/protected/resource`);
    const token = await shownJson('resource-token');
    expect(token.aud).toBe('https://api.example.com');
    expect(String(token.scope).split(' ')).toContain('read:messages');
    expect(await textOf(page.getByTestId('api-status'))).toBe('200');
    const result = await shownJson('api-result');
    expect(result).toMatchObject({ user: 'user-alice', scope: 'read:messages' });
    expect(result.messages).toHaveLength(2);
    await snap('protected-resource');
  });

  it('shows the error code for an organization alice is not in, and she stays signed in', async () => {
    await page.goto(`${sample.baseUrl}/protected/organizations/initech`);
    expect(await textOf(page.getByTestId('error-code'))).toBe('token.access_denied');
    await page.getByTestId('nav-sign-out').waitFor();
    await snap('error-not-a-member');
  });

  it('answers /protected/no-redirect with JSON when signed in', async () => {
    const response = await page.goto(`${sample.baseUrl}/protected/no-redirect`);
    expect(response?.status()).toBe(200);
    expect(JSON.parse((await page.locator('body').textContent()) ?? '')).toMatchObject({
      sub: 'user-alice',
    });
  });

  it('signs out through the Server Action and logto-dev, and lands on home, signed out', async () => {
    await page.goto(`${sample.baseUrl}/`);
    const visited: string[] = [];
    const onNavigation = (frame: { url(): string }) => visited.push(frame.url());
    page.on('framenavigated', onNavigation);
    await page.getByTestId('sign-out').click();
    // A valid id_token_hint: logto-dev ends its session without a question, as Logto does.
    await page.getByTestId('sign-in').waitFor();
    await page.waitForURL(`${sample.baseUrl}/`);
    page.off('framenavigated', onNavigation);
    expect(visited.some((url) => url.startsWith(`${endpoint}/oidc/session/end`))).toBe(true);
    await snap('home-signed-out-again');
  });

  it('answers /protected/no-redirect with 401 JSON when signed out', async () => {
    const response = await page.goto(`${sample.baseUrl}/protected/no-redirect`);
    expect(response?.status()).toBe(401);
    expect(JSON.parse((await page.locator('body').textContent()) ?? '')).toEqual({
      error: 'not_authenticated',
    });
  });

  it('sends a signed-out visitor of a page to sign in, and back to that page afterwards', async () => {
    await page.goto(`${sample.baseUrl}/protected/userinfo`);
    await page.waitForURL(`${endpoint}/**`);
    await submitSignIn('alice', 'alice-password');
    await page.waitForURL(`${sample.baseUrl}/protected/userinfo`);
    expect(await shownJson('custom-data')).toEqual({ plan: 'pro' });
    await snap('back-to-userinfo');
  });
});
