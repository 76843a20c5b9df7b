/**
 * The quick-start's checkpoint in a real browser (Debian's Chromium, driven by playwright-core):
 * sign in on logto-dev's page, look at every protected page, fail a password, sign out.
 * Screenshots of every step go to test-output/browser/.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleTab, screenshotsIn, textOf } from '../../../test/support/sample-browser.js';
import { type SampleUnderTest, startSample } from './harness.js';

const screenshots = screenshotsIn(
  fileURLToPath(new URL('../../../test-output/browser/', import.meta.url)),
);

let sample: SampleUnderTest;
let tab: SampleTab;

beforeAll(async () => {
  sample = await startSample();
  tab = await SampleTab.launch(sample.baseUrl, screenshots, 10_000);
}, 60_000);

afterAll(async () => {
  await tab?.close();
  await sample?.stop();
});

// One visitor's session, in order: each step starts where the previous one ended.
describe.sequential('the sample app in Chromium', () => {
  it('shows a signed-out home page with a sign-in link and the protected pages', async () => {
    await tab.expectSignedOutHome();
  });

  it('signs in as alice on the logto-dev page and lands back on home, signed in', async () => {
    await tab.openSignIn(sample.logtoDev.endpoint);
    await tab.snap('logto-dev-sign-in');

    await tab.signInAsAlice('/');
    await tab.expectAliceOnHome();
  });

  it('shows the ID token claims on /protected', async () => {
    await tab.expectIdTokenClaims({
      phone_number: '+15555550100',
      iss: `${sample.logtoDev.endpoint}/oidc`,
    });
  });

  it('shows userinfo with custom_data and identities on /protected/userinfo', async () => {
    await tab.expectUserInfo();
  });

  it('lists the organizations acme and globex, each linking to its organization token', async () => {
    await tab.expectAcmeOrganization();
  });

  it('shows the API resource token and the result of calling the example API', async () => {
    await tab.expectResourcePage();
  });

  it('shows an error page with the code and what to do for an organization alice is not in', async () => {
    const response = await tab.goto('/protected/organizations/initech');
    expect(response?.status()).toBe(403);
    expect(await textOf(tab.page.getByTestId('error-code'))).toBe('token.access_denied');
    expect(await textOf(tab.page.locator('main'))).toContain('What to do');
    await tab.snap('error-not-a-member');
  });

  it('answers /protected/no-redirect with JSON when signed in', async () => {
    await tab.expectNoRedirectAnswer(true);
    await tab.snap('no-redirect-signed-in');
  });

  it('signs out through logto-dev without a question, as Logto does, and lands on home, signed out', async () => {
    await tab.goto('/');
    const visited = await tab.navigationsDuring(async () => {
      await tab.page.getByTestId('sign-out').click();
      // The sign-out carries a valid id_token_hint and a registered post_logout_redirect_uri:
      // logto-dev ends its session at once (no "Sign out of Demo app?").
      await tab.page.waitForURL(`${sample.baseUrl}/`);
      await tab.page.getByTestId('sign-in').waitFor();
    });
    expect(visited.some((url) => url.includes('/oidc/session/end'))).toBe(true);
    expect(await tab.page.getByRole('button', { name: 'No, stay signed in' }).count()).toBe(0);
    await tab.snap('home-signed-out-again');
  });

  it('asks for credentials at the next sign-in: the Logto session ended too', async () => {
    await tab.openSignIn(sample.logtoDev.endpoint);
    await tab.snap('sign-in-asks-again');
    await tab.goto('/');
  });

  it('answers /protected/no-redirect with 401 JSON when signed out', async () => {
    await tab.expectNoRedirectAnswer(false);
    await tab.snap('no-redirect-signed-out');
  });

  it('shows the error on the logto-dev page after a wrong password, then signs in', async () => {
    await tab.goto('/protected/userinfo');
    await tab.page.waitForURL(`${sample.logtoDev.endpoint}/**`);
    await tab.submitSignIn('alice', 'not-her-password');
    expect(await textOf(tab.page.getByRole('alert'))).toBe('Wrong username or password.');
    await tab.snap('wrong-password');

    // Back to the page that asked for sign-in (returnTo).
    await tab.signInAsAlice('/protected/userinfo');
    expect(await tab.shownJson('custom-data')).toEqual({ plan: 'pro' });
    await tab.snap('back-to-userinfo');
  });
});

// A tenant without the sample's API resource, as a developer's new tenant is.
describe.sequential('the sample in Chromium, on a tenant without its API resource', () => {
  let lacking: SampleUnderTest;
  let visitor: SampleTab;

  beforeAll(async () => {
    lacking = await startSample((config) => {
      config.resources = [];
      config.roles = [];
      for (const user of config.users) delete user.roles;
      for (const role of config.organizationRoles) role.resourceScopes = [];
    });
    visitor = await tab.visitor(lacking.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await visitor?.close();
    await lacking?.stop();
  });

  it('still signs in (without the resource) and the resource page says what to create and how', async () => {
    await visitor.goto('/sign-in');
    // Logto refused the first sign-in (invalid_target); the sample started one without the API.
    await visitor.page.waitForURL(`${lacking.logtoDev.endpoint}/sign-in/**`);
    await visitor.signInAsAlice('/protected/resource');
    const text = await textOf(visitor.page.getByTestId('missing-resource'));
    expect(text).toContain('no API resource https://api.example.com');
    expect(text).toContain('invalid_target');
    expect(await textOf(visitor.page.locator('main'))).toContain('npm run setup:tenant');
    await visitor.snap('missing-resource');

    // Signed in for everything else.
    await visitor.goto('/protected');
    expect(await textOf(visitor.page.getByTestId('claims'))).toContain('user-alice');
  });
});
