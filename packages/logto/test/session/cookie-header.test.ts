/**
 * Reading the session cookie from a `Cookie` header: the fast path for one unchunked cookie must
 * read exactly what a full parse of every pair reads, whatever else the header carries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSessionCookie, readSessionCookie } from '../../src/session/cookies.js';

const name = 'logto_session';

/** Pairs a browser or an attacker may send: the session cookie, its chunks, look-alikes, junk. */
const pair = fc
  .oneof(
    fc.constantFrom(
      name,
      `${name}.0`,
      `${name}.1`,
      `x${name}`,
      `${name}_other`,
      ` ${name}`,
      'other',
    ),
    fc.string({ maxLength: 6 }),
  )
  .chain((key) =>
    fc
      .oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"quoted"', 'a=b', ' spaced ', ''))
      .map((value) => `${key}=${value}`),
  );

describe('readSessionCookie', () => {
  it('reads what a full parse reads, for any header', () => {
    fc.assert(
      fc.property(
        fc.array(pair, { maxLength: 6 }),
        fc.constantFrom(';', '; ', ' ;'),
        (pairs, sep) => {
          const header = pairs.join(sep);
          expect(readSessionCookie(header, name)).toEqual(parseSessionCookie(header, name));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('takes the first of two session cookies, and unquotes the value', () => {
    expect(readSessionCookie(`a=1; ${name}="v1"; ${name}=v2`, name)).toEqual({
      value: 'v1',
      present: [name],
      broken: false,
    });
  });

  it('ignores cookies whose names only contain the session cookie name', () => {
    expect(readSessionCookie(`x${name}=1; ${name}_b=2`, name).value).toBeUndefined();
  });
});
