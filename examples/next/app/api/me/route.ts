import { logto } from '../../../logto';

/** Who is signed in, for the client component: 401 JSON when nobody is. */
export const GET = (request: Request) =>
  logto.authenticated(request, {}, (context) =>
    Response.json({ sub: context.user.sub, name: context.user.name ?? null }),
  );
