/**
 * Calls the example API with an access token, as a browser-less client would.
 *
 * @module
 */
import type { ApiCallResult } from './pages/claims.js';

/** How long the sample waits for the example API, in milliseconds. */
const apiTimeout = 5000;

/** `GET url` with `Authorization: Bearer <accessToken>`; never throws (the page shows what happened). */
export async function callApi(url: string, accessToken: string): Promise<ApiCallResult> {
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(apiTimeout),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: show the text as it came.
    }
    const challenge = response.headers.get('www-authenticate');
    return {
      kind: 'response',
      url,
      status: response.status,
      body: challenge === null ? body : { 'www-authenticate': challenge, body },
    };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${apiTimeout / 1000} s`
        : 'the connection failed (is the example API running?)';
    return { kind: 'failed', url, reason };
  }
}
