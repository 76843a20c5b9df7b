/**
 * `npm run setup:tenant -- --user <username> [--redirect-uris] [--management-api <indicator>]`:
 * prepares a Logto tenant for the sample through the Management API.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { defaultApiResource, defaultApiScope } from '../settings.js';
import {
  ManagementClient,
  managementApiResourceFor,
  TenantSetupError,
} from './management-client.js';
import { type SetupStep, setUpTenant } from './setup.js';

const usage = `Usage: npm run setup:tenant -- [--user <username>] [--redirect-uris] [--management-api <indicator>]

Prepares your Logto tenant for the sample through the Management API. Creates what is missing and
prints what it found or created; running it again changes nothing.

  --user <username>          give this user the role and a demo organization (recommended)
  --redirect-uris            register <BASE_URL>/callback and <BASE_URL>/ on LOGTO_APP_ID
  --management-api <uri>     the Management API resource (default: https://<tenant-id>.logto.app/api
                             for *.logto.app, otherwise https://default.logto.app/api)

Environment (or .env): LOGTO_ENDPOINT, LOGTO_M2M_APP_ID, LOGTO_M2M_APP_SECRET (a machine-to-machine
app with a role that has the Logto Management API permission "all"); optional API_RESOURCE,
API_SCOPE, LOGTO_APP_ID and BASE_URL.`;

/** What the command was asked to do. */
export interface SetupCommand {
  endpoint: string;
  appId: string;
  appSecret: string;
  managementApi: string;
  apiResource: string;
  apiScope: string;
  username?: string;
  /** Register the sample app's redirect URIs. */
  sampleApp?: { appId: string; baseUrl: string };
}

/**
 * Reads the command from arguments and environment.
 *
 * @throws TenantSetupError naming what is missing or wrong.
 */
export function readSetupCommand(
  args: readonly string[],
  env: Record<string, string | undefined>,
): SetupCommand | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new TenantSetupError(
      `${error instanceof Error ? error.message : String(error)}\n\n${usage}`,
    );
  }
  if (values.help) return 'help';
  const missing = ['LOGTO_ENDPOINT', 'LOGTO_M2M_APP_ID', 'LOGTO_M2M_APP_SECRET'].filter(
    (name) => (env[name] ?? '') === '',
  );
  if (missing.length > 0) {
    throw new TenantSetupError(
      `Set ${missing.join(', ')}: the tenant, and the id and secret of a machine-to-machine app with access to the Logto Management API (Console → Applications → Create → Machine-to-machine, then assign it a role with the Management API permission "all").`,
    );
  }
  const endpoint = env.LOGTO_ENDPOINT ?? '';
  if (!URL.canParse(endpoint)) {
    throw new TenantSetupError(
      `LOGTO_ENDPOINT must be a URL such as https://your-tenant.logto.app, not "${endpoint}".`,
    );
  }
  const command: SetupCommand = {
    endpoint,
    appId: env.LOGTO_M2M_APP_ID ?? '',
    appSecret: env.LOGTO_M2M_APP_SECRET ?? '',
    managementApi: values['management-api'] ?? managementApiResourceFor(endpoint),
    apiResource: (env.API_RESOURCE ?? '') || defaultApiResource,
    apiScope: (env.API_SCOPE ?? '') || defaultApiScope,
  };
  if (values.user !== undefined) command.username = values.user;
  if (values['redirect-uris']) {
    const appId = env.LOGTO_APP_ID ?? '';
    if (appId === '') {
      throw new TenantSetupError(
        '--redirect-uris needs LOGTO_APP_ID: the sample\'s "Traditional web" app.',
      );
    }
    command.sampleApp = {
      appId,
      baseUrl: (env.BASE_URL ?? '') || `http://localhost:${(env.PORT ?? '') || '3000'}`,
    };
  }
  return command;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      user: { type: 'string' },
      'redirect-uris': { type: 'boolean' },
      'management-api': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

const outcomeLabels: Record<SetupStep['outcome'], string> = {
  found: 'found  ',
  created: 'created',
  added: 'added  ',
  updated: 'updated',
};

/**
 * Runs the command; prints each step. Returns the process exit code (0, or 1 with the reason on
 * `error`).
 */
export async function runSetupCommand(
  args: readonly string[],
  env: Record<string, string | undefined>,
  out: { log(line: string): void; error(line: string): void } = console,
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<number> {
  try {
    const command = readSetupCommand(args, env);
    if (command === 'help') {
      out.log(usage);
      return 0;
    }
    out.log(
      `Setting up ${command.endpoint} for the Logto sample (Management API ${command.managementApi})`,
    );
    const api = await ManagementClient.connect({
      endpoint: command.endpoint,
      appId: command.appId,
      appSecret: command.appSecret,
      resource: command.managementApi,
      fetch: fetchImpl,
    });
    const steps = await setUpTenant(
      api,
      {
        apiResource: command.apiResource,
        apiScope: command.apiScope,
        ...(command.username === undefined ? {} : { username: command.username }),
        ...(command.sampleApp ?? {}),
      },
      (step) => out.log(`  ${outcomeLabels[step.outcome]}  ${step.what}`),
    );
    const changed = steps.filter((step) => step.outcome !== 'found').length;
    out.log(
      changed === 0 ? 'Nothing to change: the tenant is ready.' : `Done: ${changed} change(s).`,
    );
    if (command.username === undefined) {
      out.log(
        'No --user given: no user got the role or the organization. Run again with --user <username>.',
      );
    } else if (changed > 0) {
      out.log(
        `Sign out of the sample and sign in again as ${command.username}: roles and organizations are granted at sign-in.`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof TenantSetupError) {
      out.error(`setup:tenant: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
