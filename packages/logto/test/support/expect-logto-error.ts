/**
 * Assertion helper: a promise rejects with a LogtoError of one exact code.
 */
import { expect } from 'vitest';
import { LogtoError, type LogtoErrorCode } from '../../src/errors.js';

/** Awaits `promise`, expects a {@link LogtoError} with `code`, and returns it for more checks. */
export async function expectLogtoError(
  promise: Promise<unknown>,
  code: LogtoErrorCode,
): Promise<LogtoError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a LogtoError ${code}`).toBeInstanceOf(LogtoError);
  const error = caught as LogtoError;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  return error;
}

/** Every message in an error's cause chain (to check that none leaks a secret). */
export function messagesOf(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.join('\n');
}
