/**
 * The usual starting point of a protocol test: a hostile provider, its metadata as discovered,
 * and a client of it that authenticates with HTTP Basic.
 */
import { discover, type ProviderMetadata } from '../../src/oidc/discovery.js';
import type { ClientAuth } from '../../src/oidc/grants.js';
import type { HttpOptions } from '../../src/oidc/http.js';
import { type HostileProvider, startHostileProvider } from './hostile-provider.js';

/** A started hostile provider, with what discovery found and a client registered at it. */
export interface DiscoveredProvider {
  provider: HostileProvider;
  metadata: ProviderMetadata;
  /** The provider's client, with `clientSecret` and `client_secret_basic`. */
  client: ClientAuth;
}

/** Starts a hostile provider and runs discovery against it with `http`. */
export const startDiscoveredProvider = async (
  http: HttpOptions,
  clientSecret: string,
): Promise<DiscoveredProvider> => {
  const provider = await startHostileProvider();
  const metadata = await discover(provider.endpoint, http);
  return {
    provider,
    metadata,
    client: { clientId: provider.clientId, clientSecret, method: 'client_secret_basic' },
  };
};
