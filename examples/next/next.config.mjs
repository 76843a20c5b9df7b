import { fileURLToPath } from 'node:url';

/** The repository: `logto-ts` comes from its workspace (packages/logto), outside this folder. */
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
};

export default nextConfig;
