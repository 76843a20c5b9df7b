/**
 * Turns a {@link LogtoConfig} into a {@link NormalizedLogtoConfig}: defaults applied in one place,
 * every field checked, scopes and resources de-duplicated in a stable order.
 *
 * @module
 */
import { LogtoError } from '../errors.js';
import { issuerPathAdvice } from './issuer-path.js';
import { ReservedResource, reservedScopes, UserInfoScope } from './scopes.js';
import type { ClientAuthMethod, LogtoConfig, NormalizedLogtoConfig, Prompt } from './types.js';

/** Default `prompt`: `consent` is what makes Logto issue a refresh token. */
export const defaultPrompt: Prompt = 'consent';
/** Default clock tolerance, in seconds. */
export const defaultClockTolerance = 60;
/** Largest accepted clock tolerance, in seconds: more would keep expired tokens alive. */
export const maxClockTolerance = 300;
/** Default per-request timeout, in milliseconds. */
export const defaultTimeout = 10_000;

const prompts: readonly Prompt[] = ['consent', 'login', 'none', 'select_account'];
const clientAuthMethods: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

const invalid = (field: string, problem: string, cause?: unknown): LogtoError =>
  new LogtoError('config.invalid', `LogtoConfig.${field} ${problem}`, { cause });

/** True for hosts that never leave the machine: `localhost`, `127.x.x.x` and `[::1]`. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' ||
  hostname.endsWith('.localhost') ||
  hostname === '[::1]' ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0;

const normalizeEndpoint = (value: unknown, allowInsecure: boolean): string => {
  if (!isNonEmptyString(value)) throw invalid('endpoint', 'must be a non-empty URL string.');
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw invalid('endpoint', 'is not a valid absolute URL.', cause);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid('endpoint', 'must use https.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecure) {
    throw invalid(
      'endpoint',
      'must use https (plain http is accepted only for loopback hosts, or with allowInsecureEndpoint: true).',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid('endpoint', 'must not contain credentials, a query or a fragment.');
  }
  const advice = issuerPathAdvice(url.href);
  if (advice !== undefined) throw invalid('endpoint', advice);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};

const normalizeScopes = (
  value: unknown,
  includeReserved: boolean,
): { scopes: string[]; hasOrganizationsScope: boolean } => {
  if (value !== undefined && !Array.isArray(value)) {
    throw invalid('scopes', 'must be an array of strings.');
  }
  const given: unknown[] = value ?? [];
  for (const scope of given) {
    if (!isNonEmptyString(scope) || /\s/.test(scope)) {
      throw invalid('scopes', 'must contain non-empty strings without spaces.');
    }
  }
  const scopes = [...new Set([...(includeReserved ? reservedScopes : []), ...(given as string[])])];
  if (!scopes.includes('openid')) {
    throw invalid('scopes', "must include 'openid' when includeReservedScopes is false.");
  }
  return { scopes, hasOrganizationsScope: scopes.includes(UserInfoScope.Organizations) };
};

const normalizeResources = (value: unknown, addOrganizations: boolean): string[] => {
  if (value !== undefined && !Array.isArray(value)) {
    throw invalid('resources', 'must be an array of absolute URIs.');
  }
  const given: unknown[] = value ?? [];
  for (const resource of given) {
    if (!isNonEmptyString(resource) || !URL.canParse(resource) || resource.includes('#')) {
      throw invalid('resources', 'must contain absolute URIs without a fragment.');
    }
  }
  const resources = [...new Set(given as string[])];
  if (addOrganizations && !resources.includes(ReservedResource.Organizations)) {
    resources.push(ReservedResource.Organizations);
  }
  return resources;
};

/**
 * Joins a prompt value or list into the `prompt` parameter, de-duplicated. Gives `undefined` for
 * an empty list, an unknown value, or `none` combined with another value (OIDC forbids it).
 */
export const parsePrompt = (value: unknown): string | undefined => {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => prompts.includes(item as Prompt))) {
    return undefined;
  }
  const unique = [...new Set(list as Prompt[])];
  if (unique.includes('none') && unique.length > 1) return undefined;
  return unique.join(' ');
};

/** What a valid `prompt` is, for error messages. */
export const promptRule = `must be one of ${prompts.join(', ')} (or a list of them; none stands alone).`;

const normalizePrompt = (value: unknown): string => {
  if (value === undefined) return defaultPrompt;
  const prompt = parsePrompt(value);
  if (prompt === undefined) throw invalid('prompt', promptRule);
  return prompt;
};

const normalizeNumber = (
  config: LogtoConfig,
  field: 'clockTolerance' | 'timeout',
  fallback: number,
  min: number,
  max: number,
  minExclusive = false,
): number => {
  const value: unknown = config[field];
  if (value === undefined) return fallback;
  const aboveMin = typeof value === 'number' && (minExclusive ? value > min : value >= min);
  if (!aboveMin || !Number.isFinite(value) || value > max) {
    throw invalid(field, `must be a number ${minExclusive ? '>' : '≥'} ${min} and ≤ ${max}.`);
  }
  return value;
};

/**
 * Applies defaults and validates `config`.
 *
 * @throws {@link LogtoError} `config.invalid`, naming the offending field.
 */
export const normalizeLogtoConfig = (config: LogtoConfig): NormalizedLogtoConfig => {
  if (typeof config !== 'object' || config === null) {
    throw new LogtoError('config.invalid', 'LogtoConfig must be an object.');
  }
  for (const field of ['allowInsecureEndpoint', 'includeReservedScopes'] as const) {
    const value = config[field];
    if (value !== undefined && typeof value !== 'boolean')
      throw invalid(field, 'must be a boolean.');
  }
  const endpoint = normalizeEndpoint(config.endpoint, config.allowInsecureEndpoint === true);
  if (!isNonEmptyString(config.appId)) throw invalid('appId', 'must be a non-empty string.');
  if (config.appSecret !== undefined && !isNonEmptyString(config.appSecret)) {
    throw invalid('appSecret', 'must be a non-empty string when given.');
  }
  const clientAuth = config.clientAuth ?? (config.appSecret ? 'client_secret_basic' : 'none');
  if (!clientAuthMethods.includes(clientAuth)) {
    throw invalid('clientAuth', `must be one of ${clientAuthMethods.join(', ')}.`);
  }
  if (clientAuth !== 'none' && config.appSecret === undefined) {
    throw invalid('clientAuth', `is ${clientAuth} but appSecret is not set.`);
  }
  const { scopes, hasOrganizationsScope } = normalizeScopes(
    config.scopes,
    config.includeReservedScopes !== false,
  );
  return {
    endpoint,
    appId: config.appId,
    ...(config.appSecret === undefined ? {} : { appSecret: config.appSecret }),
    scopes,
    resources: normalizeResources(config.resources, hasOrganizationsScope),
    prompt: normalizePrompt(config.prompt),
    clockTolerance: normalizeNumber(
      config,
      'clockTolerance',
      defaultClockTolerance,
      0,
      maxClockTolerance,
    ),
    timeout: normalizeNumber(config, 'timeout', defaultTimeout, 0, 600_000, true),
    clientAuth,
    hasOrganizationsScope,
  };
};
