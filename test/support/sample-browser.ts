/**
 * What the browser tests of the samples (Express, Next.js) share: a visitor's tab on a sample,
 * numbered screenshots, reading what a page shows, logto-dev's sign-in form, and the quick-start
 * checks both samples pass the same way.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './chromium.js';

/** Saves a numbered full-page screenshot of `page`. */
export type Screenshots = (page: Page, name: string) => Promise<void>;

/** Empties `directory` and returns a saver of numbered full-page screenshots into it. */
export const screenshotsIn = (directory: string): Screenshots => {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  let step = 0;
  return async (page, name) => {
    step += 1;
    const path = `${directory}${String(step).padStart(2, '0')}-${name}.png`;
    await page.screenshot({ path, fullPage: true });
  };
};

const newTab = async (browser: Browser, timeout: number) => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return page;
};

/** The trimmed text of the first element `locator` matches, once it is there. */
export const textOf = async (locator: Locator): Promise<string> => {
  await locator.first().waitFor();
  return ((await locator.first().textContent()) ?? '').trim();
};

/** One visitor (own cookies) in one tab of a headless Chromium, on the sample at `baseUrl`. */
export class SampleTab {
  private constructor(
    readonly page: Page,
    readonly baseUrl: string,
    private readonly screenshots: Screenshots,
    private readonly timeout: number,
    /** The browser, when this tab launched it (and {@link SampleTab.close} stops it). */
    private readonly launched?: Browser,
  ) {}

  /** Starts Chromium with one tab; it waits at most `timeout` ms for anything. */
  static async launch(baseUrl: string, screenshots: Screenshots, timeout: number) {
    const browser = await launchChromium();
    const page = await newTab(browser, timeout);
    return new SampleTab(page, baseUrl, screenshots, timeout, browser);
  }

  /** Another visitor, in the same Chromium, on the sample at `baseUrl`. */
  async visitor(baseUrl: string): Promise<SampleTab> {
    const browser = this.page.context().browser();
    if (!browser) throw new Error('the tab has no browser');
    const page = await newTab(browser, this.timeout);
    return new SampleTab(page, baseUrl, this.screenshots, this.timeout);
  }

  /** Closes this visitor, or Chromium for the tab that launched it. */
  async close(): Promise<void> {
    if (this.launched) await this.launched.close();
    else await this.page.context().close();
  }

  /** Goes to `path` of the sample. */
  goto(path: string) {
    return this.page.goto(`${this.baseUrl}${path}`);
  }

  /** Saves a numbered full-page screenshot. */
  snap(name: string): Promise<void> {
    return this.screenshots(this.page, name);
  }

  /** The JSON shown in the `<pre>` inside the element with this test id. */
  async shownJson(testId: string): Promise<Record<string, unknown>> {
    const text = await this.page.getByTestId(testId).locator('pre').textContent();
    return JSON.parse(text ?? 'null') as Record<string, unknown>;
  }

  /** Fills logto-dev's sign-in form and submits it. */
  async submitSignIn(username: string, password: string): Promise<void> {
    await this.page.locator('#username').fill(username);
    await this.page.locator('#password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The URLs the tab navigated to while `action` ran. */
  async navigationsDuring(action: () => Promise<void>): Promise<string[]> {
    const visited: string[] = [];
    const onNavigation = (frame: { url(): string }) => visited.push(frame.url());
    this.page.on('framenavigated', onNavigation);
    try {
      await action();
    } finally {
      this.page.off('framenavigated', onNavigation);
    }
    return visited;
  }

  /** Home, signed out: a sign-in control and a link to each protected page. */
  async expectSignedOutHome(): Promise<void> {
    await this.goto('/');
    await this.page.getByTestId('sign-in').waitFor();
    for (const path of ['', '/userinfo', '/organizations', '/resource']) {
      expect(await this.page.locator(`main a[href="/protected${path}"]`).count()).toBe(1);
    }
    await this.snap('home-signed-out');
  }

  /** Clicks the sign-in control and waits for logto-dev's sign-in form at `endpoint`. */
  async openSignIn(endpoint: string): Promise<void> {
    await this.page.getByTestId('sign-in').click();
    await this.page.waitForURL(`${endpoint}/sign-in/**`);
    await this.page.locator('#password').waitFor();
  }

  /** Signs alice in on logto-dev's page (open in the tab) and lands on `path`. */
  async signInAsAlice(path: string): Promise<void> {
    await this.submitSignIn('alice', 'alice-password');
    await this.page.waitForURL(`${this.baseUrl}${path}`);
  }

  /** Home after alice signed in: her name and email, and a sign-out control. */
  async expectAliceOnHome(): Promise<void> {
    expect(await textOf(this.page.getByTestId('user-name'))).toBe('Alice Liddell');
    expect(await textOf(this.page.getByTestId('user-email'))).toBe('alice@example.com');
    await this.page.getByTestId('sign-out').waitFor();
    await this.snap('home-signed-in');
  }

  /** `/protected` shows alice's ID token claims (`claims`, and none of userinfo's). */
  async expectIdTokenClaims(claims: Record<string, unknown>): Promise<void> {
    await this.goto('/protected');
    const shown = await this.shownJson('claims');
    expect(shown).toMatchObject({
      sub: 'user-alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      organizations: expect.arrayContaining(['acme', 'globex']),
      aud: 'demo-app',
      ...claims,
    });
    expect(shown).not.toHaveProperty('custom_data');
    await this.snap('protected-id-token');
  }

  /** `/protected/userinfo` shows alice's custom data and identities. */
  async expectUserInfo(): Promise<void> {
    await this.goto('/protected/userinfo');
    expect(await this.shownJson('custom-data')).toEqual({ plan: 'pro' });
    expect(await this.shownJson('claims')).toMatchObject({
      sub: 'user-alice',
      custom_data: { plan: 'pro' },
      identities: { github: { userId: 'alice-gh-1865' } },
    });
    await this.snap('protected-userinfo');
  }

  /**
   * The organizations page lists acme and globex; acme's page shows its organization token, an
   * organization-scoped API token, and the example API's answer to it.
   */
  async expectAcmeOrganization(): Promise<void> {
    await this.goto('/protected/organizations');
    const list = this.page.getByTestId('organizations');
    expect(await textOf(list.locator('[data-organization="acme"]'))).toContain('Acme Inc.');
    expect(await textOf(list.locator('[data-organization="globex"]'))).toContain(
      'Globex Corporation',
    );
    await this.snap('protected-organizations');

    await list.locator('[data-organization="acme"] a').click();
    await this.page.waitForURL(`${this.baseUrl}/protected/organizations/acme`);
    const token = await this.shownJson('organization-token');
    expect(token.aud).toBe('urn:logto:organization:acme');
    expect(String(token.scope).split(' ')).toContain('read:members');
    expect(await this.shownJson('scoped-api-token')).toMatchObject({
      aud: 'https://api.example.com',
      organization_id: 'acme',
    });
    // The example API accepted the organization token for its members route.
    expect(await textOf(this.page.getByTestId('api-status'))).toBe('200');
    expect(await this.shownJson('api-result')).toMatchObject({
      organizationId: 'acme',
      user: 'user-alice',
    });
    await this.snap('protected-organization-acme');
  }

  /** `/protected/resource` shows alice's API resource token and the example API's answer. */
  async expectResourcePage(): Promise<void> {
    await this.goto('/protected/resource');
    const token = await this.shownJson('resource-token');
    expect(token).toMatchObject({ aud: 'https://api.example.com', sub: 'user-alice' });
    expect(String(token.scope).split(' ')).toContain('read:messages');
    expect(await textOf(this.page.getByTestId('api-status'))).toBe('200');
    const result = await this.shownJson('api-result');
    expect(result).toMatchObject({ user: 'user-alice', scope: 'read:messages' });
    expect(result.messages).toHaveLength(2);
    await this.snap('protected-resource');
  }

  /** `/protected/no-redirect` answers JSON: alice's `sub` when signed in, else 401. */
  async expectNoRedirectAnswer(signedIn: boolean): Promise<void> {
    const response = await this.goto('/protected/no-redirect');
    expect(response?.status()).toBe(signedIn ? 200 : 401);
    const body = JSON.parse((await this.page.locator('body').textContent()) ?? '');
    if (signedIn) expect(body).toMatchObject({ sub: 'user-alice' });
    else expect(body).toEqual({ error: 'not_authenticated' });
  }
}
