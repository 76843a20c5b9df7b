import type { AccessTokenClaims } from 'logto-ts';
import Link from 'next/link';
import { apiResource, logto } from '../../../../logto';
import { ApiCall, callExampleApi } from '../../../api-call';
import { JsonBlock } from '../../../json-block';
import { LogtoErrorCard } from '../../../logto-error';

export default async function Organization({
  params,
}: {
  params: Promise<{ organizationId: string }>;
}) {
  const { organizationId } = await params;
  await logto.requireUser({
    returnTo: `/protected/organizations/${encodeURIComponent(organizationId)}`,
  });
  const { client } = await logto.getContext();
  let claims: AccessTokenClaims;
  let token: string;
  try {
    token = await client.getOrganizationToken(organizationId);
    claims = await client.getOrganizationTokenClaims(organizationId);
  } catch (error) {
    // Not a member (token.access_denied): the page says so, the user stays signed in.
    return (
      <>
        <h1>Organization {organizationId}</h1>
        <LogtoErrorCard error={error} />
      </>
    );
  }
  const apiCall = await callExampleApi(
    `/api/organizations/${encodeURIComponent(organizationId)}/members`,
    token,
  );
  let scoped: { ok: true; claims: AccessTokenClaims } | { ok: false; error: unknown };
  try {
    scoped = { ok: true, claims: await client.getAccessTokenClaims(apiResource, organizationId) };
  } catch (error) {
    scoped = { ok: false, error };
  }
  return (
    <>
      <h1>Organization {organizationId}</h1>
      <p className="lead">
        An organization token for <code>{organizationId}</code>: a refresh grant with{' '}
        <code>organization_id</code>; its audience is{' '}
        <code>urn:logto:organization:{organizationId}</code>.
      </p>
      <JsonBlock testId="organization-token" value={claims} />
      <h2>Calling the example API with it</h2>
      <ApiCall result={apiCall} />
      <h2>Organization-scoped API token</h2>
      <p>
        The same grant with <code>resource={apiResource}</code> as well: a token for the API,
        carrying this organization&apos;s permissions.
      </p>
      {scoped.ok ? (
        <JsonBlock testId="scoped-api-token" value={scoped.claims} />
      ) : (
        <LogtoErrorCard error={scoped.error} />
      )}
      <p>
        <Link href="/protected/organizations">All organizations</Link>
      </p>
    </>
  );
}
