/**
 * The signed-in user and access token are typed by what `authenticated()` was asked for, in every
 * adapter. The `expectTypeOf` lines are type assertions: `npm run typecheck` (in `npm run lint`
 * and CI) fails when one does not hold. Vitest runs the file too, so every guard written here is
 * built, and options that cannot work are refused when the app starts.
 */
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import { Hono } from 'hono';
import * as expressAdapter from 'logto-ts/express';
import * as fastifyAdapter from 'logto-ts/fastify';
import * as honoAdapter from 'logto-ts/hono';
import * as webAdapter from 'logto-ts/web';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { IdTokenClaims, UserInfoResponse } from '../../src/tokens/claims.js';

const options = {
  endpoint: 'https://tenant.logto.app',
  appId: 'app',
  appSecret: 'secret',
  baseUrl: 'https://app.example.com',
  secret: 'a session secret of at least 32 characters',
};

/** Not known until run time: both user types are possible. */
const maybeUserInfo = process.env.FETCH_USER_INFO === 'true';

describe('the user and token types follow the options of authenticated()', () => {
  it('express: the handler form types req.logto; the middleware form leaves the union', () => {
    const app = express();
    app.use(expressAdapter.logto(options));
    app.get(
      '/claims',
      expressAdapter.authenticated({}, (req) => {
        expectTypeOf(req.logto.user).toExtend<IdTokenClaims>();
        expectTypeOf(req.logto.user.exp).toEqualTypeOf<number>();
        expectTypeOf(req.logto.accessToken).toEqualTypeOf<undefined>();
      }),
    );
    app.get(
      '/userinfo',
      expressAdapter.authenticated({ fetchUserInfo: true }, (req) => {
        expectTypeOf(req.logto.user).toExtend<UserInfoResponse>();
        expectTypeOf(req.logto.user.custom_data).toEqualTypeOf<unknown>();
      }),
    );
    app.get(
      '/either',
      expressAdapter.authenticated({ fetchUserInfo: maybeUserInfo }, (req) => {
        expectTypeOf(req.logto.user).toExtend<UserInfoResponse>();
        expectTypeOf<UserInfoResponse>().toExtend<typeof req.logto.user>();
      }),
    );
    app.get(
      '/organizations/:id',
      expressAdapter.authenticated(
        {
          getAccessToken: true,
          organizationId: (req) => {
            expectTypeOf(req).toExtend<express.Request>();
            return String(req.params.id);
          },
        },
        (req) => {
          expectTypeOf(req.logto.accessToken).toEqualTypeOf<string>();
        },
      ),
    );
    app.get('/middleware', expressAdapter.authenticated({ redirect: true }), (req) => {
      expectTypeOf(req.logto.user).toEqualTypeOf<IdTokenClaims | UserInfoResponse | undefined>();
    });
    expect(() =>
      // @ts-expect-error organizationId is a string or a function of the request
      expressAdapter.authenticated({ getAccessToken: true, organizationId: 42 }),
    ).toThrow(/organizationId must be a non-empty string or a function/);
    expect(() => expressAdapter.authenticated({ resource: 'https://api.example.com' })).toThrow(
      /add getAccessToken: true/,
    );
  });

  it('hono: the middleware types c.get("logto") in the next handler', () => {
    const app = new Hono<honoAdapter.LogtoEnv>();
    app.use(honoAdapter.logto(options));
    app.get('/claims', honoAdapter.authenticated(), (c) => {
      expectTypeOf(c.get('logto').user).toExtend<IdTokenClaims>();
      expectTypeOf(c.get('logto').accessToken).toEqualTypeOf<undefined>();
      return c.text('');
    });
    app.get(
      '/userinfo',
      honoAdapter.authenticated({
        fetchUserInfo: true,
        getAccessToken: true,
        resource: 'https://api.example.com',
        organizationId: (c) => c.req.query('organization'),
      }),
      (c) => {
        expectTypeOf(c.get('logto').user).toExtend<UserInfoResponse>();
        expectTypeOf(c.get('logto').accessToken).toEqualTypeOf<string>();
        return c.text('');
      },
    );
  });

  it('fastify: the handler form types request.logto; the preHandler form leaves the union', () => {
    const app = Fastify();
    app.get(
      '/userinfo',
      fastifyAdapter.authenticated(
        { fetchUserInfo: true, getAccessToken: true },
        async (request) => {
          expectTypeOf(request.logto.user).toExtend<UserInfoResponse>();
          expectTypeOf(request.logto.accessToken).toEqualTypeOf<string>();
        },
      ),
    );
    app.get(
      '/organizations/:id',
      {
        preHandler: fastifyAdapter.authenticated({
          getAccessToken: true,
          organizationId: (request) => {
            expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
            return (request.params as { id: string }).id;
          },
        }),
      },
      async (request) => {
        expectTypeOf(request.logto.user).toEqualTypeOf<
          IdTokenClaims | UserInfoResponse | undefined
        >();
      },
    );
  });

  it('web: the handler gets a context typed by the options', () => {
    const logto = webAdapter.createLogto(options);
    const handle = (request: Request) =>
      logto.authenticated(
        request,
        { getAccessToken: true, organizationId: (incoming) => new URL(incoming.url).hostname },
        (context) => {
          expectTypeOf(context.user).toExtend<IdTokenClaims>();
          expectTypeOf(context.accessToken).toEqualTypeOf<string>();
          return new Response();
        },
      );
    expectTypeOf(handle).returns.toEqualTypeOf<Promise<Response>>();
  });
});
