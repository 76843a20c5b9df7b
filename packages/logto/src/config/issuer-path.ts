/**
 * The most likely endpoint mistake: the issuer pasted in place of the endpoint. Logto's console
 * shows the issuer, `<endpoint>/oidc`, next to the endpoint, so `https://tenant.logto.app/oidc`
 * ends up in configs, and discovery then asks for `…/oidc/oidc/.well-known/…` and gets a 404.
 *
 * @module
 */

const issuerSuffix = /\/oidc\/*$/i;

/**
 * When `endpoint` ends in `/oidc` (or `/oidc/`), the advice to drop it; otherwise `undefined`.
 *
 * @param endpoint - The endpoint as configured (an absolute URL).
 */
export function issuerPathAdvice(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if (!issuerSuffix.test(url.pathname)) return undefined;
  const base = `${url.origin}${url.pathname.replace(issuerSuffix, '')}`;
  return `ends in /oidc, which is Logto's issuer path, not part of the endpoint. Drop "/oidc": use "${base}" (the issuer is then ${base}/oidc).`;
}
