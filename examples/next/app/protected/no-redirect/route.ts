import { logto } from '../../../logto';

/** The guard of a route handler without the redirect: 401 JSON when signed out. */
export const GET = (request: Request) =>
  logto.authenticated(request, { redirect: false }, (context) =>
    Response.json({
      message: 'You are signed in.',
      sub: context.user.sub,
      name: context.user.name ?? null,
    }),
  );
