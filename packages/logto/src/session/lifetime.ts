/**
 * Rolling (idle) and absolute session lifetimes.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import type { SessionLifetimeOptions } from './types.js';

/** The metadata every stored session carries, in seconds since the epoch. */
export interface SessionTimes {
  /** When the session started (sign-in or regeneration): the absolute lifetime counts from here. */
  iat: number;
  /** When the session was last written. */
  uat: number;
  /** When the session expires: `min(uat + rolling, iat + absolute)`. */
  exp: number;
}

/** Resolved lifetimes, in seconds. */
export interface Lifetime {
  rolling: number;
  absolute: number;
  touchAfter: number;
}

const isPositive = (value: number) => Number.isFinite(value) && value > 0;

/** Applies the defaults (24 h rolling, 7 days absolute) and validates the options. */
export const resolveLifetime = (options: SessionLifetimeOptions): Lifetime => {
  const rolling = options.rollingDuration ?? 86_400;
  const absolute = options.absoluteDuration ?? 604_800;
  const touchAfter = options.touchAfter ?? Math.min(3600, Math.floor(rolling / 10));
  const invalid = (rule: string) => new LogtoError('config.invalid', `Session ${rule}.`);
  if (!isPositive(rolling) || !isPositive(absolute) || rolling > absolute) {
    throw invalid(
      'lifetimes must be positive numbers of seconds, with rollingDuration <= absoluteDuration',
    );
  }
  if (!Number.isFinite(touchAfter) || touchAfter < 0 || touchAfter >= rolling) {
    throw invalid(
      'touchAfter must be a number of seconds from 0 up to (not including) rollingDuration',
    );
  }
  return { rolling, absolute, touchAfter };
};

/** The expiry of a session started at `iat` and used at `now` (seconds). */
export const expiryAt = (lifetime: Lifetime, iat: number, now: number): number =>
  Math.min(now + lifetime.rolling, iat + lifetime.absolute);

/** Times for a session that starts now. */
export const startTimes = (lifetime: Lifetime, now: number): SessionTimes => {
  return { iat: now, uat: now, exp: expiryAt(lifetime, now, now) };
};

/**
 * True when an unchanged session should be written again because using it now moves its expiry by
 * at least `touchAfter` (express-openid-connect rewrites the cookie on every response; we do not).
 */
export const needsTouch = (lifetime: Lifetime, times: SessionTimes, now: number): boolean => {
  const next = expiryAt(lifetime, times.iat, now);
  return next > times.exp && next - times.exp >= Math.max(1, lifetime.touchAfter);
};

/** Seconds since the epoch. */
export const toSeconds = (milliseconds: number): number => Math.floor(milliseconds / 1000);
