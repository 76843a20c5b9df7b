/**
 * A small, real OpenID provider that misbehaves on request, for fault tests.
 *
 * It listens on 127.0.0.1 (random port) and serves discovery, authorization (no sign-in page: it
 * redirects straight back with a code, remembering the nonce for the ID token), JWKS, token,
 * userinfo and revocation the way Logto lays them out (issuer `<endpoint>/oidc`). By default every endpoint
 * answers correctly; a test replaces any endpoint's behaviour with {@link respond} helpers or its
 * own handler, changes the signing key or the ID token it issues, and counts the requests.
 *
 * @example
 * ```ts
 * const provider = await startHostileProvider();
 * provider.handle('jwks', respond.html());
 * // … exercise the SDK against provider.endpoint …
 * expect(provider.count('jwks')).toBe(1);
 * await provider.close();
 * ```
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, CompactSign, type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The endpoints the provider serves. */
export type EndpointName =
  | 'discovery'
  | 'authorization'
  | 'jwks'
  | 'token'
  | 'userinfo'
  | 'revocation';

/** One request the provider received. */
export interface RecordedRequest {
  endpoint: EndpointName | 'unknown';
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw request body. */
  body: string;
  /** The body parsed as a form (empty when it is not one). */
  form: URLSearchParams;
}

/** What a handler gets to answer one request. */
export interface HandlerContext {
  request: IncomingMessage;
  response: ServerResponse;
  recorded: RecordedRequest;
  provider: HostileProvider;
}

/** Answers one request. */
export type Handler = (context: HandlerContext) => void | Promise<void>;

/** A signing key pair with its public JWK. */
export interface TestKey {
  alg: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as served in the JWKS (`kid` and `use` included when set). */
  publicJwk: JWK;
}

/**
 * Generates a signing key. `kid` defaults to a random ID; pass `null` for a key without one.
 */
export async function generateTestKey(
  alg = 'ES384',
  options: { kid?: string | null; use?: 'sig' | 'enc' | null } = {},
): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = await exportJWK(publicKey);
  const kid = options.kid === undefined ? randomBytes(6).toString('hex') : options.kid;
  if (kid !== null) publicJwk.kid = kid;
  const use = options.use === undefined ? 'sig' : options.use;
  if (use !== null) publicJwk.use = use;
  return { alg, privateKey, publicKey, publicJwk };
}

/** Public JWKs an SDK cannot use and must skip without failing. */
export const unusableJwks = {
  /** An RSA key for encryption (`use: enc`). */
  encryptionKey(): JWK {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'enc-key', use: 'enc' };
  },
  /** An EC key on secp256k1, a curve WebCrypto cannot import. */
  secp256k1Key(kid = 'k1-key'): JWK {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, use: 'sig' };
  },
  /** A symmetric key (must never be used to verify an ID token). */
  octKey(): JWK {
    return { kty: 'oct', k: base64url.encode(randomBytes(32)), kid: 'oct-key' };
  },
  /** A key of a type nobody knows. */
  unknownTypeKey(): JWK {
    return { kty: 'XYZ', kid: 'xyz-key' };
  },
};

/** Ready-made misbehaviours (and plain answers) for {@link HostileProvider.handle}. */
export const respond = {
  /** Answers JSON. */
  json(body: unknown, status = 200, headers: Record<string, string> = {}): Handler {
    return ({ response }) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
  },
  /** Answers a body with the given content type. */
  text(body: string, contentType = 'text/plain', status = 200): Handler {
    return ({ response }) => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
    };
  },
  /** Answers an HTML page (what a proxy or a misconfigured route sends). */
  html(status = 200): Handler {
    return respond.text(
      '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>',
      'text/html',
      status,
    );
  },
  /** Answers JSON that is cut off half-way. */
  malformedJson(status = 200): Handler {
    return respond.text('{"issuer": "http://127.0.0.1', 'application/json', status);
  },
  /** Answers an OAuth error response. */
  oauthError(error: string, description?: string, status = 400): Handler {
    return respond.json(
      description === undefined ? { error } : { error, error_description: description },
      status,
    );
  },
  /**
   * Streams a valid JSON object of about `options.bytes` bytes (default 2 MiB): `options.body`
   * (default `{}`) with a long `padding` member. No `content-length` unless `declareLength`.
   */
  huge(
    options: { bytes?: number; body?: Record<string, unknown>; declareLength?: boolean } = {},
  ): Handler {
    return ({ response }) => {
      const bytes = options.bytes ?? 2 * 1024 * 1024;
      const head = Buffer.from(`${JSON.stringify({ ...options.body, padding: '' }).slice(0, -2)}`);
      const tail = Buffer.from('"}');
      const total = Math.max(bytes, head.length + tail.length);
      response.writeHead(200, {
        'content-type': 'application/json',
        ...(options.declareLength ? { 'content-length': String(total) } : {}),
      });
      response.on('error', () => undefined);
      response.write(head);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let remaining = total - head.length - tail.length;
      const pump = () => {
        while (remaining > 0) {
          const part = chunk.subarray(0, Math.min(chunk.length, remaining));
          remaining -= part.length;
          if (!response.write(part)) {
            response.once('drain', pump);
            return;
          }
        }
        response.end(tail);
      };
      pump();
    };
  },
  /** Never answers (the connection is closed when the provider closes). */
  hang(): Handler {
    return () => undefined;
  },
  /** Sends headers, then never sends the body. */
  hangAfterHeaders(): Handler {
    return ({ response }) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{');
    };
  },
  /** Closes the connection without answering. */
  closeSocket(): Handler {
    return ({ request }) => {
      request.socket.destroy();
    };
  },
};

/** Options of {@link startHostileProvider}. */
export interface HostileProviderOptions {
  /** The client ID tokens are issued to. Default `'test-client'`. */
  clientId?: string;
  /** The signing algorithm of the first key. Default `'ES384'` (as Logto). */
  alg?: string;
}

/** Options of {@link HostileProvider.signIdToken}. */
export interface SignIdTokenOptions {
  /** Claims to add or replace (`undefined` values are left out). */
  claims?: Record<string, unknown>;
  /** Claims to remove from the defaults. */
  omit?: string[];
  /** Header parameters to add or replace (`kid: undefined` removes the kid). */
  header?: Record<string, unknown>;
  /** The key to sign with. Default: the current signing key. */
  key?: TestKey;
}

/** The running provider. */
export interface HostileProvider {
  /** `http://127.0.0.1:<port>` (what LogtoConfig.endpoint would be). */
  readonly endpoint: string;
  /** `<endpoint>/oidc`. */
  readonly issuer: string;
  readonly clientId: string;
  /** The discovery document served (mutable: change it to misbehave). */
  metadata: Record<string, unknown>;
  /** The key ID tokens are signed with by default. */
  signingKey: TestKey;
  /** The keys served in the JWKS, in order (mutable). */
  jwks: JWK[];
  /** Options for the ID token the default token endpoint issues. */
  idTokenOptions: SignIdTokenOptions;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The number of requests received by one endpoint. */
  count(endpoint: EndpointName): number;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  /** Replaces an endpoint's behaviour; `undefined` restores the default. */
  handle(endpoint: EndpointName, handler: Handler | undefined): void;
  /** The default claims of an ID token: iss, sub, aud, exp (+1 h), iat (now). */
  defaultClaims(): Record<string, unknown>;
  /** Signs an ID token (any header, any claims, any key). */
  signIdToken(options?: SignIdTokenOptions): Promise<string>;
  /** A new signing key (new kid) is added to the JWKS and becomes the signing key. */
  rotateSigningKey(): Promise<TestKey>;
  /** Stops the server and drops every connection (hanging ones included). */
  close(): Promise<void>;
}

const paths: Readonly<Record<string, EndpointName>> = {
  '/oidc/.well-known/openid-configuration': 'discovery',
  '/oidc/auth': 'authorization',
  '/oidc/jwks': 'jwks',
  '/oidc/token': 'token',
  '/oidc/me': 'userinfo',
  '/oidc/token/revocation': 'revocation',
};

/** Starts a provider on 127.0.0.1 with a random port. Close it after the test. */
export async function startHostileProvider(
  options: HostileProviderOptions = {},
): Promise<HostileProvider> {
  const clientId = options.clientId ?? 'test-client';
  const alg = options.alg ?? 'ES384';
  const overrides = new Map<EndpointName, Handler>();
  const requests: RecordedRequest[] = [];
  const nonces = new Map<string, string | undefined>();
  const signingKey = await generateTestKey(alg);

  const server = createServer((request, response) => {
    void serve(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const issuer = `${endpoint}/oidc`;

  const provider: HostileProvider = {
    endpoint,
    issuer,
    clientId,
    metadata: {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/session/end`,
      revocation_endpoint: `${issuer}/token/revocation`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [alg],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      authorization_response_iss_parameter_supported: true,
    },
    signingKey,
    jwks: [signingKey.publicJwk],
    idTokenOptions: {},
    requests,
    count: (name) => requests.filter((request) => request.endpoint === name).length,
    resetRequests: () => {
      requests.length = 0;
    },
    handle: (name, handler) => {
      if (handler) overrides.set(name, handler);
      else overrides.delete(name);
    },
    defaultClaims: () => {
      const now = Math.floor(Date.now() / 1000);
      return { iss: issuer, sub: 'user-1', aud: clientId, exp: now + 3600, iat: now };
    },
    signIdToken: (signOptions = {}) => signIdToken(provider, signOptions),
    rotateSigningKey: async () => {
      const key = await generateTestKey(provider.signingKey.alg);
      provider.jwks = [...provider.jwks, key.publicJwk];
      provider.signingKey = key;
      return key;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };

  const defaults: Record<EndpointName, Handler> = {
    discovery: (context) => respond.json(provider.metadata)(context),
    authorization: ({ request, response }) => {
      const query = new URL(request.url ?? '/', endpoint).searchParams;
      const code = `code-${randomBytes(12).toString('hex')}`;
      nonces.set(code, query.get('nonce') ?? undefined);
      const target = new URL(query.get('redirect_uri') ?? `${endpoint}/callback`);
      target.searchParams.set('code', code);
      const state = query.get('state');
      if (state !== null) target.searchParams.set('state', state);
      target.searchParams.set('iss', issuer);
      response.writeHead(303, { location: target.href });
      response.end();
    },
    jwks: (context) => respond.json({ keys: provider.jwks })(context),
    token: async (context) => {
      const code = context.recorded.form.get('code');
      const nonce = code === null ? undefined : nonces.get(code);
      const idTokenOptions =
        nonce === undefined
          ? provider.idTokenOptions
          : {
              ...provider.idTokenOptions,
              claims: { nonce, ...provider.idTokenOptions.claims },
            };
      const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
      respond.json({
        access_token: `at-${randomBytes(12).toString('hex')}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: refreshToken,
        id_token: await provider.signIdToken(idTokenOptions),
        scope: 'openid offline_access profile',
      })(context);
    },
    userinfo: (context) => respond.json({ sub: 'user-1', name: 'Test User' })(context),
    revocation: ({ response }) => {
      response.writeHead(200);
      response.end();
    },
  };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', endpoint).pathname;
    const name = paths[path];
    const recorded: RecordedRequest = {
      endpoint: name ?? 'unknown',
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      body,
      form: request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : new URLSearchParams(),
    };
    requests.push(recorded);
    if (!name) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'not_found' }));
      return;
    }
    const handler = overrides.get(name) ?? defaults[name];
    try {
      await handler({ request, response, recorded, provider });
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`hostile provider handler failed: ${String(error)}`);
    }
  }

  return provider;
}

async function signIdToken(
  provider: HostileProvider,
  options: SignIdTokenOptions,
): Promise<string> {
  const key = options.key ?? provider.signingKey;
  const claims: Record<string, unknown> = { ...provider.defaultClaims(), ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  const header: Record<string, unknown> = { alg: key.alg, typ: 'JWT', ...options.header };
  if (!('kid' in (options.header ?? {})) && key.publicJwk.kid !== undefined) {
    header.kid = key.publicJwk.kid;
  }
  for (const name of Object.keys(header)) if (header[name] === undefined) delete header[name];
  return signCompact(header, claims, key.privateKey);
}

/**
 * Signs any header and payload. `alg: none` gives an unsecured JWT; `HS*` algorithms take
 * `secret` (e.g. the provider's public key bytes, for the algorithm-confusion attack).
 */
export async function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  const encodedPayload = new TextEncoder().encode(JSON.stringify(payload));
  if (header.alg === 'none') {
    return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(encodedPayload)}.`;
  }
  const crit = Array.isArray(header.crit)
    ? Object.fromEntries(header.crit.map((name) => [String(name), true]))
    : undefined;
  return new CompactSign(encodedPayload)
    .setProtectedHeader(header as { alg: string })
    .sign(key, crit ? { crit } : {});
}

/** An endpoint on 127.0.0.1 where nothing listens (connection refused). */
export async function unusedEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
