import type { RequestListener } from 'node:http';

/**
 * What the parent tells a server child: which app to build, where to listen, where logto-dev is.
 * Shared by the parent (bench/src/sections) and the children (bench/src/servers).
 *
 * @module
 */

/** Every server the bench can start, one app per child process. */
export type ServerKind =
  | 'no-auth'
  | 'no-auth-hono'
  | 'no-auth-fastify'
  | 'logto-express-cookie'
  | 'logto-express-cookie-revocations'
  | 'logto-express-redis'
  | 'logto-express-memory'
  | 'logto-hono-cookie'
  | 'logto-fastify-cookie'
  | 'logto-web-cookie'
  | 'peer-logto-express'
  | 'peer-express-openid-connect';

/** The child's instructions, passed as JSON in `BENCH_SERVER_SPEC`. */
export interface ServerSpec {
  kind: ServerKind;
  /** logto-dev's endpoint (issuer = `${endpoint}/oidc`). */
  endpoint: string;
  /** For `logto-express-redis` and `logto-express-cookie-revocations`. */
  redisUrl?: string;
}

/** The demo application of logto-dev (see CONTRACTS.md §1). */
export const demoApp = {
  appId: 'demo-app',
  appSecret: 'demo-app-secret-0123456789abcdef0123456789abcdef',
} as const;

/** Secrets for the cookie stores (ours, express-session, express-openid-connect): fixed, bench only. */
export const benchSecret = 'bench-only-secret-0123456789abcdef0123456789abcdef';

/** The JSON every `GET /protected` answers (the no-auth route answers the same, constant). */
export interface ProtectedBody {
  sub: string;
  name: string | null;
}

/** Routes of a server as the parent drives them. */
export interface ServerRoutes {
  /** Starts sign-in: answers 302 to the provider. */
  signIn: string;
  /** The callback path registered at the provider. */
  callback: string;
}

/** Each kind's routes. */
export function routesOf(kind: ServerKind): ServerRoutes {
  if (kind === 'peer-logto-express')
    return { signIn: '/logto/sign-in', callback: '/logto/sign-in-callback' };
  if (kind === 'peer-express-openid-connect') return { signIn: '/login', callback: '/callback' };
  return { signIn: '/sign-in', callback: '/callback' };
}

/** What the child's app builder gets: the spec and the port its server already listens on. */
export interface AppSetup extends ServerSpec {
  /** The port on 127.0.0.1 (the app's origin is `http://127.0.0.1:<port>`). */
  port: number;
}

/** An app built in the child: its node:http request listener, and what to close at the end. */
export interface BuiltApp {
  handler: RequestListener;
  close?(): Promise<void>;
}
