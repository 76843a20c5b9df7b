/**
 * Writing core responses to, and holding Set-Cookie back on, a Node `ServerResponse`.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import { type AdapterResponse, sessionCacheControl } from '../core/http.js';

/** Adds `Set-Cookie` values to those already on the response. */
export const appendSetCookie = (response: ServerResponse, cookies: readonly string[]): void => {
  if (cookies.length === 0) return;
  if (!response.hasHeader('cache-control'))
    response.setHeader('cache-control', sessionCacheControl);
  const current = response.getHeader('set-cookie');
  const existing =
    current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  response.setHeader('set-cookie', [...existing, ...cookies]);
};

/** Writes a core response. */
export const writeAdapterResponse = (response: ServerResponse, result: AdapterResponse): void => {
  response.statusCode = result.status;
  const cookies: string[] = [];
  for (const [name, value] of result.headers) {
    if (name === 'set-cookie') cookies.push(value);
    else response.setHeader(name, value);
  }
  appendSetCookie(response, cookies);
  response.end(result.body);
};

type Method = 'writeHead' | 'write' | 'end';

/**
 * Holds `writeHead`, `write` and `end` back until `commit` has run, so the session's
 * `Set-Cookie` goes out with the headers even when a route changed the session (a refreshed
 * token) after the middleware ran. Calls keep their order. When `commit` fails, `onError` gets
 * the error with the response untouched (headers unsent), and the held calls are dropped. When
 * `needsCommit` says `false` at the first call, nothing is held: every call passes straight through.
 *
 * Install it only when the session needs committing: patching a response's methods slows every
 * later call on it, so a request whose session never changes should not pay for it.
 */
export const holdUntilCommitted = (
  response: ServerResponse,
  commit: () => Promise<string[]>,
  onError: (error: unknown) => void,
  needsCommit: () => boolean = () => true,
): void => {
  const originals = {
    writeHead: response.writeHead,
    write: response.write,
    end: response.end,
  } as Record<Method, (...args: unknown[]) => unknown>;
  /** `undefined` before the first call; then the tail of the held calls. */
  let queue: Promise<boolean> | undefined;
  let pending = 0;
  /** True once nothing needs holding any more (committed, failed, or never needed). */
  let open = false;
  /** True while a held call runs: Node's `end`/`write` call `this.writeHead` themselves. */
  let replaying = false;
  const call = (name: Method, args: unknown[]) => originals[name]?.apply(response, args);
  const hold = (name: Method, result: () => unknown) =>
    function (this: ServerResponse, ...args: unknown[]) {
      if (open || replaying) return call(name, args);
      if (queue === undefined) {
        if (response.headersSent || !needsCommit()) {
          open = true;
          return call(name, args);
        }
        queue = commit().then(
          (cookies) => {
            if (!response.headersSent) appendSetCookie(response, cookies);
            return true;
          },
          (error: unknown) => {
            open = true;
            onError(error);
            return false;
          },
        );
      }
      pending++;
      queue = queue.then((ok) => {
        pending--;
        if (ok) {
          replaying = true;
          try {
            call(name, args);
          } catch (error) {
            // What would have thrown in the route (e.g. headers written twice) must not become
            // an unhandled rejection: it goes to the framework's error path instead.
            onError(error);
          } finally {
            replaying = false;
          }
        }
        // Once every held call went out in order, later calls need no queue.
        if (ok && pending === 0) open = true;
        return ok;
      });
      return result();
    };
  response.writeHead = hold('writeHead', () => response) as ServerResponse['writeHead'];
  response.write = hold('write', () => true) as ServerResponse['write'];
  response.end = hold('end', () => response) as ServerResponse['end'];
};
