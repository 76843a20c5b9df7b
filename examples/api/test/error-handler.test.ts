/**
 * The example API's error handler: 503 for provider errors, a logged generic 500 for anything
 * else, and Express's default handler once the response has started.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiErrorHandler, createApiApp } from '../src/app.js';

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

const listen = async (app: Express): Promise<string> => {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Well-formed but unverifiable: checking it needs the provider's keys. */
const someJwt = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${base64url({
  sub: 'user-alice',
  aud: 'https://api.example.com',
})}.c2lnbmF0dXJl`;

describe('the example API error handler', () => {
  it('answers 503 when Logto cannot be reached to check the token', async () => {
    const base = await listen(
      // Nothing listens on port 1: a real connection refusal.
      createApiApp({ endpoint: 'http://127.0.0.1:1' }),
    );
    const response = await fetch(`${base}/api/messages`, {
      headers: { authorization: `Bearer ${someJwt}` },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'server_error',
      error_description: 'The API could not check the access token right now. Try again later.',
    });
  });

  it('logs any other error and answers a generic 500', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const boom = new Error('database on fire');
    const app = express();
    app.get('/boom', () => {
      throw boom;
    });
    app.use(apiErrorHandler);
    const response = await fetch(`${await listen(app)}/boom`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'server_error',
      error_description: 'internal error',
    });
    expect(logged).toHaveBeenCalledWith(expect.any(String), boom);
  });

  it('hands the error to Express when the response has already started', () => {
    const error = new Error('late');
    const next = vi.fn();
    const response = {
      headersSent: true,
      status: () => {
        throw new Error('must not answer again');
      },
    } as unknown as Response;
    apiErrorHandler(error, {} as Request, response, next as NextFunction);
    expect(next).toHaveBeenCalledWith(error);
  });
});
