import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { completeSignIn, demoConfig, type LogtoDev } from '../src/index.js';

export const appId = 'demo-app';
export const appSecret = 'demo-app-secret-0123456789abcdef0123456789abcdef';
export const redirectUri = 'http://127.0.0.1:3000/callback';
export const api = 'https://api.example.com';
export const alice = { username: 'alice', password: 'alice-password' };
export const bob = { username: 'bob', password: 'bob-password' };

export { demoConfig };

/** A PKCE verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizationRequest {
  scope?: string;
  resources?: string[];
  prompt?: string;
  extra?: Record<string, string>;
  challenge?: string | null;
}

/** The authorization URL an SDK would build (Logto defaults: openid offline_access profile, prompt=consent). */
export function authorizationUrl(
  dev: LogtoDev,
  request: AuthorizationRequest = {},
): { url: string; verifier: string; state: string } {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('base64url');
  const url = new URL(`${dev.issuer}/auth`);
  url.searchParams.set('client_id', appId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', request.scope ?? 'openid offline_access profile');
  for (const resource of request.resources ?? []) url.searchParams.append('resource', resource);
  url.searchParams.set('prompt', request.prompt ?? 'consent');
  if (request.challenge !== null) {
    url.searchParams.set('code_challenge', request.challenge ?? challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  url.searchParams.set('state', state);
  for (const [key, value] of Object.entries(request.extra ?? {})) url.searchParams.set(key, value);
  return { url: url.href, verifier, state };
}

const basic = `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`;

/** POSTs a form to the token endpoint (client_secret_basic unless the body carries client_secret). */
export async function tokenRequest(
  dev: LogtoDev,
  form: Record<string, string | string[]>,
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (!('client_secret' in form)) headers.authorization = basic;
  return fetch(`${dev.issuer}/token`, { method: 'POST', headers, body });
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  scope?: string;
  token_type: string;
}

/** Signs in through the HTML pages and exchanges the code. */
export async function signIn(
  dev: LogtoDev,
  request: AuthorizationRequest = {},
  user = alice,
): Promise<Tokens> {
  const { url, verifier } = authorizationUrl(dev, request);
  const callback = new URL(await completeSignIn(url, user));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  const response = await tokenRequest(dev, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  if (response.status !== 200)
    throw new Error(`code exchange failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Tokens;
}

/** A refresh grant; returns the status and JSON body. */
export async function refresh(
  dev: LogtoDev,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await tokenRequest(dev, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...extra,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Verifies a JWT against the provider's JWKS and returns its header and claims. */
export async function verify(dev: LogtoDev, jwt: string) {
  const jwks = createRemoteJWKSet(new URL(`${dev.issuer}/jwks`));
  return jwtVerify(jwt, jwks, { issuer: dev.issuer });
}

/** Decodes a JWT payload without verification. */
export function decode(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}
