import { apiResource, logto } from '../../../logto';
import { ApiCall, callExampleApi } from '../../api-call';
import { JsonBlock } from '../../json-block';

export default async function Resource() {
  await logto.requireUser();
  const { client } = await logto.getContext();
  const token = await client.getAccessToken(apiResource);
  const claims = await client.getAccessTokenClaims(apiResource);
  const apiCall = await callExampleApi('/api/messages', token);
  return (
    <>
      <h1>API resource</h1>
      <p className="lead">
        An access token for the API resource <code>{apiResource}</code>, obtained with the refresh
        token and cached in the session until shortly before it expires.
      </p>
      <JsonBlock testId="resource-token" value={claims} />
      <h2>Calling the example API</h2>
      <ApiCall result={apiCall} />
    </>
  );
}
