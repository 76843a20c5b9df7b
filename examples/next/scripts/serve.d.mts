import type { LogtoDev, LogtoDevConfig } from 'logto-dev';

/** Options of {@link startNextSample}. */
export interface NextSampleOptions {
  /** What the browser opens, e.g. `http://localhost:3000`. */
  baseUrl: string;
  /** The Next.js server's port and interface. */
  port: number;
  host: string;
  /** The embedded logto-dev's port (0: any free port). */
  logtoDevPort: number;
  /** A Logto tenant's application; `undefined` starts the embedded logto-dev. */
  tenant?: { endpoint: string; appId: string; appSecret: string } | undefined;
  /** The session secrets (the first encrypts). */
  sessionSecrets: readonly string[];
  /** Changes logto-dev's demo data before it starts. */
  editConfig?: (config: LogtoDevConfig) => void;
  /** logto-dev's notices. */
  logger?: { info(message: string): void; warn(message: string): void };
  /** The Next.js server's output. Default `'inherit'`. */
  stdio?: 'inherit' | 'ignore';
}

/** A running sample. */
export interface RunningNextSample {
  baseUrl: string;
  /** The embedded logto-dev, unless a tenant was given. */
  logtoDev: LogtoDev | undefined;
  /** Where the example API listens. */
  apiBaseUrl: string;
  /** Stops the Next.js server, the API and logto-dev. */
  stop(): Promise<void>;
}

/** Starts logto-dev (unless a tenant is given), the example API and `next start`. */
export function startNextSample(options: NextSampleOptions): Promise<RunningNextSample>;
