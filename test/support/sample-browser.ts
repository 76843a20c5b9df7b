/**
 * What the browser tests of the samples (Express, Next.js) share: a visitor's tab, numbered
 * screenshots, reading what a page shows, logto-dev's sign-in form, and the quick-start checks
 * both samples pass the same way.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** A new visitor (own cookies) with one tab, waiting at most `timeout` ms for anything. */
export const openTab = async (browser: Browser, timeout: number): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return page;
};

/** Empties `directory` and returns a saver of numbered full-page screenshots into it. */
export const screenshotsIn = (directory: string) => {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  let step = 0;
  return async (page: Page, name: string): Promise<void> => {
    step += 1;
    const path = `${directory}${String(step).padStart(2, '0')}-${name}.png`;
    await page.screenshot({ path, fullPage: true });
  };
};

/** The trimmed text of the first element `locator` matches, once it is there. */
export const textOf = async (locator: Locator): Promise<string> => {
  await locator.first().waitFor();
  return ((await locator.first().textContent()) ?? '').trim();
};

/** The JSON shown in the `<pre>` inside the element with this test id. */
export const shownJson = async (page: Page, testId: string): Promise<Record<string, unknown>> => {
  const text = await page.getByTestId(testId).locator('pre').textContent();
  return JSON.parse(text ?? 'null') as Record<string, unknown>;
};

/** The page's body as JSON (a JSON answer shown by the browser). */
export const bodyJson = async (page: Page): Promise<unknown> =>
  JSON.parse((await page.locator('body').textContent()) ?? '');

/** Fills logto-dev's sign-in form and submits it. */
export const submitSignIn = async (page: Page, username: string, password: string) => {
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/** The URLs the tab navigated to while `action` ran. */
export const navigationsDuring = async (page: Page, action: () => Promise<void>) => {
  const visited: string[] = [];
  const onNavigation = (frame: { url(): string }) => visited.push(frame.url());
  page.on('framenavigated', onNavigation);
  try {
    await action();
  } finally {
    page.off('framenavigated', onNavigation);
  }
  return visited;
};

/** Home, signed out: a sign-in control and a link to each protected page. */
export const expectSignedOutHome = async (page: Page, baseUrl: string) => {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('sign-in').waitFor();
  for (const path of ['', '/userinfo', '/organizations', '/resource']) {
    expect(await page.locator(`main a[href="/protected${path}"]`).count()).toBe(1);
  }
};

/** Home after alice signed in: her name and email, and a sign-out control. */
export const expectAliceOnHome = async (page: Page, baseUrl: string) => {
  await page.waitForURL(`${baseUrl}/`);
  expect(await textOf(page.getByTestId('user-name'))).toBe('Alice Liddell');
  expect(await textOf(page.getByTestId('user-email'))).toBe('alice@example.com');
  await page.getByTestId('sign-out').waitFor();
};

/**
 * The organizations page lists acme and globex; acme's page shows its organization token, an
 * organization-scoped API token, and the example API's answer to it.
 */
export const expectAcmeOrganization = async (
  page: Page,
  baseUrl: string,
  snap: (name: string) => Promise<void>,
) => {
  await page.goto(`${baseUrl}/protected/organizations`);
  const list = page.getByTestId('organizations');
  expect(await textOf(list.locator('[data-organization="acme"]'))).toContain('Acme Inc.');
  expect(await textOf(list.locator('[data-organization="globex"]'))).toContain(
    'Globex Corporation',
  );
  await snap('protected-organizations');

  await list.locator('[data-organization="acme"] a').click();
  await page.waitForURL(`${baseUrl}/protected/organizations/acme`);
  const token = await shownJson(page, 'organization-token');
  expect(token.aud).toBe('urn:logto:organization:acme');
  expect(String(token.scope).split(' ')).toContain('read:members');
  expect(await shownJson(page, 'scoped-api-token')).toMatchObject({
    aud: 'https://api.example.com',
    organization_id: 'acme',
  });
  // The example API accepted the organization token for its members route.
  expect(await textOf(page.getByTestId('api-status'))).toBe('200');
  expect(await shownJson(page, 'api-result')).toMatchObject({
    organizationId: 'acme',
    user: 'user-alice',
  });
  await snap('protected-organization-acme');
};

/** The resource page shows alice's API resource token and the example API's answer to it. */
export const expectResourcePage = async (page: Page, baseUrl: string) => {
  await page.goto(`${baseUrl}/protected/resource`);
  const token = await shownJson(page, 'resource-token');
  expect(token).toMatchObject({ aud: 'https://api.example.com', sub: 'user-alice' });
  expect(String(token.scope).split(' ')).toContain('read:messages');
  expect(await textOf(page.getByTestId('api-status'))).toBe('200');
  const result = await shownJson(page, 'api-result');
  expect(result).toMatchObject({ user: 'user-alice', scope: 'read:messages' });
  expect(result.messages).toHaveLength(2);
};

/** `/protected/no-redirect` answers JSON: alice's `sub` when signed in, else 401. */
export const expectNoRedirectAnswer = async (page: Page, baseUrl: string, signedIn: boolean) => {
  const response = await page.goto(`${baseUrl}/protected/no-redirect`);
  expect(response?.status()).toBe(signedIn ? 200 : 401);
  if (signedIn) expect(await bodyJson(page)).toMatchObject({ sub: 'user-alice' });
  else expect(await bodyJson(page)).toEqual({ error: 'not_authenticated' });
};
