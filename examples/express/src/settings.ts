/**
 * The sample's settings, from the environment and optional `.env` files.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** A real Logto tenant's application, from `LOGTO_ENDPOINT`, `LOGTO_APP_ID`, `LOGTO_APP_SECRET`. */
export interface LogtoTenantSettings {
  /** `LOGTO_ENDPOINT`, e.g. `https://tenant.logto.app`. */
  endpoint: string;
  /** `LOGTO_APP_ID`. */
  appId: string;
  /** `LOGTO_APP_SECRET`. */
  appSecret: string;
}

/** Everything the sample's start script needs to know. */
export interface SampleSettings {
  /** The Logto tenant to use; `undefined` means "start the embedded logto-dev". */
  tenant: LogtoTenantSettings | undefined;
  /** `SESSION_SECRET`: one secret, or several comma-separated (the first encrypts, all decrypt). */
  sessionSecrets: string[];
  /** True when no `SESSION_SECRET` was set and a random one is used (sessions end at restart). */
  sessionSecretGenerated: boolean;
  /** `BASE_URL`: the address people open in the browser. Default `http://localhost:<PORT>`. */
  baseUrl: string;
  /** `PORT`. Default 3000. */
  port: number;
  /** `HOST`: the interface to listen on. Default `127.0.0.1` (this machine only). */
  host: string;
  /** `LOGTO_DEV_PORT`: the embedded logto-dev's port. Default 3001. */
  logtoDevPort: number;
  /** `API_RESOURCE`: the API resource the sample asks a token for. Default `https://api.example.com`. */
  apiResource: string;
  /** `API_SCOPE`: the permission it asks for on that API. Default `read:messages`. */
  apiScope: string;
}

/** The sample's API resource unless `API_RESOURCE` names another. */
export const defaultApiResource = 'https://api.example.com';
/** The sample's API permission unless `API_SCOPE` names another. */
export const defaultApiScope = 'read:messages';

/**
 * Adds the variables of each existing `.env` file to `env`, never overriding a variable that is
 * already set (the environment wins, then the first file listed). Returns the files read.
 */
export function loadEnvFiles(
  files: readonly string[],
  env: Record<string, string | undefined> = process.env,
): string[] {
  const loaded: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const values = parseEnv(readFileSync(file, 'utf8'));
    for (const [key, value] of Object.entries(values)) {
      if (env[key] === undefined && value !== undefined) env[key] = value;
    }
    loaded.push(file);
  }
  return loaded;
}

const tenantVariables = ['LOGTO_ENDPOINT', 'LOGTO_APP_ID', 'LOGTO_APP_SECRET'] as const;

function readPort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number (0-65535), not "${value}".`);
  }
  return port;
}

/**
 * Reads the settings from `env`.
 *
 * @throws Error naming the variable when one is invalid, or when only some of the three `LOGTO_*`
 * variables are set.
 */
export function readSettings(
  env: Record<string, string | undefined> = process.env,
): SampleSettings {
  const set = tenantVariables.filter((name) => (env[name] ?? '') !== '');
  if (set.length > 0 && set.length < tenantVariables.length) {
    const missing = tenantVariables.filter((name) => !set.includes(name));
    throw new Error(
      `Set all of LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET to use a Logto tenant, or none of them to use the embedded logto-dev. Missing: ${missing.join(', ')}.`,
    );
  }
  const tenant =
    set.length === tenantVariables.length
      ? {
          endpoint: env.LOGTO_ENDPOINT ?? '',
          appId: env.LOGTO_APP_ID ?? '',
          appSecret: env.LOGTO_APP_SECRET ?? '',
        }
      : undefined;

  const port = readPort('PORT', env.PORT, 3000);
  const baseUrl = (env.BASE_URL ?? '') || `http://localhost:${port}`;
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new Error(
      `BASE_URL must be an http(s) URL such as http://localhost:3000, not "${baseUrl}".`,
    );
  }

  const secrets = (env.SESSION_SECRET ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  const short = secrets.find((secret) => secret.length < 32);
  if (short !== undefined) {
    throw new Error('SESSION_SECRET: every secret must be at least 32 characters long.');
  }

  const apiResource = (env.API_RESOURCE ?? '') || defaultApiResource;
  if (!URL.canParse(apiResource) || apiResource.includes('#')) {
    throw new Error(
      `API_RESOURCE must be an absolute URI (an API resource's identifier in Logto), not "${apiResource}".`,
    );
  }
  const apiScope = (env.API_SCOPE ?? '') || defaultApiScope;
  if (/\s/.test(apiScope)) {
    throw new Error(`API_SCOPE must be one permission name, without spaces, not "${apiScope}".`);
  }

  return {
    tenant,
    apiResource,
    apiScope,
    sessionSecrets: secrets.length > 0 ? secrets : [randomBytes(32).toString('base64url')],
    sessionSecretGenerated: secrets.length === 0,
    baseUrl: new URL(baseUrl).origin,
    port,
    host: (env.HOST ?? '') || '127.0.0.1',
    logtoDevPort: readPort('LOGTO_DEV_PORT', env.LOGTO_DEV_PORT, 3001),
  };
}
