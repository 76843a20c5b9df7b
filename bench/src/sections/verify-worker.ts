/**
 * Child process of section 3: access-token verification, raw `jose.jwtVerify` with a cached key
 * against `logto-ts/api`'s verifier, for ES384 and RS256. Serves its own discovery document and JWKS
 * on a loopback port (the verifier fetches them once), signs its own tokens, and sends the
 * figures to the parent over IPC.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { createAccessTokenVerifier } from 'logto-ts/api';
import { median } from '../lib/stats.js';

/** Figures for one algorithm, in verifications per second (medians over rounds). */
export interface VerifyAlgorithmResult {
  alg: 'ES384' | 'RS256';
  /** Raw `jose.jwtVerify` with the key imported once (iss, aud, alg checked). */
  joseOpsPerSecond: number;
  /** `verifier.verify` on tokens it has not seen (a fresh token each call; cache on). */
  firstSightOpsPerSecond: number;
  /** `verifier.verify` with `cacheSize: 0` on one token (the whole check every call). */
  cacheOffOpsPerSecond: number;
  /** `verifier.verify` on one token again and again (cache hit). */
  repeatedOpsPerSecond: number;
  tokensPerRound: number;
  rounds: number;
}

const audience = 'https://api.example.com';
const rounds = 3;

async function main(): Promise<void> {
  const keys = {
    ES384: await generateKeyPair('ES384', { extractable: true }),
    RS256: await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 }),
  };
  const jwks = {
    keys: [
      { ...(await exportJWK(keys.ES384.publicKey)), kid: 'es384-key', alg: 'ES384', use: 'sig' },
      { ...(await exportJWK(keys.RS256.publicKey)), kid: 'rs256-key', alg: 'RS256', use: 'sig' },
    ],
  };
  let issuer = '';
  const server = createServer((req, res) => {
    const body =
      req.url === '/oidc/.well-known/openid-configuration'
        ? {
            issuer,
            authorization_endpoint: `${issuer}/auth`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
            id_token_signing_alg_values_supported: ['ES384', 'RS256'],
          }
        : req.url === '/oidc/jwks'
          ? jwks
          : undefined;
    res
      .writeHead(body ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${endpoint}/oidc`;

  const results: VerifyAlgorithmResult[] = [];
  try {
    for (const alg of ['ES384', 'RS256'] as const) {
      const { privateKey, publicKey } = keys[alg];
      const kid = alg === 'ES384' ? 'es384-key' : 'rs256-key';
      const perRound = alg === 'ES384' ? 600 : 2000;
      const now = Math.floor(Date.now() / 1000);
      const sign = () =>
        new SignJWT({ scope: 'read:messages write:messages', client_id: 'demo-app' })
          .setProtectedHeader({ alg, kid, typ: 'at+jwt' })
          .setIssuer(issuer)
          .setAudience(audience)
          .setSubject('user-alice')
          .setJti(randomUUID())
          .setIssuedAt(now)
          .setExpirationTime(now + 3600)
          .sign(privateKey);
      const tokens: string[] = [];
      for (let i = 0; i < perRound; i++) tokens.push(await sign());
      const one = await sign();
      const options = { issuer, audience, algorithms: [alg] };

      const timed = async (run: () => Promise<void>, count: number) => {
        const start = performance.now();
        await run();
        return count / ((performance.now() - start) / 1000);
      };
      const jose: number[] = [];
      const firstSight: number[] = [];
      const cacheOff: number[] = [];
      const repeated: number[] = [];
      // Warm the JIT, discovery and the JWKS (process-wide caches) before any timing.
      const warm = createAccessTokenVerifier({ endpoint, audience });
      for (let i = 0; i < 200; i++) {
        await jwtVerify(tokens[i % 50] ?? one, publicKey, options);
        await warm.verify(tokens[i % 50] ?? one);
      }
      for (let round = 0; round < rounds; round++) {
        jose.push(
          await timed(async () => {
            for (const token of tokens) await jwtVerify(token, publicKey, options);
          }, tokens.length),
        );
        const fresh = createAccessTokenVerifier({ endpoint, audience });
        await fresh.verify(one);
        firstSight.push(
          await timed(async () => {
            for (const token of tokens) await fresh.verify(token);
          }, tokens.length),
        );
        const uncached = createAccessTokenVerifier({ endpoint, audience, cacheSize: 0 });
        cacheOff.push(
          await timed(async () => {
            for (let i = 0; i < tokens.length; i++) await uncached.verify(one);
          }, tokens.length),
        );
        const repeatCount = 50_000;
        repeated.push(
          await timed(async () => {
            for (let i = 0; i < repeatCount; i++) await fresh.verify(one);
          }, repeatCount),
        );
      }
      results.push({
        alg,
        joseOpsPerSecond: median(jose),
        firstSightOpsPerSecond: median(firstSight),
        cacheOffOpsPerSecond: median(cacheOff),
        repeatedOpsPerSecond: median(repeated),
        tokensPerRound: perRound,
        rounds,
      });
    }
  } finally {
    server.close();
  }
  process.send?.({ type: 'verify', results });
}

main().catch((error: unknown) => {
  process.send?.({
    type: 'error',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
});
