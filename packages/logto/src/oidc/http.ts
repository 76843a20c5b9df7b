/**
 * The one way this SDK talks HTTP to the provider: a timeout on every request, a bounded body,
 * and network failures turned into {@link LogtoError} codes.
 *
 * @module
 */
import { LogtoError } from '../errors.js';

/** How requests to the provider are sent. */
export interface HttpOptions {
  /** The `fetch` implementation to use (e.g. `globalThis.fetch`, or one that goes through a proxy). */
  fetch: typeof fetch;
  /** Time limit (in milliseconds) for one request, from sending it to reading the whole body. */
  timeout: number;
}

/** The largest response body (in bytes) accepted from the provider: 1 MiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const statusesWithoutBody = new Set([101, 204, 205, 304]);

/** A response whose body has been read whole (at most {@link MAX_RESPONSE_BYTES}). */
export interface BufferedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/**
 * Sends one request and reads its whole body within the time limit.
 *
 * @param url - The absolute URL to request.
 * @param init - The request; its `signal`, if any, is combined with the timeout.
 * @param http - The fetch implementation and the timeout (in milliseconds).
 * @throws LogtoError `provider.timeout` when no complete response arrives within `http.timeout`;
 *   `provider.unreachable` when the connection fails or is closed; `provider.invalid_response`
 *   when the body exceeds {@link MAX_RESPONSE_BYTES}.
 */
export async function sendBufferedRequest(
  url: string,
  init: RequestInit,
  http: HttpOptions,
): Promise<BufferedResponse> {
  const timeoutSignal = AbortSignal.timeout(http.timeout);
  const signal = init.signal ? AbortSignal.any([init.signal, timeoutSignal]) : timeoutSignal;
  const target = describeUrl(url);
  try {
    const response = await http.fetch(url, { ...init, signal });
    const { status, statusText, headers } = response;
    return { status, statusText, headers, body: await readBoundedBody(response, target) };
  } catch (error) {
    if (error instanceof LogtoError) throw error;
    if (timeoutSignal.aborted) {
      throw new LogtoError(
        'provider.timeout',
        `The provider did not answer ${target} within ${http.timeout} ms. Check that the Logto endpoint is up, or raise the timeout.`,
        { cause: error },
      );
    }
    throw new LogtoError(
      'provider.unreachable',
      `Could not reach the provider at ${target}. Check the endpoint and the network.`,
      { cause: error },
    );
  }
}

/** A {@link BufferedResponse} (or the same fields with another body) as a `Response` again. */
export function toResponse(
  buffered: BufferedResponse,
  body: Uint8Array | string = buffered.body,
): Response {
  return new Response(statusesWithoutBody.has(buffered.status) ? null : body, {
    status: buffered.status,
    statusText: buffered.statusText,
    headers: buffered.headers,
  });
}

/** {@link sendBufferedRequest}, as a `Response` whose body is already in memory. */
export async function sendRequest(
  url: string,
  init: RequestInit,
  http: HttpOptions,
): Promise<Response> {
  return toResponse(await sendBufferedRequest(url, init, http));
}

/** Reads the whole body, refusing more than {@link MAX_RESPONSE_BYTES}. */
async function readBoundedBody(response: Response, target: string): Promise<Uint8Array> {
  const tooLarge = () =>
    new LogtoError(
      'provider.invalid_response',
      `The response from ${target} is larger than ${MAX_RESPONSE_BYTES} bytes; it is not a provider response.`,
      { status: response.status },
    );
  if (Number(response.headers.get('content-length')) > MAX_RESPONSE_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  return response.body
    ? readBounded(response.body, MAX_RESPONSE_BYTES, tooLarge)
    : new Uint8Array();
}

/** Reads `stream` whole; past `maxBytes`, cancels the rest and throws `tooLarge()`. */
export async function readBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
}

/** The URL without its query string or fragment, which may carry tokens. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the provider';
  }
}
