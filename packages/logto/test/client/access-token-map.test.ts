import { describe, expect, it } from 'vitest';
import {
  accessTokenKey,
  createAccessTokenEntry,
  expiryMargin,
  isAccessTokenFresh,
  parseAccessTokenMap,
} from '../../src/client/access-token-map.js';

describe('access-token cache', () => {
  it('keys tokens by resource and organization, with "" for the userinfo token', () => {
    const keys = [
      accessTokenKey(),
      accessTokenKey('https://api.example.com'),
      accessTokenKey(undefined, 'acme'),
      accessTokenKey(undefined, 'globex'),
      accessTokenKey('https://api.example.com', 'acme'),
    ];
    expect(keys[0]).toBe('');
    expect(keys[1]).toBe('https://api.example.com');
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('expires entries a minute early, or a tenth of the lifetime for short-lived tokens', () => {
    expect(expiryMargin(3600)).toBe(60);
    expect(expiryMargin(120)).toBe(12);
    const now = Date.UTC(2026, 0, 1);
    const entry = createAccessTokenEntry('t', 3600, 'read', now);
    expect(entry).toEqual({ token: 't', scope: 'read', expiresAt: now / 1000 + 3540 });
    expect(isAccessTokenFresh(entry, now + 3539_000)).toBe(true);
    expect(isAccessTokenFresh(entry, now + 3540_000)).toBe(false);
  });

  it('does not cache a token without a lifetime beyond this moment', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(isAccessTokenFresh(createAccessTokenEntry('t', undefined, undefined, now), now)).toBe(
      false,
    );
  });

  it('reads a corrupt cache as empty and drops malformed entries', () => {
    expect(parseAccessTokenMap('{oops')).toEqual({});
    expect(parseAccessTokenMap('[1,2]')).toEqual({});
    expect(parseAccessTokenMap(null)).toEqual({});
    expect(
      parseAccessTokenMap(
        JSON.stringify({ good: { token: 'a', expiresAt: 1 }, bad: { token: 1, expiresAt: 'x' } }),
      ),
    ).toEqual({ good: { token: 'a', expiresAt: 1 } });
  });
});
