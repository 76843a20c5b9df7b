/**
 * The sample's settings: which Logto it uses, and what it refuses to start with.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvFiles, readSettings } from '../src/settings.js';

const tenant = {
  LOGTO_ENDPOINT: 'https://tenant.logto.app',
  LOGTO_APP_ID: 'app-id',
  LOGTO_APP_SECRET: 'app-secret',
};

describe('readSettings', () => {
  it('uses the embedded logto-dev on localhost:3000 when no LOGTO_* variable is set', () => {
    const settings = readSettings({});
    expect(settings.tenant).toBeUndefined();
    expect(settings.baseUrl).toBe('http://localhost:3000');
    expect(settings.port).toBe(3000);
    expect(settings.host).toBe('127.0.0.1');
    expect(settings.logtoDevPort).toBe(3001);
  });

  it('generates a random session secret of at least 32 characters when none is set', () => {
    const first = readSettings({});
    const second = readSettings({});
    expect(first.sessionSecretGenerated).toBe(true);
    expect(first.sessionSecrets[0]?.length).toBeGreaterThanOrEqual(32);
    expect(first.sessionSecrets).not.toEqual(second.sessionSecrets);
  });

  it('uses the Logto tenant when LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET are set', () => {
    expect(readSettings(tenant).tenant).toEqual({
      endpoint: 'https://tenant.logto.app',
      appId: 'app-id',
      appSecret: 'app-secret',
    });
  });

  it('refuses a partial tenant configuration and names the missing variables', () => {
    expect(() => readSettings({ LOGTO_ENDPOINT: 'https://tenant.logto.app' })).toThrow(
      'Missing: LOGTO_APP_ID, LOGTO_APP_SECRET.',
    );
  });

  it('refuses a session secret shorter than 32 characters', () => {
    expect(() => readSettings({ SESSION_SECRET: 'too-short' })).toThrow(
      'SESSION_SECRET: every secret must be at least 32 characters long.',
    );
  });

  it('reads comma-separated session secrets in order (the first encrypts)', () => {
    const next = 'n'.repeat(32);
    const previous = 'p'.repeat(32);
    const settings = readSettings({ SESSION_SECRET: `${next}, ${previous}` });
    expect(settings.sessionSecrets).toEqual([next, previous]);
    expect(settings.sessionSecretGenerated).toBe(false);
  });

  it('derives the base URL from PORT unless BASE_URL is set', () => {
    expect(readSettings({ PORT: '4000' }).baseUrl).toBe('http://localhost:4000');
    expect(readSettings({ PORT: '4000', BASE_URL: 'http://127.0.0.1:4000/' }).baseUrl).toBe(
      'http://127.0.0.1:4000',
    );
  });

  it("takes the API resource and permission from API_RESOURCE and API_SCOPE, with today's defaults", () => {
    expect(readSettings({})).toMatchObject({
      apiResource: 'https://api.example.com',
      apiScope: 'read:messages',
    });
    expect(
      readSettings({ API_RESOURCE: 'https://api.acme.test', API_SCOPE: 'read:notes' }),
    ).toMatchObject({ apiResource: 'https://api.acme.test', apiScope: 'read:notes' });
    expect(() => readSettings({ API_RESOURCE: 'api.acme.test' })).toThrow(
      'API_RESOURCE must be an absolute URI',
    );
    expect(() => readSettings({ API_SCOPE: 'read:a read:b' })).toThrow(
      'API_SCOPE must be one permission name',
    );
  });

  it('refuses a PORT that is not a port number', () => {
    expect(() => readSettings({ PORT: 'eighty' })).toThrow('PORT must be a port number');
  });
});

describe('loadEnvFiles', () => {
  it('lets the environment win over .env files, and the first file over the next', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sample-env-'));
    try {
      const near = join(dir, 'near.env');
      const far = join(dir, 'far.env');
      writeFileSync(near, 'PORT=4001\nLOGTO_APP_ID=near-app\n');
      writeFileSync(far, 'PORT=4002\nLOGTO_APP_ID=far-app\nHOST=0.0.0.0\n');
      const env: Record<string, string | undefined> = { PORT: '4000' };
      const loaded = loadEnvFiles([near, join(dir, 'missing.env'), far], env);
      expect(loaded).toEqual([near, far]);
      expect(env).toEqual({ PORT: '4000', LOGTO_APP_ID: 'near-app', HOST: '0.0.0.0' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
