/**
 * The Next.js sample in a real browser (Debian's Chromium, driven by playwright-core): sign in
 * through a Server Action on logto-dev's page, every page (Server Components), the client
 * component's route handler, an organization token, sign-out. `next build` runs once per run,
 * and not at all when its inputs did not change (scripts/build.mjs). Screenshots of every step go
 * to test-output/browser-next/.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port.js';
import { SampleTab, screenshotsIn, textOf } from '../../../test/support/sample-browser.js';
import { buildNextSample } from '../scripts/build.mjs';
import { type RunningNextSample, startNextSample } from '../scripts/serve.mjs';

const screenshots = screenshotsIn(
  fileURLToPath(new URL('../../../test-output/browser-next/', import.meta.url)),
);

let sample: RunningNextSample;
let endpoint: string;
let tab: SampleTab;

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
  tab = await SampleTab.launch(sample.baseUrl, screenshots, 15_000);
}, 600_000);

afterAll(async () => {
  await tab?.close();
  await sample?.stop();
});

describe.sequential('the Next.js sample in Chromium', () => {
  it('shows a signed-out home page with a sign-in button and the protected pages', async () => {
    await tab.expectSignedOutHome();
  });

  it('signs in as alice through the Server Action and lands back on home, signed in', async () => {
    await tab.openSignIn(endpoint);
    await tab.signInAsAlice('/');
    await tab.expectAliceOnHome();
  });

  it('shows the signed-in user in a client component, through a route handler', async () => {
    const user = tab.page.getByTestId('client-user');
    await tab.page.locator('[data-testid="client-user"][data-state="signed-in"]').waitFor();
    expect(await textOf(user)).toContain('Alice Liddell');
  });

  it('shows the ID token claims on /protected', async () => {
    await tab.expectIdTokenClaims({ iss: `${endpoint}/oidc` });
  });

  it('shows userinfo with custom_data and identities on /protected/userinfo', async () => {
    await tab.expectUserInfo();
  });

  it('lists the organizations, and shows an organization token and an organization-scoped API token', async () => {
    await tab.expectAcmeOrganization();
  });

  it('shows the API resource token and the answer of the example API', async () => {
    await tab.expectResourcePage();
  });

  it('shows the error code for an organization alice is not in, and she stays signed in', async () => {
    await tab.goto('/protected/organizations/initech');
    expect(await textOf(tab.page.getByTestId('error-code'))).toBe('token.access_denied');
    await tab.page.getByTestId('nav-sign-out').waitFor();
    await tab.snap('error-not-a-member');
  });

  it('answers /protected/no-redirect with JSON when signed in', async () => {
    await tab.expectNoRedirectAnswer(true);
  });

  it('signs out through the Server Action and logto-dev, and lands on home, signed out', async () => {
    await tab.goto('/');
    const visited = await tab.navigationsDuring(async () => {
      await tab.page.getByTestId('sign-out').click();
      // A valid id_token_hint: logto-dev ends its session without a question, as Logto does.
      await tab.page.getByTestId('sign-in').waitFor();
      await tab.page.waitForURL(`${sample.baseUrl}/`);
    });
    expect(visited.some((url) => url.startsWith(`${endpoint}/oidc/session/end`))).toBe(true);
    await tab.snap('home-signed-out-again');
  });

  it('answers /protected/no-redirect with 401 JSON when signed out', async () => {
    await tab.expectNoRedirectAnswer(false);
  });

  it('sends a signed-out visitor of a page to sign in, and back to that page afterwards', async () => {
    await tab.goto('/protected/userinfo');
    await tab.page.waitForURL(`${endpoint}/**`);
    await tab.signInAsAlice('/protected/userinfo');
    expect(await tab.shownJson('custom-data')).toEqual({ plan: 'pro' });
    await tab.snap('back-to-userinfo');
  });
});
