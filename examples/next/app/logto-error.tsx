import { isLogtoError } from 'logto-ts';

/** What a page shows for a `LogtoError` it expects (e.g. `token.access_denied`); rethrows anything else. */
export function LogtoErrorCard({ error }: { error: unknown }) {
  if (!isLogtoError(error)) throw error;
  return (
    <div className="card error">
      <h2>
        <code data-testid="error-code">{error.code}</code>
      </h2>
      <p>{error.message}</p>
      <p>
        What to do:{' '}
        {error.code === 'token.access_denied' ? (
          <>
            you are not a member of this organization. Pick one of{' '}
            <a href="/protected/organizations">your organizations</a>.
          </>
        ) : (
          <>
            <a href="/sign-in">sign in again</a>.
          </>
        )}
      </p>
    </div>
  );
}
