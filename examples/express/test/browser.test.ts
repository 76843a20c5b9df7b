/**
 * The quick-start's checkpoint in a real browser (Debian's Chromium, driven by playwright-core):
 * sign in on logto-dev's page, look at every protected page, fail a password, sign out.
 * Screenshots of every step go to test-output/browser/.
 */
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium.js';
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
import { type SampleUnderTest, startSample } from './harness.js';

const screenshots = fileURLToPath(new URL('../../../test-output/browser/', import.meta.url));
const saveScreenshot = screenshotsIn(screenshots);

let sample: SampleUnderTest;
let browser: Browser;
let page: Page;

/** Saves a numbered full-page screenshot of the current page. */
const snap = (name: string) => saveScreenshot(page, name);

beforeAll(async () => {
  sample = await startSample();
  browser = await launchChromium();
  page = await openTab(browser, 10_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sample?.stop();
});

// One visitor's session, in order: each step starts where the previous one ended.
describe.sequential('the sample app in Chromium', () => {
  it('shows a signed-out home page with a sign-in link and the protected pages', async () => {
    await expectSignedOutHome(page, sample.baseUrl);
    await snap('home-signed-out');
  });

  it('signs in as alice on the logto-dev page and lands back on home, signed in', async () => {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${sample.logtoDev.endpoint}/**`);
    await page.locator('#username').waitFor();
    await snap('logto-dev-sign-in');

    await submitSignIn(page, 'alice', 'alice-password');
    await expectAliceOnHome(page, sample.baseUrl);
    await snap('home-signed-in');
  });

  it('shows the ID token claims on /protected', async () => {
    await page.goto(`${sample.baseUrl}/protected`);
    const claims = await shownJson(page, 'claims');
    expect(claims).toMatchObject({
      sub: 'user-alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      phone_number: '+15555550100',
      organizations: expect.arrayContaining(['acme', 'globex']),
      aud: 'demo-app',
      iss: `${sample.logtoDev.endpoint}/oidc`,
    });
    expect(claims).not.toHaveProperty('custom_data');
    await snap('protected-id-token');
  });

  it('shows userinfo with custom_data and identities on /protected/userinfo', async () => {
    await page.goto(`${sample.baseUrl}/protected/userinfo`);
    expect(await shownJson(page, 'custom-data')).toEqual({ plan: 'pro' });
    const userInfo = await shownJson(page, 'claims');
    expect(userInfo).toMatchObject({
      sub: 'user-alice',
      custom_data: { plan: 'pro' },
      identities: { github: { userId: 'alice-gh-1865' } },
    });
    await snap('protected-userinfo');
  });

  it('lists the organizations acme and globex, each linking to its organization token', async () => {
    await expectAcmeOrganization(page, sample.baseUrl, snap);
  });

  it('shows the API resource token and the result of calling the example API', async () => {
    await expectResourcePage(page, sample.baseUrl);
    await snap('protected-resource');
  });

  it('shows an error page with the code and what to do for an organization alice is not in', async () => {
    const response = await page.goto(`${sample.baseUrl}/protected/organizations/initech`);
    expect(response?.status()).toBe(403);
    expect(await textOf(page.getByTestId('error-code'))).toBe('token.access_denied');
    expect(await textOf(page.locator('main'))).toContain('What to do');
    await snap('error-not-a-member');
  });

  it('answers /protected/no-redirect with JSON when signed in', async () => {
    await expectNoRedirectAnswer(page, sample.baseUrl, true);
    await snap('no-redirect-signed-in');
  });

  it('signs out through logto-dev without a question, as Logto does, and lands on home, signed out', async () => {
    await page.goto(`${sample.baseUrl}/`);
    const visited = await navigationsDuring(page, async () => {
      await page.getByTestId('sign-out').click();
      // The sign-out carries a valid id_token_hint and a registered post_logout_redirect_uri:
      // logto-dev ends its session at once (no "Sign out of Demo app?").
      await page.waitForURL(`${sample.baseUrl}/`);
      await page.getByTestId('sign-in').waitFor();
    });
    expect(visited.some((url) => url.includes('/oidc/session/end'))).toBe(true);
    expect(await page.getByRole('button', { name: 'No, stay signed in' }).count()).toBe(0);
    await snap('home-signed-out-again');
  });

  it('asks for credentials at the next sign-in: the Logto session ended too', async () => {
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${sample.logtoDev.endpoint}/sign-in/**`);
    await page.locator('#password').waitFor();
    await snap('sign-in-asks-again');
    await page.goto(`${sample.baseUrl}/`);
  });

  it('answers /protected/no-redirect with 401 JSON when signed out', async () => {
    await expectNoRedirectAnswer(page, sample.baseUrl, false);
    await snap('no-redirect-signed-out');
  });

  it('shows the error on the logto-dev page after a wrong password, then signs in', async () => {
    await page.goto(`${sample.baseUrl}/protected/userinfo`);
    await page.waitForURL(`${sample.logtoDev.endpoint}/**`);
    await submitSignIn(page, 'alice', 'not-her-password');
    expect(await textOf(page.getByRole('alert'))).toBe('Wrong username or password.');
    await snap('wrong-password');

    await submitSignIn(page, 'alice', 'alice-password');
    // Back to the page that asked for sign-in (returnTo).
    await page.waitForURL(`${sample.baseUrl}/protected/userinfo`);
    expect(await shownJson(page, 'custom-data')).toEqual({ plan: 'pro' });
    await snap('back-to-userinfo');
  });
});

// A tenant without the sample's API resource, as a developer's new tenant is.
describe.sequential('the sample in Chromium, on a tenant without its API resource', () => {
  let lacking: SampleUnderTest;
  let tab: Page;

  beforeAll(async () => {
    lacking = await startSample((config) => {
      config.resources = [];
      config.roles = [];
      for (const user of config.users) delete user.roles;
      for (const role of config.organizationRoles) role.resourceScopes = [];
    });
    tab = await openTab(browser, 10_000);
  }, 60_000);

  afterAll(async () => {
    await tab?.context().close();
    await lacking?.stop();
  });

  it('still signs in (without the resource) and the resource page says what to create and how', async () => {
    await tab.goto(`${lacking.baseUrl}/sign-in`);
    // Logto refused the first sign-in (invalid_target); the sample started one without the API.
    await tab.waitForURL(`${lacking.logtoDev.endpoint}/sign-in/**`);
    await submitSignIn(tab, 'alice', 'alice-password');
    await tab.waitForURL(`${lacking.baseUrl}/protected/resource`);
    const card = tab.getByTestId('missing-resource');
    const text = await textOf(card);
    expect(text).toContain('no API resource https://api.example.com');
    expect(text).toContain('invalid_target');
    expect(await textOf(tab.locator('main'))).toContain('npm run setup:tenant');
    await tab.screenshot({ path: `${screenshots}missing-resource.png`, fullPage: true });

    // Signed in for everything else.
    await tab.goto(`${lacking.baseUrl}/protected`);
    expect(await textOf(tab.getByTestId('claims'))).toContain('user-alice');
  });
});
