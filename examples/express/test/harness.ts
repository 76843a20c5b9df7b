/**
 * Starts the sample on a random port next to its own logto-dev (also on a random port), as the
 * tests need it. The sample is served at `http://localhost:<port>` (one host name throughout, so
 * the browser's cookies always come back).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogtoDevConfig } from 'logto-dev';
import { type LogtoDev, startLogtoDev } from 'logto-dev';
import {
  createSampleApp,
  demoApplication,
  demoConfigFor,
  demoUsers,
  listen,
  type RunningServer,
  type SampleAppOptions,
} from '../src/index.js';

/** A running sample and its provider. */
export interface SampleUnderTest {
  /** `http://localhost:<port>`. */
  baseUrl: string;
  /** The embedded provider. */
  logtoDev: LogtoDev;
  /** Stops the sample and the provider. */
  stop(): Promise<void>;
}

/** The sample's session secret in tests (at least 32 characters). */
export const sessionSecret = 'sample-test-session-secret-0123456789abcdef';

/**
 * Starts the sample and a logto-dev configured with the sample's redirect URIs.
 * `editConfig` may change the demo data (e.g. a user with a hostile name).
 */
export async function startSample(
  editConfig: (config: LogtoDevConfig) => void = () => {},
  sampleOptions: Partial<SampleAppOptions> = {},
): Promise<SampleUnderTest> {
  // The port comes first: logto-dev needs the redirect URIs, the app needs logto-dev's endpoint.
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_, response) => {
    response.writeHead(503).end();
  };
  const server: RunningServer = await listen((req, res) => handler(req, res), 0, '127.0.0.1');
  const baseUrl = `http://localhost:${server.port}`;
  let logtoDev: LogtoDev;
  try {
    const config = demoConfigFor(baseUrl);
    editConfig(config);
    logtoDev = await startLogtoDev({ port: 0, config });
    handler = createSampleApp({
      endpoint: logtoDev.endpoint,
      ...demoApplication(config),
      baseUrl,
      sessionSecret,
      demoUsers: demoUsers(config),
      ...sampleOptions,
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    baseUrl,
    logtoDev,
    async stop() {
      await server.close();
      await logtoDev.stop();
    },
  };
}
