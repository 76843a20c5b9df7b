import type { UserInfoResponse } from 'logto-ts';
import { logto } from '../../../logto';
import { JsonBlock } from '../../json-block';

export default async function UserInfo() {
  const userInfo = (await logto.requireUser({ fetchUserInfo: true })) as UserInfoResponse;
  return (
    <>
      <h1>Userinfo</h1>
      <p className="lead">
        Fetched from Logto&apos;s userinfo endpoint with the session&apos;s access token, on every
        visit.
      </p>
      {userInfo.custom_data !== undefined && (
        <>
          <h2>Custom data</h2>
          <JsonBlock testId="custom-data" value={userInfo.custom_data} />
        </>
      )}
      <h2>All claims</h2>
      <JsonBlock testId="claims" value={userInfo} />
    </>
  );
}
