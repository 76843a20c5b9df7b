/**
 * Turns what `oauth4webapi` throws into {@link LogtoError}s, so that no library error escapes
 * and no response body (which may hold tokens) rides along in the cause chain.
 *
 * @module
 */
import * as oauth from 'oauth4webapi';
import { LogtoError, type LogtoErrorCode } from '../errors.js';

const oauthErrorCodes: Readonly<Record<string, LogtoErrorCode>> = {
  invalid_grant: 'token.invalid_grant',
  invalid_target: 'token.invalid_target',
  access_denied: 'token.access_denied',
};

const maxDescriptionLength = 300;

/** An `error_description` cut at 300 characters: it is the provider's (or a forger's) text. */
export function shownDescription(description: string): string {
  return description.length > maxDescriptionLength
    ? `${description.slice(0, maxDescriptionLength)}…`
    : description;
}

/**
 * Maps an error thrown while calling or reading a provider endpoint to a {@link LogtoError}.
 *
 * @param error - Whatever was thrown.
 * @param endpoint - Names the endpoint in the message, e.g. `'token endpoint'`.
 */
export function toProviderError(error: unknown, endpoint: string): LogtoError {
  if (error instanceof LogtoError) return error;
  const cause = safeCause(error);

  if (error instanceof oauth.ResponseBodyError) {
    return oauthErrorResponse(error.error, error.error_description, error.status, endpoint, cause);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const parameters = error.cause[0]?.parameters;
    return oauthErrorResponse(
      parameters?.error ?? 'invalid_request',
      parameters?.error_description,
      error.status,
      endpoint,
      cause,
    );
  }
  if (error instanceof oauth.OperationProcessingError) {
    // LogtoError leaves out the details that are undefined.
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    switch (error.code) {
      case oauth.JSON_ATTRIBUTE_COMPARISON:
        return new LogtoError(
          'provider.issuer_mismatch',
          `The provider's ${endpoint} names another issuer than the configured endpoint. Check the Logto endpoint in the config.`,
          { cause, status },
        );
      case oauth.MISSING_SERVER_METADATA:
        return new LogtoError(
          'provider.missing_endpoint',
          `The provider's discovery document does not advertise the ${endpoint}.`,
          { cause },
        );
      case oauth.HTTP_REQUEST_FORBIDDEN:
      case oauth.REQUEST_PROTOCOL_FORBIDDEN:
        return new LogtoError(
          'provider.invalid_response',
          `The provider advertises a non-https ${endpoint} for an https issuer; refusing to use it.`,
          { cause },
        );
      default:
        return new LogtoError(
          'provider.invalid_response',
          `The provider's ${endpoint} sent a response that is not a valid OAuth response${status === undefined ? '' : ` (HTTP ${status})`}: ${error.message}.`,
          { cause, status },
        );
    }
  }
  return new LogtoError(
    'provider.invalid_response',
    `The provider's ${endpoint} sent a response that could not be processed.`,
    { cause },
  );
}

function oauthErrorResponse(
  error: string,
  description: string | undefined,
  status: number,
  endpoint: string,
  cause: Error,
): LogtoError {
  const code = oauthErrorCodes[error] ?? 'provider.error_response';
  const shown = description === undefined ? '' : `: ${shownDescription(description)}`;
  return new LogtoError(
    code,
    `The provider's ${endpoint} answered "${error}" (HTTP ${status})${shown}.`,
    { cause, error, errorDescription: description, status },
  );
}

/**
 * A copy of a library error with its name, message and code only: the original's `cause` (or
 * jose's `payload`) may hold a whole response body or token, claims included.
 */
export function safeCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const copy = new Error(error.message);
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
