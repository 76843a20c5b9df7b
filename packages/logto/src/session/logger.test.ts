import { describe, expect, it } from 'vitest';
import { LogtoError } from '../errors.js';
import { createRateLimitedLogger } from './logger.js';

const setUp = () => {
  let time = 0;
  const lines: string[] = [];
  const logger = createRateLimitedLogger({ now: () => time, write: (line) => lines.push(line) });
  return { logger, lines, advance: (ms: number) => (time += ms) };
};

const decryptFailed = new LogtoError('session.decrypt_failed', 'bad cookie');

describe('the default logger', () => {
  it('reports a recurring code at most once a minute, then again with the count of held repeats', () => {
    const { logger, lines, advance } = setUp();
    for (let i = 0; i < 5; i++) logger.warn('Ignored a cookie.', decryptFailed);
    expect(lines).toEqual([
      '[logto] Ignored a cookie. (session.decrypt_failed; repeats are reported at most every 60 s)',
    ]);
    advance(59_999);
    logger.warn('Ignored a cookie.', decryptFailed);
    expect(lines).toHaveLength(1);
    advance(1);
    logger.warn('Ignored a cookie.', decryptFailed);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      '[logto] Ignored a cookie. (session.decrypt_failed; 5 more since the last report; repeats are reported at most every 60 s)',
    );
    advance(60_000);
    logger.warn('Ignored a cookie.', decryptFailed);
    expect(lines[2]).not.toContain('more since');
  });

  it('counts each code on its own, and a message without an error by its text', () => {
    const { logger, lines } = setUp();
    logger.warn('Ignored a cookie.', decryptFailed);
    logger.warn('Expired.', new LogtoError('session.expired', 'expired'));
    logger.warn('Revoking failed.');
    logger.warn('Revoking failed.');
    logger.warn('Something else.');
    expect(lines.map((line) => line.split(' (')[0])).toEqual([
      '[logto] Ignored a cookie.',
      '[logto] Expired.',
      '[logto] Revoking failed.',
      '[logto] Something else.',
    ]);
  });
});
