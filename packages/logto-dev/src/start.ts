import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { JWK, default as Provider } from 'oidc-provider';
import { createMemoryAdapter } from './adapter.js';
import {
  type ApplicationConfig,
  demoConfig,
  type LogtoDevConfig,
  loadConfigFile,
  validateConfig,
} from './config.js';
import { Directory } from './directory.js';
import { handleInteraction } from './interactions.js';
import { generateSigningKey, type SigningAlgorithm } from './keys.js';
import { type Logger, loadOidcProvider } from './load-provider.js';
import { handleManagementApi, type ManagementApiContext } from './management/api.js';
import { ManagementEntities } from './management/entities.js';
import {
  createProvider,
  interactionPath,
  type RefreshTokenRotation,
  type RequestLogEntry,
} from './provider.js';

/** Options of {@link startLogtoDev}. */
export interface StartLogtoDevOptions {
  /** TCP port. Default 3001; 0 picks a random free port. */
  port?: number;
  /** Interface to listen on, and the host of the endpoint ('localhost' for '0.0.0.0' or '::'). Default '127.0.0.1'. */
  host?: string;
  /** A config object or the path of a JSON config file. Default: {@link demoConfig}. */
  config?: LogtoDevConfig | string;
  /**
   * Refresh-token rotation: 'logto' (default: oidc-provider's rule as Logto uses it, public clients on
   * every use, confidential clients once 70% of the lifetime has passed), 'always' (a new refresh
   * token on every use; the spent one stays valid until it expires), 'strict' (a new refresh token on
   * every use, and any reuse of a spent token gets invalid_grant and revokes the grant).
   */
  refreshTokenRotation?: RefreshTokenRotation;
  /** Signing algorithm of ID tokens and JWT access tokens. Default 'ES384' (P-384), as Logto. */
  signingAlgorithm?: SigningAlgorithm;
  /** Receives notices. Default: silent. */
  logger?: Logger;
}

/** A running logto-dev. */
export interface LogtoDev {
  /** e.g. 'http://127.0.0.1:3001' (no trailing slash). */
  endpoint: string;
  /** `${endpoint}/oidc`. */
  issuer: string;
  /** The validated config in use. */
  config: LogtoDevConfig;
  /** Every request the provider served under /oidc, in order of completion (the last 10,000). */
  requests: ReadonlyArray<RequestLogEntry>;
  /** Empties {@link LogtoDev.requests}. */
  resetRequests(): void;
  /** A new key becomes the signing key; the old key stays in the JWKS until the next rotation. */
  rotateSigningKey(): Promise<void>;
  /**
   * Changes an application's settings while sessions and tokens live on, as an admin does in
   * Logto's console (e.g. turning `backchannelLogoutSessionRequired` on).
   *
   * @throws Error when no application has that id.
   */
  updateApplication(
    id: string,
    changes: Pick<ApplicationConfig, 'backchannelLogoutSessionRequired'>,
  ): void;
  /** Closes the server and its connections. */
  stop(): Promise<void>;
}

/** Bounds the request log of a long-running provider. */
const maxLoggedRequests = 10_000;

const silent: Logger = { info() {}, warn() {} };

async function resolveConfig(config: LogtoDevConfig | string | undefined): Promise<LogtoDevConfig> {
  if (config === undefined) return demoConfig();
  if (typeof config === 'string') return loadConfigFile(config);
  return validateConfig(structuredClone(config));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `logto-dev cannot listen on ${host}:${port}: the port is already in use. Stop the other process or pass another port (--port).`,
            { cause: error },
          ),
        );
      } else {
        reject(
          new Error(`logto-dev cannot listen on ${host}:${port}: ${error.message}`, {
            cause: error,
          }),
        );
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts a local Logto-compatible OpenID provider. */
export async function startLogtoDev(options: StartLogtoDevOptions = {}): Promise<LogtoDev> {
  const logger = options.logger ?? silent;
  const host = options.host ?? '127.0.0.1';
  const alg = options.signingAlgorithm ?? 'ES384';
  const rotation = options.refreshTokenRotation ?? 'logto';
  if (!['logto', 'always', 'strict'].includes(rotation)) {
    throw new Error(
      `refreshTokenRotation must be 'logto', 'always' or 'strict', got ${String(rotation)}`,
    );
  }
  if (alg !== 'ES384' && alg !== 'RS256')
    throw new Error(`signingAlgorithm must be 'ES384' or 'RS256', got ${String(alg)}`);
  const config = await resolveConfig(options.config);
  const oidc = await loadOidcProvider(logger);
  const directory = new Directory(config);

  const requests: RequestLogEntry[] = [];
  const adapter = createMemoryAdapter({ markRefreshTokensConsumed: rotation !== 'always' });
  const cookieKeys = [randomBytes(32).toString('base64url')];
  let keys: JWK[] = [generateSigningKey(alg)];
  let provider: Provider | undefined;
  let callback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (!provider || !callback) {
      res.writeHead(503).end();
      return;
    }
    if (url === '/oidc' || url.startsWith('/oidc/') || url.startsWith('/oidc?')) {
      // Mounted like an Express sub-app: oidc-provider derives its mount path from originalUrl.
      Object.assign(req, { originalUrl: url });
      req.url = url.slice('/oidc'.length) || '/';
      callback(req, res);
      return;
    }
    if (url.startsWith('/api/')) {
      handleManagementApi(req, res, management).catch((error: unknown) => {
        logger.warn(`logto-dev Management API failed: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('logto-dev: internal error');
      });
      return;
    }
    if (url.startsWith(interactionPath)) {
      handleInteraction(req, res, provider, directory).catch((error: unknown) => {
        logger.warn(`logto-dev sign-in page failed: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('logto-dev: internal error');
      });
      return;
    }
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('Not found. The provider is under /oidc.\n');
  });

  await listen(server, options.port ?? 3001, host);
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('logto-dev: unexpected server address');
  // Listening on every interface still needs a concrete host in the issuer.
  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const endpoint = `http://${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${address.port}`;
  const issuer = `${endpoint}/oidc`;

  const management: ManagementApiContext = {
    entities: new ManagementEntities(config),
    issuer,
    // Private parts stripped: the keys verify, they never sign here.
    publicKeys: () =>
      keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart }) => publicPart),
    applicationsChanged: () => build(),
  };

  const build = () => {
    provider = createProvider({
      oidc,
      issuer,
      config,
      keys,
      cookieKeys,
      adapter,
      alg,
      rotation,
      onRequest: (entry) => {
        if (requests.push(entry) > maxLoggedRequests) requests.shift();
      },
    });
    provider.on('server_error', (_ctx: unknown, error: Error) =>
      logger.warn(`logto-dev: oidc-provider server error: ${error.message}`),
    );
    provider.on('backchannel.error', (_ctx: unknown, error: Error, client: { clientId: string }) =>
      logger.warn(`logto-dev: back-channel logout to ${client.clientId} failed: ${error.message}`),
    );
    callback = provider.callback();
  };
  build();

  return {
    endpoint,
    issuer,
    config,
    requests,
    resetRequests() {
      requests.length = 0;
    },
    async rotateSigningKey() {
      const [current] = keys;
      keys = current ? [generateSigningKey(alg), current] : [generateSigningKey(alg)];
      build();
    },
    updateApplication(id, changes) {
      const app = config.applications.find((candidate) => candidate.id === id);
      if (app === undefined) throw new Error(`logto-dev: no application "${id}"`);
      Object.assign(app, changes);
      build();
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
