/**
 * Public types of {@link LogtoClient}: its options and the options of `signIn`.
 *
 * @module
 */
import type { FirstScreen } from '../config/scopes.js';
import type { Prompt } from '../config/types.js';
import type { Storage } from '../storage.js';
import type { RefreshRegistry } from './refresh-registry.js';

/** Where the client reports things worth knowing that are not errors (an ignored revocation failure, a corrupt stored value). */
export interface LogtoLogger {
  /** Something went wrong but the operation continued. Never receives a token or secret. */
  warn(message: string): void;
}

/** Options of a {@link LogtoClient}, besides its configuration. */
export interface LogtoClientOptions {
  /** Where this user's tokens and pending sign-in live (one session). */
  storage: Storage;
  /** The `fetch` used for every request to Logto. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Receives warnings. Default: none (silent). */
  logger?: LogtoLogger;
  /**
   * The registry that keeps concurrent refreshes from spending one refresh token twice. Default:
   * the process-wide one; a separate one isolates a group of clients (tests of several processes).
   */
  refreshRegistry?: RefreshRegistry;
}

/** A sign-in method Logto can jump to directly, skipping its sign-in page. */
export interface DirectSignInOptions {
  /** `social` for a social connector, `sso` for an enterprise SSO connector. */
  method: 'social' | 'sso';
  /** The social connector target (e.g. `google`) or the SSO connector id. */
  target: string;
}

/** An identifier type offered on Logto's identifier-first screens. */
export type SignInIdentifier = 'email' | 'phone' | 'username';

/** Options of {@link LogtoClient.signIn}. */
export interface SignInOptions {
  /** The absolute callback URL registered in Logto; the callback must arrive at exactly this origin and path. */
  redirectUri: string | URL;
  /**
   * Where to send the user after the callback: a path starting with a single `/`, or an absolute
   * URL with the same origin as `redirectUri`. Anything else is rejected (no open redirects).
   */
  postRedirectUri?: string | URL;
  /** Overrides the configured `prompt` for this sign-in. */
  prompt?: Prompt | readonly Prompt[];
  /** The screen Logto opens first (`first_screen`). */
  firstScreen?: FirstScreen;
  /** Identifier types offered on the identifier screens (`identifier`). */
  identifiers?: readonly SignInIdentifier[];
  /** Jump straight to a social or SSO connector (`direct_sign_in`). */
  directSignIn?: DirectSignInOptions;
  /** Pre-fills the identifier (`login_hint`). */
  loginHint?: string;
  /**
   * Shows the sign-in experience of this organization (its branding and sign-in methods) instead
   * of the default one (`organization_id`).
   */
  organizationId?: string;
  /** Deprecated by Logto in favour of `firstScreen`; sent only when `firstScreen` is not set. */
  interactionMode?: 'signIn' | 'signUp';
  /** More authorization parameters. A key that the client sets itself (e.g. `state`) is an error. */
  extraParams?: Readonly<Record<string, string>>;
}

/** The result of {@link LogtoClient.handleSignInCallback}. */
export interface SignInCallbackResult {
  /** The `postRedirectUri` given to `signIn`, if any: where to send the user now. */
  postRedirectUri?: string;
}
