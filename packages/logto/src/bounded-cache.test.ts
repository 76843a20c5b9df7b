import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache.js';
import { deepFreeze } from './tokens/claims.js';

describe('BoundedCache', () => {
  it('serves an entry before its expiry and never at or after it', () => {
    const cache = new BoundedCache<string, string>(10);
    cache.set('t', 'a', 10_000, 0);
    expect(cache.get('t', 9_999)).toBe('a');
    expect(cache.get('t', 10_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep an entry that has already expired', () => {
    const cache = new BoundedCache<string, string>(10);
    cache.set('t', 'a', 1_000, 1_000);
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with size 0', () => {
    const cache = new BoundedCache<string, string>(0);
    cache.set('t', 'a', 1_000, 0);
    expect(cache.get('t', 0)).toBeUndefined();
  });

  it('keeps an entry without expiry until it is pushed out', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('evicts the least recently read entry even when every entry was read', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.get('b');
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('c')).toBe(3);
    expect(cache.get('a')).toBeUndefined();
  });

  it('holds null values (a remembered "unreadable")', () => {
    const cache = new BoundedCache<string, null>(2);
    cache.set('a', null);
    expect(cache.get('a')).toBeNull();
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
  });

  it('drops expired entries from the old end when an entry is added', () => {
    const cache = new BoundedCache<string, string>(10);
    cache.set('old-1', 'a', 100, 0);
    cache.set('old-2', 'b', 200, 0);
    cache.set('live', 'c', 10_000, 0);
    cache.set('new', 'd', 10_000, 500);
    expect(cache.size).toBe(2);
    expect(cache.get('live', 500)).toBe('c');
  });

  it('behaves like a model LRU: exact keys, bounded size, expiry on every read, expired oldest swept (property)', () => {
    const key = fc.constantFrom('t1', 't1x', 't2', 't', 'T1', 't1 ', 't3', 't4');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, ttl: fc.integer({ min: -5, max: 50 }) }),
      fc.record({ kind: fc.constant('get' as const), key }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({ kind: fc.constant('tick' as const), by: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (size, ops) => {
        const cache = new BoundedCache<string, { key: string; expiresAt: number }>(size);
        const model = new Map<string, { key: string; expiresAt: number }>();
        let now = 0;
        for (const step of ops) {
          if (step.kind === 'tick') {
            now += step.by;
          } else if (step.kind === 'delete') {
            cache.delete(step.key);
            model.delete(step.key);
          } else if (step.kind === 'set') {
            const value = { key: step.key, expiresAt: now + step.ttl };
            cache.set(step.key, value, value.expiresAt, now);
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
            if (got) expect(got.key).toBe(step.key);
          }
          expect(cache.size).toBeLessThanOrEqual(size);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('deepFreeze', () => {
  it('freezes nested claims', () => {
    const frozen = deepFreeze({ aud: ['a', 'b'], nested: { x: 1 } });
    expect(Object.isFrozen(frozen.aud)).toBe(true);
    expect(Object.isFrozen(frozen.nested)).toBe(true);
  });
});
