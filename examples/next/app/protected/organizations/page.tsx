import { summarizeOrganizations } from 'example-express/dist/pages/claims.js';
import Link from 'next/link';
import { logto } from '../../../logto';

export default async function Organizations() {
  const claims = await logto.requireUser();
  // Organization names are not in the ID token: userinfo's organization_data has them.
  const userInfo = await (await logto.getContext()).client.fetchUserInfo();
  const organizations = summarizeOrganizations(claims, userInfo);
  return (
    <>
      <h1>Organizations</h1>
      {organizations.length === 0 ? (
        <div className="card">
          <p>You are not a member of any organization.</p>
        </div>
      ) : (
        <>
          <p className="lead">
            From the ID token&apos;s <code>organizations</code> and <code>organization_roles</code>{' '}
            claims (names from userinfo&apos;s <code>organization_data</code>).
          </p>
          <ul className="links" data-testid="organizations">
            {organizations.map((organization) => (
              <li key={organization.id} data-organization={organization.id}>
                <Link href={`/protected/organizations/${encodeURIComponent(organization.id)}`}>
                  {organization.name ?? organization.id}
                </Link>
                <small>
                  id <code>{organization.id}</code>
                  {organization.roles.length > 0 ? ` · role ${organization.roles.join(', ')}` : ''}
                </small>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
