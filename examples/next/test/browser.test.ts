/**
 * The Next.js sample in a real browser (Debian's Chromium, driven by playwright-core): sign in
 * through a Server Action on logto-dev's page, every page (Server Components), the client
 * component's route handler, an organization token, sign-out. `next build` runs once per run,
 * and not at all when its inputs did not change (scripts/build.mjs). Screenshots of every step go
 * to test-output/browser-next/.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium.js';
import { freePort } from '../../../test/support/free-port.js';
import {
  expectAcmeOrganization,
  expectAliceOnHome,
  expectNoRedirectAnswer,
  expectResourcePage,
  expectSignedOutHome,
  navigationsDuring,
  openTab,
  screenshotsIn,
  shownJson,
  submitSignIn,
  textOf,
} from '../../../test/support/sample-browser.js';
import { buildNextSample } from '../scripts/build.mjs';
import { type RunningNextSample, startNextSample } from '../scripts/serve.mjs';

const screenshots = fileURLToPath(new URL('../../../test-output/browser-next/', import.meta.url));
const saveScreenshot = screenshotsIn(screenshots);

let sample: RunningNextSample;
let endpoint: string;
let browser: Browser;
let page: Page;

const snap = (name: string) => saveScreenshot(page, name);

beforeAll(async () => {
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
  page = await openTab(browser, 15_000);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await sample?.stop();
});

describe.sequential('the Next.js sample in Chromium', () => {
  it('shows a signed-out home page with a sign-in button and the protected pages', async () => {
    await expectSignedOutHome(page, sample.baseUrl);
    await snap('home-signed-out');
  });

  it('signs in as alice through the Server Action and lands back on home, signed in', async () => {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${endpoint}/**`);
    await page.locator('#username').waitFor();
    await submitSignIn(page, 'alice', 'alice-password');
    await expectAliceOnHome(page, sample.baseUrl);
    await snap('home-signed-in');
  });

  it('shows the signed-in user in a client component, through a route handler', async () => {
    const user = page.getByTestId('client-user');
    await page.locator('[data-testid="client-user"][data-state="signed-in"]').waitFor();
    expect(await textOf(user)).toContain('Alice Liddell');
  });

  it('shows the ID token claims on /protected', async () => {
    await page.goto(`${sample.baseUrl}/protected`);
    const claims = await shownJson(page, 'claims');
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
    expect(await shownJson(page, 'custom-data')).toEqual({ plan: 'pro' });
    expect(await shownJson(page, 'claims')).toMatchObject({
      sub: 'user-alice',
      custom_data: { plan: 'pro' },
      identities: { github: { userId: 'alice-gh-1865' } },
    });
    await snap('protected-userinfo');
  });

  it('lists the organizations, and shows an organization token and an organization-scoped API token', async () => {
    await expectAcmeOrganization(page, sample.baseUrl, snap);
  });

  it('shows the API resource token and the answer of the example API', async () => {
    await expectResourcePage(page, sample.baseUrl);
    await snap('protected-resource');
  });

  it('shows the error code for an organization alice is not in, and she stays signed in', async () => {
    await page.goto(`${sample.baseUrl}/protected/organizations/initech`);
    expect(await textOf(page.getByTestId('error-code'))).toBe('token.access_denied');
    await page.getByTestId('nav-sign-out').waitFor();
    await snap('error-not-a-member');
  });

  it('answers /protected/no-redirect with JSON when signed in', async () => {
    await expectNoRedirectAnswer(page, sample.baseUrl, true);
  });

  it('signs out through the Server Action and logto-dev, and lands on home, signed out', async () => {
    await page.goto(`${sample.baseUrl}/`);
    const visited = await navigationsDuring(page, async () => {
      await page.getByTestId('sign-out').click();
      // A valid id_token_hint: logto-dev ends its session without a question, as Logto does.
      await page.getByTestId('sign-in').waitFor();
      await page.waitForURL(`${sample.baseUrl}/`);
    });
    expect(visited.some((url) => url.startsWith(`${endpoint}/oidc/session/end`))).toBe(true);
    await snap('home-signed-out-again');
  });

  it('answers /protected/no-redirect with 401 JSON when signed out', async () => {
    await expectNoRedirectAnswer(page, sample.baseUrl, false);
  });

  it('sends a signed-out visitor of a page to sign in, and back to that page afterwards', async () => {
    await page.goto(`${sample.baseUrl}/protected/userinfo`);
    await page.waitForURL(`${endpoint}/**`);
    await submitSignIn(page, 'alice', 'alice-password');
    await page.waitForURL(`${sample.baseUrl}/protected/userinfo`);
    expect(await shownJson(page, 'custom-data')).toEqual({ plan: 'pro' });
    await snap('back-to-userinfo');
  });
});
