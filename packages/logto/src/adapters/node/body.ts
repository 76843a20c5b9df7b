/**
 * Reading a small `application/x-www-form-urlencoded` body from a Node request, for frameworks
 * that hand the raw stream over (Express without a body parser).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** The largest form body read (a logout token is a few hundred bytes). */
export const MAX_FORM_BYTES = 64 * 1024;

const isForm = (contentType: string | undefined) =>
  typeof contentType === 'string' &&
  contentType.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

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
 * @throws Error when the body is not a form or is too large.
 */
export const readNodeForm = (request: IncomingMessage): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    if (!isForm(request.headers['content-type'])) {
      reject(new Error('not a form'));
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
        reject(new Error('form too large'));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.once('error', reject);
  });
