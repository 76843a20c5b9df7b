/**
 * Sign-in and sign-out doing what the user meant, in real Chromium: a sign-in that is started
 * and never finished signs nobody out, a HEAD starts nothing, a late copy of a callback does not
 * undo the sign-in that succeeded, `returnTo` keeps its query, and a session that Logto revoked is
 * signed out (a redirect to sign-in, never an error page).
 */
import { createCookieSessionStore } from 'logto-ts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test/support/chromium.js';
import { type SampleUnderTest, sessionSecret, startSample } from './harness.js';

let sample: SampleUnderTest;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  sample = await startSample();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sample?.stop();
});

beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
});

afterEach(async () => {
  await context?.close();
});

/** Fills logto-dev's sign-in form and submits it. */
const submitSignIn = async (target: Page, username = 'alice') => {
  await target.locator('#username').fill(username);
  await target.locator('#password').fill(`${username}-password`);
  await target.getByRole('button', { name: 'Sign in' }).click();
};

/** Signs in from the home page and waits to be back, signed in. */
const signIn = async () => {
  await page.goto(`${sample.baseUrl}/sign-in`);
  await submitSignIn(page);
  await page.waitForURL(`${sample.baseUrl}/`);
  await page.getByTestId('sign-out').waitFor();
};

/** The `Cookie` header Chromium sends to the sample. */
const cookieHeader = async () =>
  (await context.cookies(sample.baseUrl)).map(({ name, value }) => `${name}=${value}`).join('; ');

/**
 * Makes Logto forget this browser (its own session cookies), so that a sign-in shows its form
 * instead of coming straight back signed in.
 */
const forgetAtLogto = () =>
  context.clearCookies({ domain: new URL(sample.logtoDev.endpoint).hostname });

/** The ID token subject shown on /protected, or `undefined` when it sent us to sign in. */
const signedInAs = async (): Promise<string | undefined> => {
  await forgetAtLogto();
  await page.goto(`${sample.baseUrl}/protected`);
  if (!page.url().startsWith(`${sample.baseUrl}/protected`)) return undefined;
  const text = await page.getByTestId('claims').locator('pre').textContent();
  return (JSON.parse(text ?? '{}') as { sub?: string }).sub;
};

describe('sign-in and sign-out in Chromium', () => {
  it('a sign-in that is started and never finished (a cross-site link, a closed tab) keeps the user signed in', async () => {
    await signIn();
    // The browser follows a link to /sign-in, gets the pending sign-in cookie, and stops at
    // Logto's form.
    await forgetAtLogto();
    await page.goto(`${sample.baseUrl}/sign-in`);
    await page.locator('#username').waitFor();
    expect(await signedInAs()).toBe('user-alice');
  });

  it('HEAD /sign-in starts nothing and changes no cookie', async () => {
    await signIn();
    const before = await context.cookies();
    const status = await page.evaluate(
      async () => (await fetch('/sign-in', { method: 'HEAD', redirect: 'manual' })).status,
    );
    expect(status).toBe(404);
    expect(await context.cookies()).toEqual(before);
    expect(await signedInAs()).toBe('user-alice');
  });

  it('signedInAs() tells a signed-out browser (the check the other tests rely on)', async () => {
    expect(await signedInAs()).toBeUndefined();
    await signIn();
    expect(await signedInAs()).toBe('user-alice');
  });

  it('keeps the whole query of returnTo', async () => {
    await page.goto(`${sample.baseUrl}/sign-in?returnTo=/protected?tab=raw`);
    await submitSignIn(page);
    await page.waitForURL(`${sample.baseUrl}/protected?tab=raw`);
  });

  it('a concurrent copy of the callback, answered last, does not undo the sign-in that succeeded', async () => {
    await page.goto(`${sample.baseUrl}/`);
    let callbackUrl = '';
    page.on('request', (request) => {
      if (request.url().startsWith(`${sample.baseUrl}/callback?`)) callbackUrl = request.url();
    });
    await page.goto(`${sample.baseUrl}/sign-in`);
    // What a second tab's copy of the callback would carry: the pending sign-in's cookie.
    const pendingCookie = await cookieHeader();
    await submitSignIn(page);
    await page.waitForURL(`${sample.baseUrl}/`);
    await page.getByTestId('sign-out').waitFor();
    expect(callbackUrl).not.toBe('');

    // The copy's answer reaches the browser after the sign-in succeeded.
    const late = await context.newPage();
    await late.route(`${sample.baseUrl}/callback**`, async (route) => {
      const response = await fetch(callbackUrl, {
        headers: { cookie: pendingCookie },
        redirect: 'manual',
      });
      await route.fulfill({
        status: response.status,
        headers: headersWithCookies(response),
        body: await response.text(),
      });
    });
    const lateResponse = await late.goto(callbackUrl);
    expect(lateResponse?.status()).toBe(400);
    expect(await signedInAs()).toBe('user-alice');
  });

  it('a session whose refresh token Logto revoked is signed out: the userinfo page sends to sign-in, not to an error', async () => {
    await signIn();
    const session = await createCookieSessionStore({ secret: sessionSecret }).load(
      await cookieHeader(),
      { secure: false },
    );
    const refreshToken = (await session.getItem('refreshToken')) ?? '';
    expect(refreshToken).not.toBe('');
    const application = sample.logtoDev.config.applications[0];
    const revoked = await fetch(`${sample.logtoDev.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${application?.id}:${application?.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: refreshToken }).toString(),
    });
    expect(revoked.status).toBe(200);

    const visited: string[] = [];
    page.on('response', (response) => visited.push(`${response.status()} ${response.url()}`));
    await page.goto(`${sample.baseUrl}/protected/userinfo`);
    // Sent to sign in (Logto still knows the browser, so it may come straight back), never an
    // error page.
    if (page.url().startsWith(`${sample.logtoDev.endpoint}/`)) await submitSignIn(page);
    await page.waitForURL(`${sample.baseUrl}/protected/userinfo`);
    expect(visited[0]).toBe(`302 ${sample.baseUrl}/protected/userinfo`);
    expect(visited[1]).toMatch(/^302 .*\/sign-in\?returnTo=%2Fprotected%2Fuserinfo$/);
    expect(visited.filter((entry) => /^5\d\d /.test(entry))).toEqual([]);
    expect(await signedInAs()).toBe('user-alice');
  });
});

/** The response's headers as Playwright takes them, every Set-Cookie kept (joined by newlines). */
const headersWithCookies = (response: Response): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies.join('\n');
  return headers;
};
