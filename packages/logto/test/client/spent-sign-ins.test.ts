import { describe, expect, it } from 'vitest';
import { signInSessionLifetime } from '../../src/client/sign-in-session.js';
import { claimSignIn } from '../../src/client/spent-sign-ins.js';

describe('spent sign-ins', () => {
  it('lets a sign-in be claimed once per application', () => {
    expect(claimSignIn('app-a', 'state-1')).toBe(true);
    expect(claimSignIn('app-a', 'state-1')).toBe(false);
    expect(claimSignIn('app-b', 'state-1')).toBe(true);
    expect(claimSignIn('app-a', 'state-2')).toBe(true);
  });

  it('forgets a spent sign-in once its session would have expired anyway', () => {
    const now = Date.UTC(2026, 0, 1);
    claimSignIn('app-c', 'state', now);
    expect(claimSignIn('app-c', 'state', now + signInSessionLifetime - 1)).toBe(false);
    expect(claimSignIn('app-c', 'state', now + signInSessionLifetime + 1)).toBe(true);
  });
});
