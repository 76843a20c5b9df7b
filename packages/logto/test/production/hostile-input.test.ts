/**
 * Hostile input, property-based: whatever an attacker (or a confused caller) hands the SDK —
 * callback URLs, configuration objects, `postRedirectUri` values — the only thing that may be
 * thrown is a `LogtoError`, and no accepted redirect target leaves the app's origin.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogtoCore } from '../../src/adapters/core/index.js';
import { LogtoClient, LogtoError, MemoryStorage } from '../../src/index.js';
import { type HostileProvider, startHostileProvider } from '../support/hostile-provider.js';
import { hostileUrlText, originOf, redirectTargets } from './arbitraries.js';

const appOrigin = 'http://127.0.0.1:3000';
const redirectUri = `${appOrigin}/callback`;

let provider: HostileProvider;

beforeAll(async () => {
  provider = await startHostileProvider({ clientId: 'hostile-app' });
});

afterAll(async () => {
  await provider.close();
});

const config = () => ({ endpoint: provider.endpoint, appId: 'hostile-app', appSecret: 'secret' });

/** Runs `task`; a thrown value that is not a `LogtoError` fails the property. */
const onlyLogtoErrors = async (task: () => Promise<unknown>): Promise<unknown> => {
  try {
    return await task();
  } catch (error) {
    if (!(error instanceof LogtoError)) {
      throw new Error(`threw a non-LogtoError: ${String(error)}`, { cause: error });
    }
    return error;
  }
};

/** Query parameters that matter to the callback, with repeats, huge values and unicode. */
const callbackParameter = fc.tuple(
  fc.constantFrom('code', 'state', 'iss', 'error', 'error_description', 'session_state', 'x'),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constant('a'.repeat(70_000)),
    fc.constantFrom('', '%', '%zz', '\u0000', '\ud800', '😀'.repeat(50)),
  ),
);

/** Percent-encodes `value`; a lone surrogate (which encodeURIComponent refuses) stays raw. */
const encodeLoosely = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
};

/** The state placeholder a generated callback URL may carry; replaced by the real state. */
const statePlaceholder = '__STATE__';

/** Callback URLs: free text, or near-misses of the real callback (origin, path, repeated parameters). */
const callbackUrl = fc.oneof(
  hostileUrlText,
  fc
    .record({
      origin: fc.constantFrom(appOrigin, 'http://localhost:3000', 'https://evil.example', ''),
      path: fc.constantFrom('/callback', '/callback/', '/CALLBACK', '/other', '/callback%2f', ''),
      parameters: fc.array(callbackParameter, { maxLength: 8 }),
      withState: fc.boolean(),
      encode: fc.boolean(),
    })
    .map(({ origin, path, parameters, withState, encode }) => {
      const pairs = [...parameters];
      if (withState) pairs.push(['state', statePlaceholder]);
      const query = pairs
        .map(([key, value]) => (encode ? `${key}=${encodeLoosely(value)}` : `${key}=${value}`))
        .join('&');
      return `${origin}${path}?${query}`;
    }),
);

describe('hostile callback URLs', () => {
  it('with no pending sign-in, every callback URL fails with a LogtoError and nothing is stored', async () => {
    await fc.assert(
      fc.asyncProperty(callbackUrl, async (url) => {
        const storage = new MemoryStorage();
        const client = new LogtoClient(config(), { storage });
        const outcome = await onlyLogtoErrors(() => client.handleSignInCallback(url));
        expect(outcome).toBeInstanceOf(LogtoError);
        expect(['callback.invalid_url', 'sign_in_session.not_found']).toContain(
          (outcome as LogtoError).code,
        );
        expect(await storage.getItem('idToken')).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('with a pending sign-in, a callback URL either signs in (the real state and code) or fails with a LogtoError', async () => {
    await fc.assert(
      fc.asyncProperty(callbackUrl, async (template) => {
        const storage = new MemoryStorage();
        const client = new LogtoClient(config(), { storage });
        const authorizationUrl = await client.signIn({ redirectUri });
        const state = new URL(authorizationUrl).searchParams.get('state') ?? '';
        const url = template.replaceAll(statePlaceholder, state);
        const outcome = await onlyLogtoErrors(() => client.handleSignInCallback(url));
        if (outcome instanceof LogtoError) {
          // A failed callback never leaves tokens behind.
          expect(await storage.getItem('idToken')).toBeNull();
        } else {
          expect(await client.isAuthenticated()).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('hostile configuration', () => {
  const fields = fc.record(
    {
      endpoint: fc.oneof(
        fc.constantFrom(
          'https://tenant.logto.app',
          'http://127.0.0.1:3001',
          'http://evil.example',
          'javascript:alert(1)',
          'https://tenant.logto.app/oidc?x=1#y',
          '',
        ),
        fc.anything(),
      ),
      appId: fc.oneof(fc.string(), fc.anything()),
      appSecret: fc.oneof(fc.string(), fc.anything()),
      scopes: fc.oneof(fc.array(fc.string()), fc.anything()),
      resources: fc.oneof(fc.array(fc.webUrl()), fc.array(fc.string()), fc.anything()),
      prompt: fc.oneof(
        fc.constantFrom('login', 'consent', 'none', ['login', 'consent']),
        fc.anything(),
      ),
      includeReservedScopes: fc.anything(),
      clockTolerance: fc.oneof(fc.double(), fc.anything()),
      timeout: fc.oneof(fc.double(), fc.integer(), fc.anything()),
      clientAuth: fc.oneof(
        fc.constantFrom('client_secret_basic', 'client_secret_post', 'none'),
        fc.anything(),
      ),
      allowInsecureEndpoint: fc.anything(),
    },
    { requiredKeys: [] },
  );

  it('new LogtoClient accepts a config or throws LogtoError config.invalid, for any shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fields, fc.anything(), fc.object()),
        fc.oneof(fc.constant({ storage: new MemoryStorage() }), fc.anything()),
        async (candidate, options) => {
          const outcome = await onlyLogtoErrors(
            async () =>
              // biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
              new LogtoClient(candidate as any, options as any),
          );
          if (outcome instanceof LogtoError) expect(outcome.code).toBe('config.invalid');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('hostile adapter options', () => {
  it('createLogtoCore accepts options or throws LogtoError config.invalid, for any shape', async () => {
    const options = fc.record(
      {
        endpoint: fc.oneof(fc.constant('http://127.0.0.1:3001'), fc.anything()),
        appId: fc.oneof(fc.constant('app'), fc.anything()),
        baseUrl: fc.oneof(
          fc.constantFrom('http://127.0.0.1:3000', 'https://app.example/path', 'javascript:x', ''),
          fc.webUrl(),
          fc.anything(),
        ),
        secret: fc.oneof(fc.constant('s'.repeat(32)), fc.array(fc.string()), fc.anything()),
        session: fc.anything(),
        routes: fc.oneof(
          fc.record({ signIn: fc.oneof(fc.string(), fc.constant(false)) }, { requiredKeys: [] }),
          fc.anything(),
        ),
        signInOptions: fc.anything(),
        logger: fc.anything(),
        fetch: fc.anything(),
        logoutTokenMaxAge: fc.oneof(fc.double(), fc.anything()),
        config: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(options, fc.anything()), async (candidate) => {
        const outcome = await onlyLogtoErrors(async () =>
          // biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
          createLogtoCore(candidate as any),
        );
        if (outcome instanceof LogtoError) expect(outcome.code).toBe('config.invalid');
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile postRedirectUri', () => {
  it('signIn accepts only postRedirectUri values that stay on the app origin, else sign_in.invalid_options', async () => {
    const storage = new MemoryStorage();
    const client = new LogtoClient(config(), { storage });
    await fc.assert(
      fc.asyncProperty(redirectTargets, async (target) => {
        const outcome = await onlyLogtoErrors(() =>
          client.signIn({ redirectUri, postRedirectUri: target }),
        );
        if (outcome instanceof LogtoError) {
          expect(outcome.code).toBe('sign_in.invalid_options');
          return;
        }
        const session = JSON.parse((await storage.getItem('signInSession')) ?? '{}') as {
          postRedirectUri?: string;
        };
        expect(originOf(String(session.postRedirectUri), redirectUri)).toBe(appOrigin);
      }),
      { numRuns: 500 },
    );
  });

  it('an accepted postRedirectUri comes back from the callback as a same-origin target', async () => {
    await fc.assert(
      fc.asyncProperty(redirectTargets, async (target) => {
        const client = new LogtoClient(config(), { storage: new MemoryStorage() });
        const accepted = await onlyLogtoErrors(() =>
          client.signIn({ redirectUri, postRedirectUri: target }),
        );
        if (accepted instanceof LogtoError) return;
        const authorization = await fetch(String(accepted), { redirect: 'manual' });
        const callback = authorization.headers.get('location') ?? '';
        const { postRedirectUri } = await client.handleSignInCallback(callback);
        expect(postRedirectUri).toBeDefined();
        // Where a browser would go with this as a Location header on the app's callback.
        expect(originOf(String(postRedirectUri), redirectUri)).toBe(appOrigin);
      }),
      { numRuns: 150 },
    );
  });
});
