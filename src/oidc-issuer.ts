import { Token } from 'aws-cdk-lib';
import { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { check, invalid, Problem, shown } from './private/errors';
import { FIND_GITHUB_REPOSITORY_ID, gitHubNameProblems, gitHubOwnerIdProblems, gitHubRepositoryIdProblems } from './private/github-actions-rules';
import { ENTRA_ID_HOST, entraIssuerProblems, entraTenantProblems } from './private/issuer-rules';
import { checkOptions, typeProblems } from './private/js-types';
import { issuerUrlProblems, numericIdProblems, requiredClaimsProblems, textProblems } from './private/validation';

/** Options of `OidcIssuer.entraId()`. */
export interface EntraIdIssuerOptions {
  /**
   * The directory (tenant) ID: a GUID, as the Entra admin center shows it under "Overview".
   * `common`, `organizations`, `consumers` and domain names are not accepted: no token carries
   * them in its `iss`.
   */
  readonly tenantId: string;
}

/** Options of `OidcIssuer.okta()`. */
export interface OktaIssuerOptions {
  /** The Okta domain, without `https://`, e.g. `example.okta.com`. */
  readonly domain: string;

  /**
   * The ID of the custom authorization server.
   *
   * @default 'default'
   */
  readonly authorizationServerId?: string;
}

/** Options of `OidcIssuer.googleWorkspace()`. */
export interface GoogleWorkspaceIssuerOptions {
  /** The Workspace domain whose users may log in: the `hd` claim of their tokens, e.g. `example.com`. */
  readonly domain: string;
}

/** Options of `OidcIssuer.keycloak()`. */
export interface KeycloakIssuerOptions {
  /**
   * The Keycloak server's URL, e.g. `https://keycloak.example.com`. Before Keycloak 17 (and on
   * the legacy WildFly distribution) realms live under `/auth`: give `https://keycloak.example.com/auth`.
   */
  readonly url: string;

  /** The realm's name. */
  readonly realm: string;
}

/** Options of `OidcIssuer.auth0()`. */
export interface Auth0IssuerOptions {
  /** The tenant's domain, without `https://`, e.g. `example.eu.auth0.com` or a custom domain. */
  readonly domain: string;
}

/**
 * Options of `OidcIssuer.gitHubActions()`. The owner, and optionally one repository, are pinned by
 * their numeric IDs, which GitHub never reuses: names are recycled, and whoever registers a deleted
 * or renamed organisation's name gets tokens that carry it. Names may be given as well, for readers
 * of the settings, never alone.
 */
export interface GitHubActionsIssuerOptions {
  /**
   * The numeric ID of the organisation or user whose workflows may log in: the required claim
   * `repository_owner_id`, e.g. `'9919'`.
   *
   * Find it with `gh api orgs/<org> --jq .id` (for a user: `gh api users/<user> --jq .id`), or as
   * `id` in the answer of the REST API's `GET /orgs/{org}` (`GET /users/{username}`).
   */
  readonly ownerId: string;

  /**
   * The owner's name, e.g. `octo-org`: the required claim `repository_owner` too. It adds no
   * protection to `ownerId`, and a renamed owner's tokens carry the new name, which this claim then
   * refuses until you change it (a replacement of the association).
   *
   * @default - the owner is pinned by its ID alone
   */
  readonly owner?: string;

  /**
   * The numeric ID of the one repository whose workflows may log in: the required claim
   * `repository_id`.
   *
   * Find it with `gh api repos/<owner>/<repo> --jq .id`, or as `id` in the answer of the REST API's
   * `GET /repos/{owner}/{repo}`.
   *
   * @default - every repository of the owner
   */
  readonly repositoryId?: string;

  /**
   * The repository's name without the owner, e.g. `infrastructure`: the required claim
   * `repository=<owner>/<repository>` too. Needs `owner`, and `repositoryId`: a name alone does not pin.
   *
   * @default - the repository, if any, is pinned by its ID alone
   */
  readonly repository?: string;
}

/**
 * Options of `OidcIssuer.gitLab()`. The namespace, and optionally one project, are pinned by their
 * numeric IDs, which GitLab never reuses: paths are recycled, and whoever registers a deleted or
 * renamed group's path gets tokens that carry it. Paths may be given as well, never alone.
 */
export interface GitLabIssuerOptions {
  /**
   * The numeric ID of the group or user namespace whose CI jobs may log in: the required claim
   * `namespace_id`. It is the namespace that directly holds the projects: a project in a subgroup
   * carries the subgroup's ID.
   *
   * Find it on the group's overview page, which shows "Group ID", or as `id` in the answer of
   * `GET /api/v4/groups/<URL-encoded path>` (a user's namespace: `GET /api/v4/namespaces/<username>`).
   */
  readonly namespaceId: string;

  /**
   * The namespace's full path, e.g. `my-group/platform`: the required claim `namespace_path` too.
   * It adds no protection to `namespaceId`, and a renamed group's tokens carry the new path.
   *
   * @default - the namespace is pinned by its ID alone
   */
  readonly namespacePath?: string;

  /**
   * The numeric ID of the one project whose CI jobs may log in: the required claim `project_id`.
   *
   * Find it on the project's overview page, which shows "Project ID", or as `id` in the answer of
   * `GET /api/v4/projects/<URL-encoded path>`.
   *
   * @default - every project of the namespace
   */
  readonly projectId?: string;

  /**
   * The project's full path, with its namespace, e.g. `my-group/platform/app`: the required claim
   * `project_path` too. Needs `projectId`: a path alone does not pin.
   *
   * @default - the project, if any, is pinned by its ID alone
   */
  readonly projectPath?: string;

  /**
   * The GitLab instance.
   *
   * @default 'https://gitlab.com'
   */
  readonly url?: string;
}

/**
 * The settings of an issuer's tokens, for `OidcIssuer.fromUrl()`: a platform team can define its
 * own preset (Dex, Authentik, an internal Keycloak) once and reuse it.
 */
export interface OidcIssuerOptions {
  /**
   * The claim that names users.
   *
   * @default 'sub'
   */
  readonly usernameClaim?: string;

  /**
   * The claim that lists groups.
   *
   * @default - no groups
   */
  readonly groupsClaim?: string;

  /**
   * Claims every token must carry with exactly these values.
   *
   * @default - none
   */
  readonly requiredClaims?: { [claim: string]: string };

  /**
   * Scopes a kubeconfig requests beyond `openid` for this issuer's claims to be in the ID token
   * (`email` is added by itself when the username claim is `email`).
   *
   * @default - none
   */
  readonly kubeconfigScopes?: string[];
}

const GITHUB_ACTIONS = 'https://token.actions.githubusercontent.com';
const GITLAB_COM = 'https://gitlab.com';
const GOOGLE = 'https://accounts.google.com';

/**
 * An OpenID Connect issuer, with the settings its tokens need: the issuer URL, byte for byte as
 * the identity provider writes it in `iss`, and the claims that name users and groups. Give it as
 * `issuer` to an `OidcIdentityProvider`; any prop you set there wins over the preset's.
 */
export class OidcIssuer {
  /**
   * Microsoft Entra ID (Azure AD), v2.0 tokens: issuer `https://login.microsoftonline.com/<tenant>/v2.0`,
   * user names from `oid` (the user's immutable object ID; `preferred_username` and `upn` can be
   * changed and reused), groups from `groups` (object IDs, not names). Kubeconfigs request the
   * `profile` scope, without which Entra leaves `oid` out of ID tokens.
   *
   * Set the app registration's `accessTokenAcceptedVersion` to 2 and its groups claim to "Security
   * groups". A user in more than 200 groups gets no `groups` claim at all (the groups overage), and
   * with it no group bindings: assign groups to the application to keep the list short.
   *
   * Source: Microsoft identity platform docs, "ID token claims reference" and "Configure group claims".
   */
  public static entraId(options: EntraIdIssuerOptions): OidcIssuer {
    checkOptions(options, { tenantId: 'string' });
    check(entraTenantProblems('tenantId', options.tenantId));
    return new OidcIssuer(`https://${ENTRA_ID_HOST}/${options.tenantId}/v2.0`,
      { usernameClaim: 'oid', groupsClaim: 'groups', kubeconfigScopes: ['profile'] });
  }

  /**
   * Okta, through a custom authorization server: issuer `https://<domain>/oauth2/<id>`
   * (`default` unless given), user names from `email`, groups from `groups`. Only a custom
   * authorization server can add a groups claim: the org authorization server (issuer
   * `https://<domain>`) cannot. Add a `groups` claim to the authorization server (Security, API,
   * Authorization Servers, Claims) included in ID tokens.
   *
   * Source: Okta developer docs, "Authorization servers" and "Customize tokens returned from Okta with a groups claim".
   */
  public static okta(options: OktaIssuerOptions): OidcIssuer {
    checkOptions(options, { domain: 'string', authorizationServerId: 'string?' });
    const server = options.authorizationServerId ?? 'default';
    check([...domainProblems('domain', options.domain), ...segmentProblems('authorizationServerId', server)]);
    return new OidcIssuer(`https://${options.domain}/oauth2/${server}`, { usernameClaim: 'email', groupsClaim: 'groups' });
  }

  /**
   * Google Workspace: issuer `https://accounts.google.com`, user names from `email`, and the
   * required claim `hd=<domain>`, since the issuer is shared by every Google account in the
   * world. Google's ID tokens carry no groups.
   *
   * Source: Google Identity docs, "OpenID Connect" (the ID token's `hd` claim).
   */
  public static googleWorkspace(options: GoogleWorkspaceIssuerOptions): OidcIssuer {
    checkOptions(options, { domain: 'string' });
    check(domainProblems('domain', options.domain, false));
    return new OidcIssuer(GOOGLE, { usernameClaim: 'email', requiredClaims: { hd: options.domain } });
  }

  /**
   * Keycloak 17 and later: issuer `<url>/realms/<realm>`, user names from `preferred_username`,
   * groups from `groups`. Keycloak adds groups only through a "Group Membership" mapper on the
   * client (token claim name `groups`); with "Full group path" on, the values are paths such as
   * `/platform`. Before Keycloak 17 the issuer has `/auth` before `/realms`: include it in `url`.
   *
   * Source: Keycloak docs, "Server administration guide" (OIDC endpoints, protocol mappers).
   */
  public static keycloak(options: KeycloakIssuerOptions): OidcIssuer {
    checkOptions(options, { url: 'string', realm: 'string' });
    check([...issuerBaseProblems('url', options.url), ...segmentProblems('realm', options.realm), ...realmInUrlProblems(options.url)]);
    return new OidcIssuer(`${withoutTrailingSlash(options.url)}/realms/${options.realm}`, { usernameClaim: 'preferred_username', groupsClaim: 'groups' });
  }

  /**
   * Auth0: issuer `https://<domain>/`, with the trailing slash that Auth0 writes in `iss`, user
   * names from `email`. Auth0 issues groups only as a namespaced custom claim (an Action that sets,
   * e.g., `https://example.com/groups`): give that as `groupsClaim`. `groups` itself is reserved.
   *
   * Source: Auth0 docs, "Create custom claims" and "ID token structure".
   */
  public static auth0(options: Auth0IssuerOptions): OidcIssuer {
    checkOptions(options, { domain: 'string' });
    check(domainProblems('domain', options.domain));
    return new OidcIssuer(`https://${options.domain}/`, { usernameClaim: 'email' });
  }

  /**
   * An Amazon Cognito user pool: issuer `https://cognito-idp.<region>.amazonaws.com/<pool id>`, from
   * the pool's provider name (a deploy-time value for a pool of this app), user names from
   * `cognito:username` (which cannot change), groups from `cognito:groups`.
   *
   * Source: Amazon Cognito developer guide, "Understanding the identity (ID) token".
   */
  public static cognitoUserPool(userPool: IUserPool): OidcIssuer {
    if (typeof userPool?.userPoolProviderName !== 'string') {
      check([invalid('userPool', userPool === undefined ? undefined : '(not a user pool)', 'expected a Cognito user pool',
        'Pass a cognito.UserPool, or one imported with UserPool.fromUserPoolId()', 'wrongType')]);
    }
    return new OidcIssuer(`https://${userPool.userPoolProviderName}`, { usernameClaim: 'cognito:username', groupsClaim: 'cognito:groups' });
  }

  /**
   * GitHub Actions: issuer `https://token.actions.githubusercontent.com`, user names from `sub`
   * (`repo:<owner>/<repo>:ref:refs/heads/main`, `repo:<owner>/<repo>:environment:prod`, ..., with the
   * owner's and repository's IDs in repositories that use immutable subject claims: spell both with
   * `GitHubActionsSubject`), and the required claims `repository_owner_id=<ownerId>` and, with
   * `repositoryId`, `repository_id=<repositoryId>` (with `owner` and `repository`, also
   * `repository_owner=<owner>` and `repository=<owner>/<repository>`). GitHub signs a token for any
   * workflow of any repository that asks, with any audience it asks for: without the required claims
   * every repository on GitHub could log in, and with names alone whoever registers a recycled name.
   * Tokens carry no groups.
   *
   * Source: GitHub docs, "About security hardening with OpenID Connect" and "OpenID Connect reference".
   */
  public static gitHubActions(options: GitHubActionsIssuerOptions): OidcIssuer {
    checkOptions(options, { ownerId: 'string', owner: 'string?', repositoryId: 'string?', repository: 'string?' });
    const { ownerId, owner, repositoryId, repository } = options;
    check([
      ...gitHubOwnerIdProblems('ownerId', ownerId),
      ...(owner === undefined ? [] : gitHubNameProblems('owner', owner, 'owner')),
      ...(repositoryId === undefined ? [] : gitHubRepositoryIdProblems('repositoryId', repositoryId)),
      ...(repository === undefined ? [] : gitHubNameProblems('repository', repository, 'repository')),
      ...(repository !== undefined && repositoryId === undefined ? [invalid('repository', repository,
        'a repository\'s name alone does not pin it: once the repository is deleted or renamed, anyone can register the name again',
        `Pin the repository by its ID: give repositoryId too. ${FIND_GITHUB_REPOSITORY_ID}`)] : []),
      ...(repository !== undefined && owner === undefined ? [invalid('repository', repository,
        'the repository claim is "<owner>/<repository>", so it needs the owner\'s name', 'Give owner too, or leave repository out: repositoryId pins the repository')] : []),
    ]);
    const requiredClaims: { [claim: string]: string } = { repository_owner_id: ownerId };
    if (owner !== undefined) requiredClaims.repository_owner = owner;
    if (repositoryId !== undefined) requiredClaims.repository_id = repositoryId;
    if (repository !== undefined) requiredClaims.repository = `${owner}/${repository}`;
    return new OidcIssuer(GITHUB_ACTIONS, { usernameClaim: 'sub', requiredClaims });
  }

  /**
   * GitLab CI/CD ID tokens: issuer `https://gitlab.com` (or your instance), user names from `sub`
   * (`project_path:<group>/<project>:ref_type:branch:ref:main`), and the required claims
   * `namespace_id=<namespaceId>` and, with `projectId`, `project_id=<projectId>` (with `namespacePath`
   * and `projectPath`, also `namespace_path` and `project_path`): gitlab.com signs tokens for every
   * project on it, and its paths are recycled. Tokens carry no groups.
   *
   * Source: GitLab docs, "OpenID Connect (OIDC) Authentication Using ID Tokens".
   */
  public static gitLab(options: GitLabIssuerOptions): OidcIssuer {
    checkOptions(options, { namespaceId: 'string', namespacePath: 'string?', projectId: 'string?', projectPath: 'string?', url: 'string?' });
    const { namespaceId, namespacePath, projectId, projectPath } = options;
    const url = options.url ?? GITLAB_COM;
    check([
      ...issuerBaseProblems('url', url),
      ...numericIdProblems('namespaceId', namespaceId, 'the namespace\'s', 'namespace_id', FIND_GITLAB_NAMESPACE_ID),
      ...(namespacePath === undefined ? [] : gitLabPathProblems('namespacePath', namespacePath, 'my-group/platform')),
      ...(projectId === undefined ? [] : numericIdProblems('projectId', projectId, 'the project\'s', 'project_id', FIND_GITLAB_PROJECT_ID)),
      ...(projectPath === undefined ? [] : projectPathProblems(projectPath, projectId, namespacePath)),
    ]);
    const requiredClaims: { [claim: string]: string } = { namespace_id: namespaceId };
    if (namespacePath !== undefined) requiredClaims.namespace_path = namespacePath;
    if (projectId !== undefined) requiredClaims.project_id = projectId;
    if (projectPath !== undefined) requiredClaims.project_path = projectPath;
    return new OidcIssuer(withoutTrailingSlash(url), { usernameClaim: 'sub', requiredClaims });
  }

  /**
   * Any other issuer, by its URL: the `iss` claim of its tokens, byte for byte (a trailing `/`
   * matters). It must start with `https://`, may have a path, and must not have a query string,
   * a fragment or the `/.well-known/openid-configuration` suffix, nor be an EKS cluster's own
   * service-account (IRSA) issuer. The options describe its tokens, as the presets do.
   *
   * @example 'https://dex.example.com'
   */
  public static fromUrl(issuerUrl: string, options: OidcIssuerOptions = {}): OidcIssuer {
    check(typeProblems({ issuerUrl: [issuerUrl, 'string'] }));
    return new OidcIssuer(issuerUrl, options);
  }

  /** The issuer URL: the `iss` claim of the tokens, byte for byte. */
  public readonly issuerUrl: string;

  /**
   * The claim that names users.
   *
   * @default - the provider's default, `sub`
   */
  public readonly usernameClaim?: string;

  /**
   * The claim that lists groups.
   *
   * @default - no groups
   */
  public readonly groupsClaim?: string;

  /**
   * Claims every token must carry with exactly these values.
   *
   * @default - none
   */
  public readonly requiredClaims?: { [claim: string]: string };

  /**
   * Scopes a kubeconfig requests beyond `openid` for this issuer's claims to be in the ID token.
   *
   * @default - none
   */
  public readonly kubeconfigScopes?: string[];

  private constructor(issuerUrl: string, options: OidcIssuerOptions) {
    checkOptions(options, { usernameClaim: 'string?', groupsClaim: 'string?', requiredClaims: 'string map?', kubeconfigScopes: 'string list?' });
    const omit = 'Leave the option out to get the default';
    check([
      ...issuerUrlProblems(issuerUrl),
      ...entraIssuerProblems(issuerUrl),
      ...textProblems('usernameClaim', options.usernameClaim, omit),
      ...textProblems('groupsClaim', options.groupsClaim, omit),
      ...requiredClaimsProblems(options.requiredClaims ?? {}),
      ...(options.kubeconfigScopes ?? []).flatMap(scope => textProblems('kubeconfigScopes entry', scope, 'Give the scope\'s name, e.g. "groups"')),
    ]);
    this.issuerUrl = issuerUrl;
    this.usernameClaim = options.usernameClaim;
    this.groupsClaim = options.groupsClaim;
    this.requiredClaims = options.requiredClaims;
    this.kubeconfigScopes = options.kubeconfigScopes;
  }
}

const withoutTrailingSlash = (url: string) => (Token.isUnresolved(url) ? url : url.replace(/\/+$/, ''));

/** One path segment of the issuer URL: no `/`, `?` or `#`. */
function segmentProblems(property: string, value: string): Problem[] {
  if (Token.isUnresolved(value) || /[/?#]/.test(value) === false) return textProblems(property, value, 'Give the value as the identity provider shows it');
  return [invalid(property, value, 'it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#"', 'Give the name alone')];
}

/** A host name (with an optional port where the issuer URL may have one), as `https://<domain>` will use it. */
function domainProblems(property: string, value: string, port = true): Problem[] {
  const domain = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
  const [host, portNumber] = value.split(/:(?=[0-9]+$)/);
  if (Token.isUnresolved(value) || (domain.test(host) && (portNumber === undefined || port))) return [];
  return [invalid(property, value, `it must be a domain name alone, without "https://", a path, a trailing "/"${port ? '' : ' or a port'}`,
    'Give the domain as in "example.com"')];
}

/** The base URL of an issuer: https with a host, and no query or fragment (the full URL is checked as an issuer URL too). */
function issuerBaseProblems(property: string, value: string): Problem[] {
  if (Token.isUnresolved(value) || (/^https:\/\/[^/?#\s]/.test(value) && !/[?#\s\p{Cc}\p{Cf}]/u.test(value))) return [];
  return [invalid(property, value, 'it must be an https:// URL with a host, without query string, fragment or whitespace',
    'Give the server\'s URL, e.g. "https://keycloak.example.com"')];
}

/** Keycloak's `url` is the server's, without the realm: a URL that already names one would name it twice. */
function realmInUrlProblems(url: string): Problem[] {
  if (Token.isUnresolved(url) || !/\/realms\/[^/]+\/?$/.test(url)) return [];
  return [invalid('url', url, 'it already ends with /realms/<realm>, and the preset adds the realm itself',
    'Give the server\'s URL without /realms/<realm>, and the realm as realm')];
}

/** GitLab's `namespace_path` and `project_path`: groups and subgroups separated by single `/`, no wildcard (required claims match exactly). */
function gitLabPathProblems(property: string, value: string, example: string): Problem[] {
  const text = textProblems(property, value, `Give the path as GitLab shows it, e.g. "${example}"`);
  if (text.length > 0 || Token.isUnresolved(value) || /^[^/*\s]+(\/[^/*\s]+)*$/.test(value)) return text;
  return [invalid(property, value, `it must be a path such as "${example}": no "*", no empty, leading or trailing "/", `
    + `as a required claim matches the token's ${property === 'namespacePath' ? 'namespace_path' : 'project_path'} exactly`, 'Give the path as GitLab shows it')];
}

/**
 * A project's full path: a path as namespaces have, with the project after its namespace's path; it
 * pins only beside the project's ID, and names a project of the namespace, if that is given too.
 */
function projectPathProblems(projectPath: string, projectId: string | undefined, namespacePath: string | undefined): Problem[] {
  const problems = gitLabPathProblems('projectPath', projectPath, 'my-group/platform/app');
  if (projectId === undefined) {
    problems.push(invalid('projectPath', projectPath, 'a project\'s path alone does not pin it: once the project is deleted or renamed, '
      + 'anyone can register the path again', `Pin the project by its ID: give projectId too. ${FIND_GITLAB_PROJECT_ID}`));
  }
  if (problems.length > 0 || Token.isUnresolved(projectPath)) return problems;
  if (!projectPath.includes('/')) {
    return [invalid('projectPath', projectPath, 'it is the project\'s full path, with its namespace, as the token\'s project_path carries it',
      'Give it as in "my-group/platform/app"')];
  }
  if (namespacePath === undefined || Token.isUnresolved(namespacePath)) return [];
  const project = projectPath.startsWith(`${namespacePath}/`) ? projectPath.slice(namespacePath.length + 1) : undefined;
  if (project !== undefined && !project.includes('/')) return [];
  return [invalid('projectPath', projectPath, `a project directly in namespace ${shown(namespacePath)} has the path "${namespacePath}/<project>", `
    + 'so no token would carry both', 'Give the full path of a project of namespacePath, or correct namespacePath')];
}

const FIND_GITLAB_NAMESPACE_ID = 'Find it on the group\'s overview page ("Group ID"), or as "id" of GET /api/v4/groups/<URL-encoded path> '
  + '(a user\'s namespace: GET /api/v4/namespaces/<username>)';
const FIND_GITLAB_PROJECT_ID = 'Find it on the project\'s overview page ("Project ID"), or as "id" of GET /api/v4/projects/<URL-encoded path>';
