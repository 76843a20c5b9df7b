/**
 * A small client of Logto's Management API for a machine-to-machine app: one token by client
 * credentials, JSON requests, every page of a list, and errors that say what to fix.
 *
 * @module
 */

/** A failure of the tenant set-up, with what to do about it. */
export class TenantSetupError extends Error {
  override readonly name = 'TenantSetupError';
}

/** How to reach a tenant's Management API. */
export interface ManagementClientOptions {
  /** The tenant, e.g. `https://your-tenant.logto.app` or `http://localhost:3001`. */
  endpoint: string;
  /** The machine-to-machine app's id (`LOGTO_M2M_APP_ID`). */
  appId: string;
  /** Its secret (`LOGTO_M2M_APP_SECRET`). */
  appSecret: string;
  /** The Management API's resource indicator; see {@link managementApiResourceFor}. */
  resource: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * The Management API's resource indicator for a tenant endpoint: `https://<tenant-id>.logto.app/api`
 * on Logto Cloud (read from the host), `https://default.logto.app/api` for a self-hosted Logto.
 * A Cloud tenant on a custom domain needs it given (`--management-api`).
 */
export function managementApiResourceFor(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  const cloud = /^([a-z0-9]+)\.logto\.app$/.exec(host);
  return cloud ? `https://${cloud[1]}.logto.app/api` : 'https://default.logto.app/api';
}

const noAccess = (resource: string) =>
  `The machine-to-machine app has no access to the Logto Management API (${resource}). In the Logto Console, open Applications → your machine-to-machine app → Roles, and assign a machine-to-machine role that has the Logto Management API permission "all".`;

/** An authenticated Management API client. */
export class ManagementClient {
  readonly #base: string;
  readonly #token: string;
  readonly #resource: string;
  readonly #fetch: typeof fetch;

  private constructor(base: string, token: string, resource: string, fetchImpl: typeof fetch) {
    this.#base = base;
    this.#token = token;
    this.#resource = resource;
    this.#fetch = fetchImpl;
  }

  /**
   * Gets a Management API token for the app.
   *
   * @throws TenantSetupError naming the cause: Logto unreachable, wrong credentials, an app that
   *   is not machine-to-machine, an unknown Management API resource, or no access to it.
   */
  static async connect(options: ManagementClientOptions): Promise<ManagementClient> {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const endpoint = options.endpoint.replace(/\/+$/, '');
    let response: Response;
    try {
      response = await fetchImpl(`${endpoint}/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.appId)}:${encodeURIComponent(options.appSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource: options.resource,
          scope: 'all',
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new TenantSetupError(
        `Logto at ${endpoint} could not be reached (${error instanceof Error ? error.message : String(error)}). Check LOGTO_ENDPOINT.`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = String(body.error ?? `HTTP ${response.status}`);
      const description = typeof body.error_description === 'string' ? body.error_description : '';
      if (error === 'invalid_client') {
        throw new TenantSetupError(
          `Logto refused the machine-to-machine app's credentials (invalid_client: ${description}). Check LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET: they are the id and secret of a "Machine-to-machine" application.`,
        );
      }
      // oidc-provider (Logto's base) says invalid_request with this description; RFC 6749 says unauthorized_client.
      if (error === 'unauthorized_client' || /grant type is not allowed/.test(description)) {
        throw new TenantSetupError(
          `The app ${options.appId} may not use client credentials (${error}: ${description}). LOGTO_M2M_APP_ID must be a "Machine-to-machine" application, not the sample's "Traditional web" one.`,
        );
      }
      if (error === 'invalid_target') {
        throw new TenantSetupError(
          `Logto does not know the Management API resource ${options.resource} (invalid_target). On Logto Cloud it is https://<tenant-id>.logto.app/api; give it with --management-api <indicator>.`,
        );
      }
      throw new TenantSetupError(
        `Logto refused the Management API token: ${error}${description ? ` (${description})` : ''}.`,
      );
    }
    const scopes = typeof body.scope === 'string' ? body.scope.split(' ') : [];
    if (typeof body.access_token !== 'string' || !scopes.includes('all')) {
      throw new TenantSetupError(noAccess(options.resource));
    }
    return new ManagementClient(`${endpoint}/api`, body.access_token, options.resource, fetchImpl);
  }

  /**
   * One Management API call.
   *
   * @throws TenantSetupError with Logto's message and code.
   */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(method, path, body);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Every item of a paginated list (100 a page). */
  async list<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const search = new URLSearchParams({ ...query, page: String(page), page_size: '100' });
      const response = await this.#send('GET', `${path}?${search}`);
      const batch = (await response.json()) as T[];
      items.push(...batch);
      const total = Number(response.headers.get('total-number') ?? Number.NaN);
      if (batch.length < 100 || (Number.isFinite(total) && items.length >= total)) return items;
    }
  }

  async #send(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await this.#fetch(`${this.#base}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.ok) return response;
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 401 || response.status === 403) {
      throw new TenantSetupError(
        `${method} /api/${path.split('?')[0]} was refused (${response.status} ${String(answer.code ?? '')}). ${noAccess(this.#resource)}`,
      );
    }
    throw new TenantSetupError(
      `${method} /api/${path.split('?')[0]} failed with ${response.status}: ${String(answer.message ?? 'no message')} (${String(answer.code ?? 'no code')}).`,
    );
  }
}
