/**
 * The framework-neutral core every adapter shares: options, the per-request context, the auth
 * routes and the guard. Adapters only translate their framework's request and response.
 *
 * @module
 */
import { BoundedCache } from '../../bounded-cache.js';
import { LogtoError } from '../../errors.js';
import { coreSlot, LogtoRequestContext } from './context.js';
import {
  denied,
  type GuardOutcome,
  guard,
  meansSignedOut,
  type ResolvedGuardOptions,
} from './guard.js';
import type { AdapterRequest, AdapterResponse } from './http.js';
import {
  type LogtoAdapterOptions,
  type RequestSignInOptions,
  type RequestSignOutOptions,
  type ResolvedAdapterOptions,
  resolveAdapterOptions,
} from './options.js';
import {
  type RouteMemory,
  type RouteName,
  routeMethods,
  runRoute,
  startSignIn,
  startSignOut,
} from './routes.js';

export { LogtoRequestContext } from './context.js';
export type {
  AuthenticatedContext,
  AuthenticatedFlags,
  AuthenticatedOptions,
  AuthenticatedUser,
  GuardOutcome,
  ResolvedGuardOptions,
  TypedAuthenticatedOptions,
} from './guard.js';
export { checkAuthenticatedOptions, resolveGuardOptions } from './guard.js';
export type { AdapterRequest, AdapterResponse } from './http.js';
export type {
  LogtoAdapterOptions,
  RequestSignInOptions,
  RequestSignOutOptions,
  ResolvedAdapterOptions,
} from './options.js';
export type { RouteMethod, RouteName } from './routes.js';
export { routeMethods } from './routes.js';

/** One configured Logto integration, shared by every request an adapter serves. */
export class LogtoCore {
  /**
   * The core that built `context` (how a guard or helper finds its configuration).
   *
   * @throws {@link LogtoError} `config.invalid` with `missing` when there is none: the adapter's
   *   middleware or plugin did not run before the caller.
   */
  static of(context: LogtoRequestContext | null | undefined, missing: string): LogtoCore {
    const core = context?.[coreSlot];
    if (!(core instanceof LogtoCore)) throw new LogtoError('config.invalid', missing);
    return core;
  }

  /** The validated options. */
  readonly options: ResolvedAdapterOptions;
  readonly #routes: ReadonlyMap<string, RouteName>;
  readonly #memory: RouteMemory = { seenLogoutTokens: new BoundedCache(10_000) };

  /** @throws {@link LogtoError} `config.invalid`. */
  constructor(options: LogtoAdapterOptions) {
    this.options = resolveAdapterOptions(options);
    const routes = new Map<string, RouteName>();
    for (const [name, path] of Object.entries(this.options.routes)) {
      if (path !== undefined) routes.set(path, name as RouteName);
    }
    this.#routes = routes;
  }

  /** The auth route a request is for, or `undefined` (a Map lookup: cheap on every request). */
  route(method: string, pathAndQuery: string): RouteName | undefined {
    const query = pathAndQuery.indexOf('?');
    const name = this.#routes.get(query === -1 ? pathAndQuery : pathAndQuery.slice(0, query));
    return name !== undefined && (routeMethods[name] as readonly string[]).includes(method)
      ? name
      : undefined;
  }

  /** A new per-request context (costs nothing until used). */
  context(request: AdapterRequest): LogtoRequestContext {
    return new LogtoRequestContext(this.options, request, this);
  }

  /** Serves the auth route `name`. Throws only what is not a `LogtoError`. */
  run(
    name: RouteName,
    context: LogtoRequestContext,
    request: AdapterRequest,
  ): Promise<AdapterResponse> {
    return runRoute(name, context, request, this.options, this.#memory);
  }

  /** Starts a sign-in with per-request options (the adapters' `signIn` helper). Throws only what is not a `LogtoError`. */
  signIn(
    context: LogtoRequestContext,
    request: AdapterRequest,
    options?: RequestSignInOptions,
  ): Promise<AdapterResponse> {
    return startSignIn(context, request, this.options, options);
  }

  /** Signs out with per-request options (the adapters' `signOut` helper). Throws only what is not a `LogtoError`. */
  signOut(
    context: LogtoRequestContext,
    request: AdapterRequest,
    options?: RequestSignOutOptions,
  ): Promise<AdapterResponse> {
    return startSignOut(context, request, this.options, options);
  }

  /**
   * The answer to an error thrown by a guarded handler: the signed-out answer when Logto refused
   * the session meanwhile (the client signed it out; the answer carries the cleared cookies),
   * else `undefined` (the error is the app's).
   */
  signedOutAnswer(
    error: unknown,
    context: LogtoRequestContext,
    options: ResolvedGuardOptions,
  ): AdapterResponse | undefined {
    return meansSignedOut(error)
      ? denied(options, this.options.routes.signIn, context.pathAndQuery)
      : undefined;
  }

  /** The guard of `authenticated()`, with the organization already read from the request. */
  guard(context: LogtoRequestContext, options: ResolvedGuardOptions = {}): Promise<GuardOutcome> {
    return guard(context, options, this.options.routes.signIn);
  }
}

/**
 * Creates the shared core from adapter options.
 *
 * @throws {@link LogtoError} `config.invalid`, naming the bad option.
 */
export const createLogtoCore = (options: LogtoAdapterOptions): LogtoCore => new LogtoCore(options);
