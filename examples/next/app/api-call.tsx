import { callApi } from 'example-express/dist/api-call.js';
import type { ApiCallResult } from 'example-express/dist/pages/claims.js';
import { apiBaseUrl } from '../logto';
import { JsonBlock } from './json-block';

/** Calls the example API at `path` with `token`, or says why it is not called. */
export const callExampleApi = (path: string, token: string): Promise<ApiCallResult> => {
  const base = apiBaseUrl();
  return base === undefined
    ? Promise.resolve({
        kind: 'not_configured',
        reason:
          'No example API is configured for this run (API_BASE_URL), so only the token is shown.',
      })
    : callApi(new URL(path, base).href, token);
};

/** What the example API answered. */
export function ApiCall({ result }: { result: ApiCallResult }) {
  switch (result.kind) {
    case 'response':
      return (
        <>
          <p>
            <code>GET {result.url}</code> with <code>Authorization: Bearer &lt;token&gt;</code>{' '}
            answered <strong data-testid="api-status">{result.status}</strong>:
          </p>
          <JsonBlock testId="api-result" value={result.body} />
        </>
      );
    case 'failed':
      return (
        <div className="card error">
          <h2>The API did not answer</h2>
          <p>
            <code>GET {result.url}</code>: {result.reason}
          </p>
        </div>
      );
    case 'not_configured':
      return (
        <div className="card">
          <p data-testid="api-result">{result.reason}</p>
        </div>
      );
  }
}
