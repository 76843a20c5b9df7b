/**
 * The sign-in session: what `signIn` stores for its callback, and how it is read back.
 *
 * @module
 */
import { parseJsonObject } from '../json.js';

/** How long a sign-in session stays valid, in milliseconds (10 minutes). */
export const signInSessionLifetime = 10 * 60 * 1000;

/** What `signIn` remembers until the callback arrives. Stored as JSON under `signInSession`. */
export interface SignInSession {
  /** The exact redirect URI sent in the authorization request. */
  redirectUri: string;
  /** The PKCE verifier. */
  codeVerifier: string;
  /** The `state` sent. */
  state: string;
  /** The `nonce` sent; the ID token must carry it. */
  nonce: string;
  /** Where to send the user after the callback, already checked against `redirectUri`. */
  postRedirectUri?: string;
  /** When the session was created (epoch milliseconds). */
  createdAt: number;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Parses a stored session; a corrupt or incomplete value gives `undefined` (treated as absent). */
export const parseSignInSession = (text: string | null): SignInSession | undefined => {
  const session = text === null ? undefined : parseJsonObject(text);
  if (
    session === undefined ||
    !isString(session.redirectUri) ||
    !URL.canParse(session.redirectUri) ||
    !isString(session.codeVerifier) ||
    !isString(session.state) ||
    !isString(session.nonce) ||
    typeof session.createdAt !== 'number' ||
    (session.postRedirectUri !== undefined && typeof session.postRedirectUri !== 'string')
  ) {
    return undefined;
  }
  return {
    redirectUri: session.redirectUri,
    codeVerifier: session.codeVerifier,
    state: session.state,
    nonce: session.nonce,
    createdAt: session.createdAt,
    ...(session.postRedirectUri === undefined ? {} : { postRedirectUri: session.postRedirectUri }),
  };
};

/** True once the session is older than {@link signInSessionLifetime} (or claims to come from the future). */
export const isSignInSessionExpired = (session: SignInSession, now = Date.now()): boolean =>
  now - session.createdAt > signInSessionLifetime || session.createdAt - now > 60_000;
