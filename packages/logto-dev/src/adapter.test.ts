import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryAdapter } from './adapter.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('memory adapter', () => {
  it('forgets an entry once its lifetime has passed', async () => {
    vi.useFakeTimers({ now: 0 });
    const Adapter = createMemoryAdapter({ markRefreshTokensConsumed: true });
    const sessions = new Adapter('Session');
    await sessions.upsert('s1', { uid: 'u1' }, 10);
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1' });
    vi.setSystemTime(10_000);
    expect(await sessions.find('s1')).toBeUndefined();
  });

  it('keeps models apart and revokes everything of a grant', async () => {
    const Adapter = createMemoryAdapter({ markRefreshTokensConsumed: true });
    const refreshTokens = new Adapter('RefreshToken');
    const accessTokens = new Adapter('AccessToken');
    await refreshTokens.upsert('t', { grantId: 'g1' }, 60);
    await accessTokens.upsert('t', { grantId: 'g1' }, 60);
    await accessTokens.upsert('other', { grantId: 'g2' }, 60);
    await refreshTokens.revokeByGrantId('g1');
    expect(await refreshTokens.find('t')).toBeUndefined();
    expect(await accessTokens.find('t')).toBeUndefined();
    expect(await accessTokens.find('other')).toEqual({ grantId: 'g2' });
  });

  it("marks a consumed refresh token, unless rotation is 'always'", async () => {
    const strict = new (createMemoryAdapter({ markRefreshTokensConsumed: true }))('RefreshToken');
    await strict.upsert('t', {}, 60);
    await strict.consume('t');
    expect((await strict.find('t'))?.consumed).toBeTypeOf('number');

    const lenient = new (createMemoryAdapter({ markRefreshTokensConsumed: false }))('RefreshToken');
    await lenient.upsert('t', {}, 60);
    await lenient.consume('t');
    expect(await lenient.find('t')).not.toHaveProperty('consumed');
  });
});
