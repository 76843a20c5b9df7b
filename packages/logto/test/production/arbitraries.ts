/**
 * fast-check arbitraries for hostile input: URL-ish text, redirect targets that try every known
 * trick to leave the app's origin, and Cookie headers built from session cookie pieces.
 */
import fc from 'fast-check';

/** Pieces attackers glue together to make a redirect target leave the origin. */
const redirectPieces = [
  '/',
  '//',
  '/\\',
  '\\\\',
  '\\/',
  '%2f',
  '%2F%2F',
  '%5c',
  '/%2f',
  '/%5c',
  'javascript:',
  'JaVaScRiPt:alert(1)',
  'data:text/html,x',
  'vbscript:',
  'http:',
  'https:',
  'http://',
  'https://evil.example',
  '//evil.example',
  '/\\evil.example',
  'evil.example',
  '@evil.example',
  'user:pass@',
  'http://127.0.0.1:3000@evil.example/',
  'http://127.0.0.1:3000.evil.example/',
  'http://127.0.0.1:3000/',
  'http://127.0.0.1:30000/',
  'https://127.0.0.1:3000/',
  'http://localhost:3000/',
  '\t',
  '\n',
  '\r',
  ' ',
  '\u0000',
  '\u007f',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '%09',
  '%0a',
  '%00',
  '..',
  '/..',
  '/./',
  '?',
  '#',
  '#//evil.example',
  '?next=//evil.example',
  'ｅｖｉｌ.example',
  '。',
  '\u202e',
  'protected',
  '/protected',
  '/protected?x=1#y',
];

/** Redirect targets: concatenations of hostile pieces and arbitrary text, mostly starting with `/`. */
export const redirectTargets: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...redirectPieces), fc.string({ maxLength: 6 })), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.join('')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((text) => `/${text}`),
);

/** Free text that looks more or less like a URL. */
export const hostileUrlText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  redirectTargets,
  fc.constantFrom(
    '',
    'http://',
    'callback',
    'http://127.0.0.1:3000/callback',
    'http://[::1',
    'x'.repeat(100_000),
  ),
);

/**
 * The origin a browser would land on after following `location` from a page at `base`; `null`
 * when a browser could not follow it (not a URL).
 */
export const originOf = (location: string, base: string): string | null => {
  if (!URL.canParse(location, base)) return null;
  return new URL(location, base).origin;
};

/** One cookie of a Cookie header: a session cookie, a chunk of one, or a stranger. */
export const cookiePair = (names: readonly string[], realValues: readonly string[]) =>
  fc.record({
    name: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })),
    value: fc.oneof(
      realValues.length > 0 ? fc.constantFrom(...realValues) : fc.constant(''),
      fc.string({ maxLength: 60 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.constant('x'.repeat(8000)),
    ),
  });

/** A Cookie header from pairs (missing, reordered and repeated chunks included). */
export const cookieHeader = (names: readonly string[], realValues: readonly string[]) =>
  fc
    .array(cookiePair(names, realValues), { maxLength: 8 })
    .map((pairs) => pairs.map(({ name, value }) => `${name}=${value}`).join('; '));
