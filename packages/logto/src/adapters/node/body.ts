/**
 * Reading a small `application/x-www-form-urlencoded` body from a Node request, for frameworks
 * that hand the raw stream over (Express without a body parser).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { formTooLarge, isFormContentType, MAX_FORM_BYTES, notAForm } from '../core/form.js';

/** A form from an already parsed body (`express.urlencoded()`), a string, or `undefined`. */
export const formFromParsedBody = (body: unknown): URLSearchParams | undefined => {
  if (typeof body === 'string') return new URLSearchParams(body);
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return undefined;
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') form.append(key, value);
  }
  return form;
};

/**
 * Reads the request body as a form (at most {@link MAX_FORM_BYTES}).
 *
 * @throws FormReadError when the body is not a form or is too large.
 */
export const readNodeForm = (request: IncomingMessage): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    if (!isFormContentType(request.headers['content-type'])) {
      reject(notAForm());
      return;
    }
    if (Number(request.headers['content-length']) > MAX_FORM_BYTES) {
      request.resume();
      reject(formTooLarge());
      return;
    }
    if (request.readableEnded) {
      resolve(new URLSearchParams());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        reject(formTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.once('error', reject);
  });
