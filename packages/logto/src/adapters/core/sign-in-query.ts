/**
 * The sign-in route's per-request options: the query parameters an app allows
 * (`/sign-in?login_hint=…&first_screen=register`) turned into sign-in options. Parameters that are
 * not allowed, unknown, or carry a value Logto would not understand are ignored, so a crafted link
 * can neither break the sign-in nor touch the parameters the client sets itself.
 *
 * @module
 */
import type { DirectSignInOptions, SignInIdentifier } from '../../client/types.js';
import { FirstScreen } from '../../config/scopes.js';
import type { AdapterSignInOptions } from './options.js';

/** A query parameter of the sign-in route that an app may allow to set the sign-in's options. */
export type SignInQueryParam =
  | 'login_hint'
  | 'first_screen'
  | 'identifier'
  | 'direct_sign_in'
  | 'organization_id';

/** Every parameter {@link SignInQueryParam} names, for validating the allow-list. */
export const signInQueryParams: ReadonlySet<string> = new Set<SignInQueryParam>([
  'login_hint',
  'first_screen',
  'identifier',
  'direct_sign_in',
  'organization_id',
]);

/** Longest value read from the query: a hint or an id, never a document. */
const maxValueLength = 256;

const firstScreens: ReadonlySet<string> = new Set(Object.values(FirstScreen));
const identifierTypes: ReadonlySet<string> = new Set<SignInIdentifier>([
  'email',
  'phone',
  'username',
]);

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f]/;

const readValue = (query: URLSearchParams, name: string): string | undefined => {
  const value = query.get(name)?.trim();
  if (!value || value.length > maxValueLength || controlCharacters.test(value)) return undefined;
  return value;
};

const parseIdentifiers = (value: string): SignInIdentifier[] | undefined => {
  const items = value.split(/[\s,]+/).filter(Boolean);
  if (items.length === 0 || !items.every((item) => identifierTypes.has(item))) return undefined;
  return [...new Set(items)] as SignInIdentifier[];
};

const parseDirectSignIn = (value: string): DirectSignInOptions | undefined => {
  const separator = value.indexOf(':');
  const method = value.slice(0, separator);
  const target = value.slice(separator + 1);
  if (separator === -1 || (method !== 'social' && method !== 'sso') || !target) return undefined;
  return { method, target };
};

/**
 * The sign-in options that the allowed parameters of `query` set. Only the names in `allowed` are
 * read; a value that is empty, longer than 256 characters or not one Logto accepts is skipped.
 */
export const signInOptionsFromQuery = (
  query: URLSearchParams,
  allowed: ReadonlySet<SignInQueryParam>,
): AdapterSignInOptions => {
  const options: {
    -readonly [Key in keyof AdapterSignInOptions]: AdapterSignInOptions[Key];
  } = {};
  if (allowed.size === 0) return options;
  const read = (name: SignInQueryParam) => (allowed.has(name) ? readValue(query, name) : undefined);

  const loginHint = read('login_hint');
  if (loginHint !== undefined) options.loginHint = loginHint;
  const firstScreen = read('first_screen');
  if (firstScreen !== undefined && firstScreens.has(firstScreen)) {
    options.firstScreen = firstScreen as FirstScreen;
  }
  const identifier = read('identifier');
  const identifiers = identifier === undefined ? undefined : parseIdentifiers(identifier);
  if (identifiers !== undefined) options.identifiers = identifiers;
  const direct = read('direct_sign_in');
  const directSignIn = direct === undefined ? undefined : parseDirectSignIn(direct);
  if (directSignIn !== undefined) options.directSignIn = directSignIn;
  const organizationId = read('organization_id');
  if (organizationId !== undefined) options.organizationId = organizationId;
  return options;
};
