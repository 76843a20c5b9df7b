/**
 * Pages that show claims: the ID token, userinfo, organizations, tokens and the API call.
 *
 * @module
 */
import type { AccessTokenClaims, IdTokenClaims, UserInfoResponse } from 'logto-ts';
import { html, jsonBlock, type SafeHtml } from '../html.js';

/** `/protected`: the claims of the verified ID token. */
export function idTokenPage(claims: IdTokenClaims | UserInfoResponse): SafeHtml {
  return html`<p class="lead">Read from the session: the ID token was verified when you signed in, so this page makes no network call.</p>
<p>Claims from scopes that only the userinfo endpoint answers (<code>custom_data</code>, <code>identities</code>) are not here: see <a href="/protected/userinfo">Userinfo</a>.</p>
<div data-testid="claims">${jsonBlock(claims)}</div>`;
}

/** `/protected/userinfo`: what the userinfo endpoint returned. */
export function userInfoPage(userInfo: UserInfoResponse): SafeHtml {
  return html`<p class="lead">Fetched from Logto's userinfo endpoint with the session's access token, on every visit.</p>
${
  userInfo.custom_data !== undefined
    ? html`<h2>Custom data</h2><div data-testid="custom-data">${jsonBlock(userInfo.custom_data)}</div>`
    : ''
}
<h2>All claims</h2>
<div data-testid="claims">${jsonBlock(userInfo)}</div>`;
}

/** One organization of the user, as the organizations page lists it. */
export interface OrganizationSummary {
  /** The organization id (from the ID token's `organizations`). */
  id: string;
  /** Its name, when userinfo's `organization_data` has it. */
  name?: string;
  /** The user's roles in it (from `organization_roles`, `<id>:<role>`). */
  roles: string[];
}

/** Lists the user's organizations from the ID token, with their names and the user's roles. */
export function summarizeOrganizations(
  claims: Pick<Partial<IdTokenClaims>, 'organizations' | 'organization_roles'>,
  userInfo?: UserInfoResponse,
): OrganizationSummary[] {
  return (claims.organizations ?? []).map((id) => {
    const name = userInfo?.organization_data?.find((data) => data.id === id)?.name;
    const roles = (claims.organization_roles ?? [])
      .filter((entry) => entry.startsWith(`${id}:`))
      .map((entry) => entry.slice(id.length + 1));
    return name === undefined ? { id, roles } : { id, name, roles };
  });
}

/** `/protected/organizations`: the user's organizations, each linking to its token. */
export function organizationsPage(organizations: readonly OrganizationSummary[]): SafeHtml {
  if (organizations.length === 0) {
    return html`<div class="card" data-testid="no-organizations"><p>You are not a member of any organization.</p>
<p>To try organization tokens, create an organization in Logto and add your user with an organization role that has <code>read:members</code>, or run <code>npm run setup:tenant -- --user &lt;username&gt;</code>. Then sign out and sign in again.</p></div>`;
  }
  return html`<p class="lead">From the ID token's <code>organizations</code> and <code>organization_roles</code> claims (names from userinfo's <code>organization_data</code>).</p>
<ul class="links" data-testid="organizations">${organizations.map(
    (organization) => html`<li data-organization="${organization.id}">
<a href="/protected/organizations/${encodeURIComponent(organization.id)}">${organization.name ?? organization.id}</a>
<small>id <code>${organization.id}</code>${organization.roles.length > 0 ? html` · role ${organization.roles.join(', ')}` : ''}</small></li>`,
  )}</ul>`;
}

/** What the page of one organization shows about its organization-scoped API token. */
export type ScopedApiToken =
  | { ok: true; resource: string; claims: AccessTokenClaims }
  | { ok: false; resource: string; code: string; message: string };

/** `/protected/organizations/:id`: the organization token's claims. */
export function organizationPage(
  organizationId: string,
  claims: AccessTokenClaims,
  scopedApiToken: ScopedApiToken,
  apiCall: ApiCallResult,
): SafeHtml {
  return html`<p class="lead">An organization token for <code>${organizationId}</code>: a refresh grant with <code>organization_id</code>; its audience is <code>urn:logto:organization:${organizationId}</code>.</p>
<div data-testid="organization-token">${jsonBlock(claims)}</div>
<h2>Calling the example API with it</h2>
${renderApiCall(apiCall)}
<h2>Organization-scoped API token</h2>
<p>The same grant with <code>resource=${scopedApiToken.resource}</code> as well: a token for the API, carrying this organization's permissions.</p>
${
  scopedApiToken.ok
    ? html`<div data-testid="scoped-api-token">${jsonBlock(scopedApiToken.claims)}</div>`
    : html`<div class="card error"><h2>Not issued</h2><p><code>${scopedApiToken.code}</code>: ${scopedApiToken.message}</p></div>`
}
<p><a href="/protected/organizations">All organizations</a></p>`;
}

/** The outcome of calling the example API with the resource token. */
export type ApiCallResult =
  | { kind: 'response'; url: string; status: number; body: unknown }
  | { kind: 'failed'; url: string; reason: string }
  | { kind: 'not_configured'; reason: string };

/** `/protected/resource`: the API resource token's claims and the result of calling the API. */
export function resourcePage(
  resource: string,
  scope: string,
  claims: AccessTokenClaims,
  apiCall: ApiCallResult,
): SafeHtml {
  const granted = String(claims.scope ?? '').split(' ');
  return html`<p class="lead">An access token for the API resource <code>${resource}</code>, obtained with the refresh token and cached in the session until shortly before it expires.</p>
${
  granted.includes(scope)
    ? ''
    : html`<div class="card error" data-testid="missing-role"><h2>No <code>${scope}</code> in this token</h2>
<p>The sample requested <code>${scope}</code>, but in Logto a token carries only the permissions that the user's roles grant. Give your user a role with the permission <code>${scope}</code> of <code>${resource}</code> (Console → Roles), or run <code>npm run setup:tenant -- --user &lt;username&gt;</code>. Then sign out and sign in again.</p></div>`
}
<div data-testid="resource-token">${jsonBlock(claims)}</div>
<h2>Calling the example API</h2>
${renderApiCall(apiCall)}`;
}

/** `/protected/resource` when the sign-in could not request the resource: what to create, and how. */
export function missingResourcePage(resource: string, scope: string): SafeHtml {
  return html`<div class="card error" data-testid="missing-resource">
<h2>This Logto tenant has no API resource <code>${resource}</code></h2>
<p>Logto refused the sign-in that asked for it (<code>invalid_target</code>), so the sample signed you in without it. There is no access token for the API to show.</p>
</div>
<div class="card"><h2>What to create</h2>
<p>Run <code>npm run setup:tenant -- --user &lt;your username&gt;</code> (it needs a machine-to-machine app with access to the Logto Management API; see the README), or in the Logto Console:</p>
<ol>
<li><em>API resources</em> → <em>Create API resource</em> with the identifier <code>${resource}</code>, and the permission <code>${scope}</code>.</li>
<li><em>Roles</em> → a user role with that permission, assigned to your user.</li>
</ol>
<p>Then <a href="/sign-out">sign out</a> and sign in again: resources and roles are granted at sign-in. (<code>API_RESOURCE</code> and <code>API_SCOPE</code> choose another resource and permission.)</p></div>`;
}

function renderApiCall(apiCall: ApiCallResult): SafeHtml {
  switch (apiCall.kind) {
    case 'response':
      return html`<p><code>GET ${apiCall.url}</code> with <code>Authorization: Bearer &lt;token&gt;</code> answered <strong data-testid="api-status">${apiCall.status}</strong>:</p>
<div data-testid="api-result" class="${apiCall.status < 400 ? 'ok' : 'error'}">${jsonBlock(apiCall.body)}</div>`;
    case 'failed':
      return html`<div class="card error"><h2>The API did not answer</h2><p><code>GET ${apiCall.url}</code>: ${apiCall.reason}</p></div>`;
    case 'not_configured':
      return html`<div class="card"><p data-testid="api-result">${apiCall.reason}</p></div>`;
  }
}
