/**
 * The rules every adapter applies to a form body (the back-channel logout POST): its content type,
 * its size, and the error that says which rule it broke.
 *
 * @module
 */

/** The largest form body read (a logout token is a few hundred bytes). */
export const MAX_FORM_BYTES = 64 * 1024;

/** A body that cannot be read as the form a route expects; its message is safe to answer with. */
export class FormReadError extends Error {
  override name = 'FormReadError';
}

/** Whether a `Content-Type` is `application/x-www-form-urlencoded` (parameters ignored). */
export const isFormContentType = (contentType: string | null | undefined): boolean =>
  typeof contentType === 'string' &&
  contentType.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

/** The error for a body that is not a form. */
export const notAForm = (): FormReadError =>
  new FormReadError('The body is not a form (Content-Type application/x-www-form-urlencoded).');

/** The error for a form over {@link MAX_FORM_BYTES}. */
export const formTooLarge = (): FormReadError =>
  new FormReadError(`The form is larger than ${MAX_FORM_BYTES} bytes.`);
