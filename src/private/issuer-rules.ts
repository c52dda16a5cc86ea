import { Token } from 'aws-cdk-lib';
import { invalid, Problem, shown } from './errors';

/** Entra ID's v2.0 issuer is `https://login.microsoftonline.com/<tenant GUID>/v2.0`. */
export const ENTRA_ID_HOST = 'login.microsoftonline.com';
/** Tenant aliases that sign-in URLs accept but no token carries in `iss` (Microsoft identity platform, "ID token claims reference"). */
const ENTRA_ALIASES = ['common', 'organizations', 'consumers'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function entraTenantProblems(property: string, tenant: string): Problem[] {
  if (Token.isUnresolved(tenant) || GUID.test(tenant)) return [];
  return [invalid(property, tenant, tenantProblem(tenant), TENANT_FIX)];
}

/** An Entra ID issuer URL given as such must name its tenant as tokens do: by its GUID. */
export function entraIssuerProblems(issuerUrl: string): Problem[] {
  if (Token.isUnresolved(issuerUrl)) return [];
  const tenant = new RegExp(`^https://${ENTRA_ID_HOST.replace(/\./g, '\\.')}/([^/]+)(/|$)`).exec(issuerUrl)?.[1];
  if (tenant === undefined || Token.isUnresolved(tenant) || GUID.test(tenant)) return [];
  return [invalid('issuerUrl', issuerUrl, `its tenant: ${tenantProblem(tenant)}`, `${TENANT_FIX}, in https://${ENTRA_ID_HOST}/<tenant ID>/v2.0`)];
}

const TENANT_FIX = 'Use the Directory (tenant) ID that the Entra admin center shows under "Overview", e.g. "72f988bf-86f1-41af-91ab-2d7cd011db47"';

function tenantProblem(tenant: string): string {
  return ENTRA_ALIASES.includes(tenant.toLowerCase())
    ? `"${tenant}" is an alias of sign-in URLs, and no token carries it in "iss": tokens name the tenant that signed them`
    : 'the issuer of Entra ID tokens names the tenant by its ID (a GUID), never by a domain or another name';
}

/**
 * Issuers that sign tokens for anyone who asks, and the claims that pin a provider to one
 * organisation (GitHub: "About security hardening with OpenID Connect"; GitLab: "ID token
 * authentication"; Google: the `hd` claim of "OpenID Connect").
 */
const SHARED_ISSUERS: ReadonlyArray<{ url: string; who: string; pins: string[] }> = [
  {
    url: 'https://token.actions.githubusercontent.com',
    who: 'any GitHub Actions workflow of any repository on GitHub, which can ask for any audience',
    pins: ['repository_owner', 'repository_owner_id', 'repository', 'repository_id'],
  },
  {
    url: 'https://gitlab.com',
    who: 'any CI job of any project on gitlab.com, which can ask for any audience',
    pins: ['namespace_path', 'namespace_id', 'project_path', 'project_id'],
  },
  {
    url: 'https://accounts.google.com',
    who: 'any Google account holder who signs in to your OAuth client',
    pins: ['hd'],
  },
];

/**
 * A warning when the provider accepts a shared issuer's tokens without a required claim that
 * pins an organisation. The URL is compared without a trailing slash, which tokens of these
 * issuers never have, so a provider that would never accept a token is not mistaken for safe.
 */
export function sharedIssuerWarning(issuerUrl: string, requiredClaims: { [claim: string]: string }): string | undefined {
  if (Token.isUnresolved(issuerUrl)) return undefined;
  const shared = SHARED_ISSUERS.find(s => s.url === issuerUrl.replace(/\/$/, ''));
  if (shared === undefined || [...shared.pins, 'sub'].some(claim => Object.prototype.hasOwnProperty.call(requiredClaims, claim))) return undefined;
  return `The issuer ${shown(issuerUrl)} signs tokens for ${shared.who}, and no required claim pins your organisation: every one of `
    + 'them can log in to this cluster (as system:authenticated, with whatever is bound to it). '
    + `Require one of ${shared.pins.join(', ')} or an exact sub (the OidcIssuer presets do), or acknowledge this warning if any of them may log in`;
}
