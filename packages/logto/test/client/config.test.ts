import { describe, expect, it } from 'vitest';
import { normalizeLogtoConfig } from '../../src/config/normalize.js';
import { ReservedResource, UserInfoScope } from '../../src/config/scopes.js';
import type { LogtoConfig } from '../../src/config/types.js';
import { LogtoError } from '../../src/errors.js';

const base: LogtoConfig = { endpoint: 'https://tenant.logto.app', appId: 'app' };

const invalidField = (config: LogtoConfig, field: string) => {
  let caught: unknown;
  try {
    normalizeLogtoConfig(config);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(LogtoError);
  expect((caught as LogtoError).code).toBe('config.invalid');
  expect((caught as LogtoError).message).toContain(field);
};

describe('LogtoConfig normalisation', () => {
  it('applies the defaults: consent prompt, 60 s clock tolerance, 10 s timeout, reserved scopes', () => {
    const config = normalizeLogtoConfig(base);
    expect(config).toMatchObject({
      endpoint: 'https://tenant.logto.app',
      prompt: 'consent',
      clockTolerance: 60,
      timeout: 10_000,
      clientAuth: 'none',
      scopes: ['openid', 'offline_access', 'profile'],
      resources: [],
      hasOrganizationsScope: false,
    });
  });

  it('uses client_secret_basic when a secret is set, and accepts client_secret_post', () => {
    expect(normalizeLogtoConfig({ ...base, appSecret: 's' }).clientAuth).toBe(
      'client_secret_basic',
    );
    expect(
      normalizeLogtoConfig({ ...base, appSecret: 's', clientAuth: 'client_secret_post' })
        .clientAuth,
    ).toBe('client_secret_post');
  });

  it('rejects a secret-based client authentication without a secret', () => {
    invalidField({ ...base, clientAuth: 'client_secret_basic' }, 'clientAuth');
  });

  it('puts reserved scopes first and drops duplicates', () => {
    const config = normalizeLogtoConfig({
      ...base,
      scopes: ['email', 'profile', 'email', 'openid'],
    });
    expect(config.scopes).toEqual(['openid', 'offline_access', 'profile', 'email']);
  });

  it('leaves reserved scopes out when includeReservedScopes is false, but still requires openid', () => {
    expect(
      normalizeLogtoConfig({ ...base, includeReservedScopes: false, scopes: ['openid', 'email'] })
        .scopes,
    ).toEqual(['openid', 'email']);
    invalidField({ ...base, includeReservedScopes: false, scopes: ['email'] }, 'scopes');
  });

  it('adds the organizations resource for the organizations scope, as a string or a constant', () => {
    for (const scope of ['urn:logto:scope:organizations', UserInfoScope.Organizations]) {
      const config = normalizeLogtoConfig({
        ...base,
        scopes: [scope],
        resources: ['https://api.example.com'],
      });
      expect(config.resources).toEqual(['https://api.example.com', ReservedResource.Organizations]);
      expect(config.hasOrganizationsScope).toBe(true);
    }
  });

  it('keeps resources in order without duplicates', () => {
    const config = normalizeLogtoConfig({
      ...base,
      resources: ['https://b.example', 'https://a.example', 'https://b.example'],
    });
    expect(config.resources).toEqual(['https://b.example', 'https://a.example']);
  });

  it('rejects a resource that is not an absolute URI or has a fragment', () => {
    invalidField({ ...base, resources: ['api'] }, 'resources');
    invalidField({ ...base, resources: ['https://api.example.com#x'] }, 'resources');
  });

  it('rejects scopes with spaces or empty scopes', () => {
    invalidField({ ...base, scopes: ['read write'] }, 'scopes');
    invalidField({ ...base, scopes: [''] }, 'scopes');
  });

  it('strips trailing slashes from the endpoint', () => {
    expect(
      normalizeLogtoConfig({ ...base, endpoint: 'https://tenant.logto.app///' }).endpoint,
    ).toBe('https://tenant.logto.app');
    expect(normalizeLogtoConfig({ ...base, endpoint: 'https://example.com/auth/' }).endpoint).toBe(
      'https://example.com/auth',
    );
  });

  it('requires https except on loopback hosts', () => {
    for (const endpoint of [
      'http://localhost:3001',
      'http://127.0.0.1:3001',
      'http://[::1]:3001',
    ]) {
      expect(normalizeLogtoConfig({ ...base, endpoint }).endpoint).toBe(endpoint);
    }
    invalidField({ ...base, endpoint: 'http://auth.example.com' }, 'endpoint');
    invalidField({ ...base, endpoint: 'ftp://auth.example.com' }, 'endpoint');
  });

  it('accepts plain http on another host only with allowInsecureEndpoint', () => {
    expect(
      normalizeLogtoConfig({
        ...base,
        endpoint: 'http://logto.internal',
        allowInsecureEndpoint: true,
      }).endpoint,
    ).toBe('http://logto.internal');
  });

  it('rejects an endpoint with a query, fragment or credentials, or that is not a URL', () => {
    invalidField({ ...base, endpoint: 'https://tenant.logto.app/?x=1' }, 'endpoint');
    invalidField({ ...base, endpoint: 'https://user:pw@tenant.logto.app' }, 'endpoint');
    invalidField({ ...base, endpoint: 'tenant.logto.app' }, 'endpoint');
  });

  it.each([
    ['https://tenant.logto.app/oidc', 'https://tenant.logto.app'],
    ['https://tenant.logto.app/oidc/', 'https://tenant.logto.app'],
    ['https://auth.example.com/logto/OIDC', 'https://auth.example.com/logto'],
  ])('rejects the issuer %s as endpoint and says to drop /oidc', (endpoint, fixed) => {
    invalidField({ ...base, endpoint }, 'endpoint');
    expect(() => normalizeLogtoConfig({ ...base, endpoint })).toThrow(
      `Drop "/oidc": use "${fixed}"`,
    );
  });

  it('accepts an endpoint whose path only contains oidc inside a segment', () => {
    expect(
      normalizeLogtoConfig({ ...base, endpoint: 'https://example.com/my-oidc' }).endpoint,
    ).toBe('https://example.com/my-oidc');
  });

  it('rejects a missing appId or an empty appSecret', () => {
    invalidField({ ...base, appId: '' }, 'appId');
    invalidField({ ...base, appSecret: '' }, 'appSecret');
  });

  it('joins a prompt list and rejects unknown prompts', () => {
    expect(normalizeLogtoConfig({ ...base, prompt: ['login', 'consent'] }).prompt).toBe(
      'login consent',
    );
    invalidField({ ...base, prompt: 'always' as never }, 'prompt');
    invalidField({ ...base, prompt: [] }, 'prompt');
    invalidField({ ...base, prompt: ['none', 'consent'] }, 'prompt');
  });

  it('bounds the clock tolerance and the timeout', () => {
    invalidField({ ...base, clockTolerance: 301 }, 'clockTolerance');
    invalidField({ ...base, clockTolerance: -1 }, 'clockTolerance');
    invalidField({ ...base, timeout: 0 }, 'timeout');
    invalidField({ ...base, timeout: Number.NaN }, 'timeout');
    expect(normalizeLogtoConfig({ ...base, clockTolerance: 0, timeout: 500 })).toMatchObject({
      clockTolerance: 0,
      timeout: 500,
    });
  });
});
