import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoConfig, LogtoDevConfigError, startLogtoDev, validateConfig } from '../src/index.js';

function invalid(
  mutate: (config: Record<string, unknown> & ReturnType<typeof demoConfig>) => void,
): string {
  const config = demoConfig() as Record<string, unknown> & ReturnType<typeof demoConfig>;
  mutate(config);
  try {
    validateConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(LogtoDevConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('config validation', () => {
  it('accepts the demo config and returns an equal copy', () => {
    expect(validateConfig(demoConfig())).toEqual(demoConfig());
  });

  it('demoConfig returns a fresh deep copy each call', () => {
    const first = demoConfig();
    first.applications[0]?.redirectUris.push('http://localhost:4000/callback');
    expect(demoConfig().applications[0]?.redirectUris).toHaveLength(2);
  });

  it('names a redirect URI that is not an absolute http(s) URL', () => {
    const message = invalid((c) => {
      c.applications[0]?.redirectUris.push('/callback');
    });
    expect(message).toBe(
      'Invalid logto-dev config: applications[0].redirectUris[2]: must be an absolute http(s) URL',
    );
  });

  it('names a missing field', () => {
    expect(invalid((c) => Reflect.deleteProperty(c.users[1] ?? {}, 'password'))).toContain(
      'users[1].password: must be a non-empty string',
    );
  });

  it('names a role that does not exist', () => {
    expect(invalid((c) => c.users[0]?.roles?.push('ghost'))).toContain(
      'users[0].roles[1]: unknown role "ghost"',
    );
  });

  it('names a role scope that its resource does not define', () => {
    expect(
      invalid((c) =>
        c.roles[0]?.scopes.push({ resource: 'https://api.example.com', scope: 'delete:messages' }),
      ),
    ).toContain(
      'roles[0].scopes[2].scope: resource "https://api.example.com" has no scope "delete:messages"',
    );
  });

  it('names an organization member who is not a user', () => {
    expect(
      invalid((c) => c.organizations[0]?.members.push({ userId: 'nobody', roles: [] })),
    ).toContain('organizations[0].members[1].userId: unknown user "nobody"');
  });

  it('names a duplicate username', () => {
    expect(
      invalid((c) => {
        const [first, second] = c.users;
        if (first && second) second.username = first.username;
      }),
    ).toContain('users[1].username: duplicate username "alice"');
  });

  it('names a duplicate role name', () => {
    expect(
      invalid((c) => {
        c.roles.push({ name: 'message-reader', scopes: [] });
      }),
    ).toBe('Invalid logto-dev config: roles[2].name: duplicate role name "message-reader"');
  });

  it('names a duplicate organization role name', () => {
    expect(
      invalid((c) => {
        c.organizationRoles.push({ name: 'admin', scopes: [] });
      }),
    ).toBe(
      'Invalid logto-dev config: organizationRoles[2].name: duplicate organization role name "admin"',
    );
  });

  it('names a non-positive access-token TTL', () => {
    expect(
      invalid((c) => {
        const [resource] = c.resources;
        if (resource) resource.accessTokenTtl = 0;
      }),
    ).toContain('resources[0].accessTokenTtl: must be a positive integer (seconds)');
  });

  it('rejects a config file that is not JSON, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logto-dev-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, '{ applications: [] ');
      await expect(startLogtoDev({ port: 0, config: file })).rejects.toThrow(
        `The logto-dev config file ${file} is not valid JSON`,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('loads a valid config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'logto-dev-'));
    try {
      const file = join(dir, 'config.json');
      const config = demoConfig();
      config.users = config.users.slice(0, 1);
      config.organizations = [];
      await writeFile(file, JSON.stringify(config));
      const dev = await startLogtoDev({ port: 0, config: file });
      try {
        expect(dev.config.users.map((u) => u.username)).toEqual(['alice']);
      } finally {
        await dev.stop();
      }
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('listening', () => {
  it('says so when the port is already in use', async () => {
    const first = await startLogtoDev({ port: 0 });
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startLogtoDev({ port })).rejects.toThrow(
        `logto-dev cannot listen on 127.0.0.1:${port}: the port is already in use`,
      );
    } finally {
      await first.stop();
    }
  });
});
