import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessTokenClaims } from '../tokens/claims.js';
import { deepFreeze, type VerifiedToken, VerifiedTokenCache } from './token-cache.js';

const entry = (sub: string, expiresAt: number): VerifiedToken => ({
  claims: deepFreeze({
    iss: 'i',
    sub,
    aud: 'a',
    exp: expiresAt / 1000,
    iat: 0,
  } as AccessTokenClaims),
  scopes: new Set(),
  expiresAt,
});

describe('VerifiedTokenCache', () => {
  it('serves an entry before its expiry and never at or after it', () => {
    const cache = new VerifiedTokenCache(10);
    const held = entry('a', 10_000);
    cache.set('t', held, 0);
    expect(cache.get('t', 9_999)).toBe(held);
    expect(cache.get('t', 10_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep an entry that has already expired', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t', entry('a', 1_000), 1_000);
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with size 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('t', entry('a', 1_000), 0);
    expect(cache.get('t', 0)).toBeUndefined();
  });

  it('deep-freezes claims', () => {
    const frozen = deepFreeze({ aud: ['a', 'b'], nested: { x: 1 } });
    expect(Object.isFrozen(frozen.aud)).toBe(true);
    expect(Object.isFrozen(frozen.nested)).toBe(true);
  });

  it('behaves like a model LRU: exact keys, bounded size, expiry on every read, expired oldest swept (property)', () => {
    const key = fc.constantFrom('t1', 't1x', 't2', 't', 'T1', 't1 ', 't3', 't4');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, ttl: fc.integer({ min: -5, max: 50 }) }),
      fc.record({ kind: fc.constant('get' as const), key }),
      fc.record({ kind: fc.constant('tick' as const), by: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (size, ops) => {
        const cache = new VerifiedTokenCache(size);
        const model = new Map<string, VerifiedToken>();
        let now = 0;
        for (const step of ops) {
          if (step.kind === 'tick') {
            now += step.by;
          } else if (step.kind === 'set') {
            const value = entry(step.key, now + step.ttl);
            cache.set(step.key, value, now);
            if (now < value.expiresAt) {
              model.delete(step.key);
              model.set(step.key, value);
              for (const [oldest, held] of model) {
                if (model.size <= size && now < held.expiresAt) break;
                model.delete(oldest);
              }
            }
          } else {
            const expected = model.get(step.key);
            model.delete(step.key);
            const fresh = expected !== undefined && now < expected.expiresAt;
            if (fresh) model.set(step.key, expected);
            const got = cache.get(step.key, now);
            expect(got).toBe(fresh ? expected : undefined);
            if (got) expect(got.claims.sub).toBe(step.key);
          }
          expect(cache.size).toBeLessThanOrEqual(size);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('VerifiedTokenCache sweeping', () => {
  it('drops expired entries from the old end when a token is added', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('old-1', entry('a', 100), 0);
    cache.set('old-2', entry('b', 200), 0);
    cache.set('live', entry('c', 10_000), 0);
    cache.set('new', entry('d', 10_000), 500);
    expect(cache.size).toBe(2);
    expect(cache.get('live', 500)?.claims.sub).toBe('c');
  });
});
