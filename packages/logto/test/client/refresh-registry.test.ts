import { describe, expect, it } from 'vitest';
import { createAccessTokenEntry } from '../../src/client/access-token-map.js';
import {
  type GrantOutcome,
  RefreshRegistry,
  type RefreshRequest,
  type Rotation,
} from '../../src/client/refresh-registry.js';
import { LogtoError } from '../../src/errors.js';

/** A token endpoint in memory with strict rotation: each refresh token works once. */
const createRotatingProvider = () => {
  const spent = new Set<string>();
  const used: string[] = [];
  let counter = 0;
  const grant = async (refreshToken: string, key: string): Promise<GrantOutcome> => {
    used.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (spent.has(refreshToken)) {
      throw new LogtoError('token.invalid_grant', 'spent', { error: 'invalid_grant' });
    }
    spent.add(refreshToken);
    counter += 1;
    return {
      entry: createAccessTokenEntry(`at-${key}-${counter}`, 3600, undefined),
      refreshToken: `rt${counter}`,
      idToken: `id${counter}`,
    };
  };
  return { grant, used };
};

const request = (
  registry: RefreshRegistry,
  session: { refreshToken: string; adopted: Rotation[] },
  tokenKey: string,
  grant: (refreshToken: string, key: string) => Promise<GrantOutcome>,
): RefreshRequest => ({
  namespace: 'https://logto.test\u0000app',
  refreshToken: session.refreshToken,
  tokenKey,
  ticket: registry.ticket(),
  grant: (refreshToken) => grant(refreshToken, tokenKey),
  adopt: async (rotation) => {
    session.adopted.push(rotation);
    session.refreshToken = rotation.refreshToken;
  },
});

describe('refresh single-flight registry', () => {
  it('runs one grant for 50 concurrent callers of one token key and gives them all its token', async () => {
    const registry = new RefreshRegistry();
    const provider = createRotatingProvider();
    const sessions = Array.from({ length: 50 }, () => ({ refreshToken: 'rt0', adopted: [] }));
    const results = await Promise.all(
      sessions.map((session) => registry.run(request(registry, session, '', provider.grant))),
    );
    expect(provider.used).toEqual(['rt0']);
    expect(new Set(results.map((result) => result.entry.token))).toEqual(new Set(['at--1']));
    // Every caller that did not run the grant adopted the rotated refresh token.
    expect(sessions.filter((session) => session.refreshToken === 'rt1')).toHaveLength(49);
  });

  it('never spends a refresh token twice when callers want different resources', async () => {
    const registry = new RefreshRegistry();
    const provider = createRotatingProvider();
    const keys = ['https://a.example', 'https://b.example', '["","acme"]'];
    const sessions = keys.map(() => ({ refreshToken: 'rt0', adopted: [] as Rotation[] }));
    const results = await Promise.all(
      keys.map((key, index) =>
        registry.run(request(registry, sessions[index]!, key, provider.grant)),
      ),
    );
    expect(provider.used).toEqual(['rt0', 'rt1', 'rt2']);
    expect(results.map((result) => result.entry.token)).toEqual([
      'at-https://a.example-1',
      'at-https://b.example-2',
      'at-["","acme"]-3',
    ]);
  });

  it('makes a late caller holding a rotated refresh token adopt the new one and its ID token', async () => {
    const registry = new RefreshRegistry();
    const provider = createRotatingProvider();
    await registry.run(
      request(registry, { refreshToken: 'rt0', adopted: [] }, 'https://a.example', provider.grant),
    );
    const late = { refreshToken: 'rt0', adopted: [] as Rotation[] };
    const result = await registry.run(request(registry, late, 'https://a.example', provider.grant));
    // The late caller did not share the earlier result (it started after it) but did not spend rt0.
    expect(provider.used).toEqual(['rt0', 'rt1']);
    expect(late.adopted).toEqual([{ refreshToken: 'rt1', idToken: 'id1' }]);
    expect(result.refreshToken).toBe('rt2');
  });

  it('shares an invalid_grant with the callers that were waiting on the same refresh token', async () => {
    const registry = new RefreshRegistry();
    let calls = 0;
    const failing = async (): Promise<GrantOutcome> => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new LogtoError('token.invalid_grant', 'revoked', { error: 'invalid_grant' });
    };
    const outcomes = await Promise.allSettled(
      ['', 'https://a.example', 'https://b.example'].map((key) =>
        registry.run(request(registry, { refreshToken: 'dead', adopted: [] }, key, failing)),
      ),
    );
    expect(calls).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason.code).toBe('token.invalid_grant');
    }
  });

  it('does not fail another resource because one resource was refused', async () => {
    const registry = new RefreshRegistry();
    const grant = async (_refreshToken: string, key: string): Promise<GrantOutcome> => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (key === 'https://unknown.example') {
        throw new LogtoError('token.invalid_target', 'unknown resource', {
          error: 'invalid_target',
        });
      }
      return { entry: createAccessTokenEntry(`at-${key}`, 3600, undefined) };
    };
    const session = { refreshToken: 'rt0', adopted: [] };
    const [refused, granted] = await Promise.allSettled([
      registry.run(request(registry, session, 'https://unknown.example', grant)),
      registry.run(request(registry, session, 'https://a.example', grant)),
    ]);
    expect(refused.status === 'rejected' && refused.reason.code).toBe('token.invalid_target');
    expect(granted.status === 'fulfilled' && granted.value.entry.token).toBe(
      'at-https://a.example',
    );
  });

  it('keeps different applications apart even with the same refresh token', async () => {
    const registry = new RefreshRegistry();
    const appA = createRotatingProvider();
    const appB = createRotatingProvider();
    const first = request(registry, { refreshToken: 'rt0', adopted: [] }, '', appA.grant);
    const second = {
      ...request(registry, { refreshToken: 'rt0', adopted: [] }, '', appB.grant),
      namespace: 'https://other.test\u0000app',
    };
    const [a, b] = await Promise.all([registry.run(first), registry.run(second)]);
    expect(appA.used).toEqual(['rt0']);
    expect(appB.used).toEqual(['rt0']);
    expect([a.refreshToken, b.refreshToken]).toEqual(['rt1', 'rt1']);
  });
});
