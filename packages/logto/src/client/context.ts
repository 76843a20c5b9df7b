/**
 * What every protocol step of a {@link LogtoClient} works with: its configuration, its guarded
 * storage and how it talks to the provider, and the small steps they share (discovery, the ID
 * token check, reading and clearing the stored tokens, a quiet revocation).
 *
 * @module
 */
import type { NormalizedLogtoConfig } from '../config/types.js';
import { isLogtoError, LogtoError } from '../errors.js';
import { discover, type ProviderMetadata } from '../oidc/discovery.js';
import type { ClientAuth, IdTokenCheck } from '../oidc/grants.js';
import type { HttpOptions } from '../oidc/http.js';
import { revokeToken } from '../oidc/revocation.js';
import { decodeJwtPayload, type IdTokenClaims } from '../tokens/claims.js';
import { verifyIdToken } from '../tokens/id-token.js';
import type { GuardedStorage } from './guarded-storage.js';
import type { RefreshRegistry } from './refresh-registry.js';
import type { LogtoLogger } from './types.js';

/** One client's view of its application and session, shared by its protocol steps. */
export interface ClientContext {
  readonly config: NormalizedLogtoConfig;
  readonly storage: GuardedStorage;
  readonly http: HttpOptions;
  readonly clientAuth: ClientAuth;
  readonly logger: LogtoLogger | undefined;
  readonly refreshRegistry: RefreshRegistry;
  /** Separates this application's entries in the process-wide registries. */
  readonly namespace: string;
}

/** `token.not_authenticated` for `what`. */
export const notAuthenticated = (what: string): LogtoError =>
  new LogtoError(
    'token.not_authenticated',
    `${what}: the user is not signed in. Call signIn first.`,
  );

/** The provider's discovery document (process-wide cache). */
export const metadataOf = (context: ClientContext): Promise<ProviderMetadata> =>
  discover(context.config.endpoint, context.http);

/** The ID-token check a grant runs on the token it receives (signature, claims, and `expected`). */
export const idTokenCheck =
  (
    context: ClientContext,
    metadata: ProviderMetadata,
    expected: { nonce?: string; expectedSub?: string },
  ): IdTokenCheck =>
  (idToken) =>
    verifyIdToken(idToken, {
      metadata,
      clientId: context.config.appId,
      http: context.http,
      clockTolerance: context.config.clockTolerance,
      ...expected,
    });

/** Forgets the ID, refresh and access tokens. */
export async function clearTokens(context: ClientContext): Promise<void> {
  await context.storage.remove('idToken');
  await context.storage.remove('refreshToken');
  await context.storage.remove('accessTokenMap');
}

/** The stored ID token's claims; a missing or corrupt token gives `undefined`. */
export async function readIdTokenClaims(
  context: ClientContext,
): Promise<IdTokenClaims | undefined> {
  const idToken = await context.storage.get('idToken');
  if (!idToken) return undefined;
  try {
    const claims = decodeJwtPayload<IdTokenClaims>(idToken);
    if (typeof claims.sub !== 'string') throw new TypeError('no sub');
    return claims;
  } catch {
    context.logger?.warn(
      'The stored ID token cannot be decoded; treating the session as signed out.',
    );
    return undefined;
  }
}

/** Revokes `refreshToken` when the provider can; a failure is logged, never thrown. */
export async function revokeQuietly(
  context: ClientContext,
  metadata: ProviderMetadata,
  refreshToken: string,
  when: string,
): Promise<void> {
  if (!metadata.revocation_endpoint) return;
  try {
    await revokeToken(metadata, context.clientAuth, context.http, refreshToken);
  } catch (error) {
    context.logger?.warn(
      `Revoking the refresh token ${when} failed (${isLogtoError(error) ? error.code : 'unknown error'}); the local session changed anyway.`,
    );
  }
}
