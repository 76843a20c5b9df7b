/** Receives logto-dev's messages. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
}

let loaded:
  | Promise<{ module: typeof import('oidc-provider'); runtimeWarning: boolean }>
  | undefined;
let explained = false;

/**
 * Imports oidc-provider once per process. oidc-provider 9 prints "Unsupported runtime. Use Node.js
 * v22.x LTS" when it is loaded on Node 20; logto-dev supports and is tested on Node 20.19+, so that
 * line is caught while the module loads and replaced by one explanation through the logger.
 */
export async function loadOidcProvider(logger: Logger): Promise<typeof import('oidc-provider')> {
  loaded ??= (async () => {
    const warn = console.warn;
    let runtimeWarning = false;
    console.warn = (...args: unknown[]) => {
      if (String(args[0]).includes('Unsupported runtime')) runtimeWarning = true;
      else warn(...args);
    };
    try {
      return { module: await import('oidc-provider'), runtimeWarning };
    } finally {
      console.warn = warn;
    }
  })();
  const { module, runtimeWarning } = await loaded;
  if (runtimeWarning && !explained) {
    explained = true;
    logger.info(
      `oidc-provider 9 officially targets Node.js 22+; its "Unsupported runtime" notice was silenced because logto-dev is tested on Node.js ${process.versions.node} (>= 20.19).`,
    );
  }
  return module;
}
