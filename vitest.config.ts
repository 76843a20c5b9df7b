import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// Tests run against the TypeScript sources: no build step between an edit and a test run.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^logto-ts$/, replacement: src('logto/src/index.ts') },
      { find: /^logto-ts\/express$/, replacement: src('logto/src/adapters/express/index.ts') },
      { find: /^logto-ts\/hono$/, replacement: src('logto/src/adapters/hono/index.ts') },
      { find: /^logto-ts\/fastify$/, replacement: src('logto/src/adapters/fastify/index.ts') },
      { find: /^logto-ts\/web$/, replacement: src('logto/src/adapters/web/index.ts') },
      { find: /^logto-ts\/next$/, replacement: src('logto/src/adapters/next/index.ts') },
      { find: /^logto-ts\/redis$/, replacement: src('logto/src/session/redis/index.ts') },
      { find: /^logto-ts\/api$/, replacement: src('logto/src/api/index.ts') },
      { find: /^logto-ts\/api\/express$/, replacement: src('logto/src/api/express.ts') },
      { find: /^logto-ts\/api\/hono$/, replacement: src('logto/src/api/hono.ts') },
      { find: /^logto-ts\/api\/fastify$/, replacement: src('logto/src/api/fastify.ts') },
      { find: /^logto-dev$/, replacement: src('logto-dev/src/index.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'test/consumers/**/*.test.ts',
    ],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['./test/global-setup.ts'],
  },
});
