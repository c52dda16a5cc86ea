import { Token } from 'aws-cdk-lib';
import { invalid, Problem, shown } from './errors';
import { gitHubRepositoryOfSubject, gitHubSubject, isImmutableGitHubSubject } from './github-actions-rules';

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

/** How a required claim pins a shared issuer's tokens: by a value never reused, or by a name anyone may register later. */
type Pin = 'id' | 'name';

interface SharedIssuer {
  readonly url: string;
  /** Who gets tokens from the issuer. */
  readonly who: string;
  /** What names are recycled, when deleted or renamed. */
  readonly recycled: string;
  /** The claims that pin, each by ID or by name, and, for a name, the ID claim to require instead. */
  readonly claims: { [claim: string]: { pin: Pin; instead?: string } };
  /** What an exact `sub` pins by, and what to require instead of a name-only one. */
  readonly sub: (value: string) => { pin: Pin; instead?: string };
  /** How to pin, for a provider that does not. */
  readonly advice: string;
}

const GITHUB_IMMUTABLE_SUB = `an exact sub in GitHub's immutable form, ${gitHubSubject(gitHubRepositoryOfSubject('<owner>', '<repository>',
  { ownerId: '<owner ID>', repositoryId: '<repository ID>' }), '...')} (GitHubActionsSubject spells it)`;

/**
 * Issuers that sign tokens for anyone who asks, and the claims that pin a provider to one
 * organisation (GitHub: "About security hardening with OpenID Connect"; GitLab: "ID token
 * authentication"; Google: the `hd` and `sub` claims of "OpenID Connect"). Names of GitHub
 * organisations, users and repositories and of GitLab groups and projects are recycled ("Sub:jugation",
 * Astrix Security 2025): only their numeric IDs, never reused, pin for good. Google's `sub` is "unique
 * among all Google accounts and never reused".
 */
const SHARED_ISSUERS: ReadonlyArray<SharedIssuer> = [
  {
    url: 'https://token.actions.githubusercontent.com',
    who: 'any GitHub Actions workflow of any repository on GitHub, which can ask for any audience',
    recycled: 'an organisation, user or repository',
    claims: {
      repository_owner_id: { pin: 'id' },
      repository_id: { pin: 'id' },
      repository_owner: { pin: 'name', instead: 'repository_owner_id' },
      repository: { pin: 'name', instead: 'repository_id' },
    },
    sub: value => (isImmutableGitHubSubject(value) ? { pin: 'id' } : { pin: 'name', instead: GITHUB_IMMUTABLE_SUB }),
    advice: 'Require repository_owner_id or repository_id, IDs that GitHub never reuses (OidcIssuer.gitHubActions({ ownerId }) does), '
      + `or ${GITHUB_IMMUTABLE_SUB}`,
  },
  {
    url: 'https://gitlab.com',
    who: 'any CI job of any project on gitlab.com, which can ask for any audience',
    recycled: 'a group, user or project',
    claims: {
      namespace_id: { pin: 'id' },
      project_id: { pin: 'id' },
      namespace_path: { pin: 'name', instead: 'namespace_id' },
      project_path: { pin: 'name', instead: 'project_id' },
    },
    // GitLab's sub is always `project_path:<path>:...`: a name.
    sub: () => ({ pin: 'name', instead: 'project_id' }),
    advice: 'Require namespace_id or project_id, IDs that GitLab never reuses (OidcIssuer.gitLab({ namespaceId }) does)',
  },
  {
    url: 'https://accounts.google.com',
    who: 'any Google account holder who signs in to your OAuth client',
    recycled: 'an account',
    claims: { hd: { pin: 'id' } },
    sub: () => ({ pin: 'id' }),
    advice: 'Require hd, your Workspace domain (OidcIssuer.googleWorkspace({ domain }) does), or an exact sub',
  },
];

/** The warning of the shared-issuer guard: its id (after `cdk-eks-oidc:`) and its message. */
export interface SharedIssuerWarning {
  readonly id: 'sharedIssuerNotPinned' | 'sharedIssuerPinnedByName';
  readonly message: string;
}

/**
 * A warning when the provider accepts a shared issuer's tokens without a required claim that
 * pins an organisation (`sharedIssuerNotPinned`), or pins it only by names, which are recycled
 * (`sharedIssuerPinnedByName`). The URL is compared without a trailing slash, which tokens of
 * these issuers never have, so a provider that would never accept a token is not mistaken for safe.
 */
export function sharedIssuerWarning(issuerUrl: string, requiredClaims: { [claim: string]: string }): SharedIssuerWarning | undefined {
  if (Token.isUnresolved(issuerUrl)) return undefined;
  const shared = SHARED_ISSUERS.find(s => s.url === issuerUrl.replace(/\/$/, ''));
  if (shared === undefined) return undefined;
  const pins = Object.entries(requiredClaims).flatMap(([claim, value]) => {
    const pin = claim === 'sub' ? shared.sub(value) : Object.prototype.hasOwnProperty.call(shared.claims, claim) ? shared.claims[claim] : undefined;
    return pin === undefined ? [] : [{ claim, value, ...pin }];
  });
  if (pins.some(p => p.pin === 'id')) return undefined;
  const issuer = `The issuer ${shown(issuerUrl)} signs tokens for ${shared.who}`;
  if (pins.length === 0) {
    return {
      id: 'sharedIssuerNotPinned',
      message: `${issuer}, and no required claim pins your organisation: every one of them can log in to this cluster `
        + `(as system:authenticated, with whatever is bound to it). ${shared.advice}, or acknowledge this warning if any of them may log in`,
    };
  }
  const names = pins.map(p => `${p.claim}=${shown(p.value)}`).join(', ');
  const replaced = new Map<string, string[]>();
  for (const p of pins) replaced.set(p.instead!, [...replaced.get(p.instead!) ?? [], p.claim]);
  const instead = [...replaced].map(([id, claims]) => `${id} in place of ${claims.join(' and ')}`).join(', ');
  return {
    id: 'sharedIssuerPinnedByName',
    message: `${issuer}, and only names pin your organisation here (${names}). Names are recycled: once ${shared.recycled} is deleted or `
      + 'renamed, anyone can register the old name and get tokens that carry it, and log in to this cluster. '
      + `Pin by IDs, which are never reused: require ${instead} (names may stay beside the IDs), or acknowledge this warning if you accept the risk`,
  };
}
