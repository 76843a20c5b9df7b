import Link from 'next/link';
import { logto } from '../../logto';
import { JsonBlock } from '../json-block';

export default async function IdTokenClaims() {
  // Signed out: a redirect to /sign-in?returnTo=/protected (the proxy passes the page's path).
  const claims = await logto.requireUser();
  return (
    <>
      <h1>ID token claims</h1>
      <p className="lead">
        Read from the session: the ID token was verified when you signed in, so this page makes no
        network call.
      </p>
      <p>
        Claims that only the userinfo endpoint answers (<code>custom_data</code>,{' '}
        <code>identities</code>) are not here: see <Link href="/protected/userinfo">Userinfo</Link>.
      </p>
      <JsonBlock testId="claims" value={claims} />
    </>
  );
}
