import { describe, expect, it } from 'vitest';
import { signInSessionLifetime } from '../../src/client/sign-in-session.js';
import { SpentSignIns } from '../../src/client/spent-sign-ins.js';

describe('spent sign-ins', () => {
  it('lets a sign-in be claimed once per application', () => {
    const spent = new SpentSignIns();
    expect(spent.claim('app-a', 'state-1')).toBe(true);
    expect(spent.claim('app-a', 'state-1')).toBe(false);
    expect(spent.claim('app-b', 'state-1')).toBe(true);
    expect(spent.claim('app-a', 'state-2')).toBe(true);
  });

  it('forgets a spent sign-in once its session would have expired anyway', () => {
    const spent = new SpentSignIns();
    const now = Date.UTC(2026, 0, 1);
    spent.claim('app', 'state', now);
    expect(spent.claim('app', 'state', now + signInSessionLifetime - 1)).toBe(false);
    expect(spent.claim('app', 'state', now + signInSessionLifetime + 1)).toBe(true);
  });
});
