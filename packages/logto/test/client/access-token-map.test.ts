import { describe, expect, it } from 'vitest';
import {
  accessTokenKey,
  createAccessTokenEntry,
  evictLeastRecentlyUsed,
  expiryMargin,
  isAccessTokenFresh,
  parseAccessTokenMap,
  recordUse,
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
    expect(entry).toEqual({
      token: 't',
      scope: 'read',
      expiresAt: now / 1000 + 3540,
      usedAt: now / 1000,
    });
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

  describe('least recently used first', () => {
    const now = Date.UTC(2026, 0, 1);
    const at = (seconds: number) => now + seconds * 1000;
    const entry = (usedAt: number | undefined, lifetime = 3600) => ({
      token: 't',
      expiresAt: now / 1000 + lifetime,
      ...(usedAt === undefined ? {} : { usedAt: now / 1000 + usedAt }),
    });

    it('evicts an expired entry first, then the oldest use, then the earliest in the map', () => {
      const map = {
        a: entry(30),
        b: entry(10),
        c: entry(10),
        expired: entry(50, -1),
        legacy: entry(undefined),
      };
      const order: string[] = [];
      for (;;) {
        const before = Object.keys(map);
        if (!evictLeastRecentlyUsed(map, at(60))) break;
        order.push(...before.filter((key) => !(key in map)));
      }
      expect(order).toEqual(['expired', 'legacy', 'b', 'c', 'a']);
    });

    it('records a read only when it changes the order and the last record is a minute old', () => {
      const map = { a: entry(0), b: entry(0) };
      expect(recordUse(map, 'b', at(120))).toBe(false);
      expect(recordUse(map, 'a', at(59))).toBe(false);
      expect(recordUse(map, 'a', at(60))).toBe(true);
      expect(Object.keys(map)).toEqual(['b', 'a']);
      expect(map.a.usedAt).toBe(now / 1000 + 60);
      expect(recordUse(map, 'missing', at(600))).toBe(false);
      expect(evictLeastRecentlyUsed(map, at(61))).toBe(true);
      expect(Object.keys(map)).toEqual(['a']);
    });
  });
});
