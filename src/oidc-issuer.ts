import { Token } from 'aws-cdk-lib';
import { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { check, invalid, Problem } from './private/errors';
import { ENTRA_ID_HOST, entraIssuerProblems, entraTenantProblems } from './private/issuer-rules';
import { Kind, typeProblems } from './private/js-types';
import { issuerUrlProblems, requiredClaimsProblems, textProblems } from './private/validation';

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

/** Options of `OidcIssuer.gitHubActions()`. */
export interface GitHubActionsIssuerOptions {
  /** The organisation or user whose workflows may log in: the `repository_owner` claim. */
  readonly owner: string;

  /**
   * One repository of the owner, by its name without the owner, e.g. `infrastructure`: only its
   * workflows may log in (the `repository` claim).
   *
   * @default - every repository of the owner
   */
  readonly repository?: string;
}

/** Options of `OidcIssuer.gitLab()`. */
export interface GitLabIssuerOptions {
  /** The group or user whose CI jobs may log in: the `namespace_path` claim, e.g. `my-group/platform`. */
  readonly namespacePath: string;

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
   * (`repo:<owner>/<repo>:ref:refs/heads/main`, `repo:<owner>/<repo>:environment:prod`, ...), and
   * the required claim `repository_owner=<owner>` (with `repository`, also
   * `repository=<owner>/<repository>`). GitHub signs a token for any workflow of any repository
   * that asks, with any audience it asks for: without the required claims every repository on
   * GitHub could log in. Tokens carry no groups.
   *
   * Source: GitHub docs, "About security hardening with OpenID Connect".
   */
  public static gitHubActions(options: GitHubActionsIssuerOptions): OidcIssuer {
    checkOptions(options, { owner: 'string', repository: 'string?' });
    check([...segmentProblems('owner', options.owner), ...(options.repository === undefined ? [] : segmentProblems('repository', options.repository))]);
    const requiredClaims: { [claim: string]: string } = { repository_owner: options.owner };
    if (options.repository !== undefined) requiredClaims.repository = `${options.owner}/${options.repository}`;
    return new OidcIssuer(GITHUB_ACTIONS, { usernameClaim: 'sub', requiredClaims });
  }

  /**
   * GitLab CI/CD ID tokens: issuer `https://gitlab.com` (or your instance), user names from `sub`
   * (`project_path:<group>/<project>:ref_type:branch:ref:main`), and the required claim
   * `namespace_path=<namespacePath>`: gitlab.com signs tokens for every project on it. Tokens carry
   * no groups.
   *
   * Source: GitLab docs, "OpenID Connect (OIDC) Authentication Using ID Tokens".
   */
  public static gitLab(options: GitLabIssuerOptions): OidcIssuer {
    checkOptions(options, { namespacePath: 'string', url: 'string?' });
    const url = options.url ?? GITLAB_COM;
    check([...issuerBaseProblems('url', url), ...namespacePathProblems(options.namespacePath)]);
    return new OidcIssuer(withoutTrailingSlash(url), { usernameClaim: 'sub', requiredClaims: { namespace_path: options.namespacePath } });
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

/** A JavaScript caller's options of the wrong types: each property named with the type it needs. */
function checkOptions(options: object | undefined, kinds: { [option: string]: Kind }): void {
  if (typeof options !== 'object' || options === null) {
    check([invalid('options', options, 'expected an object of options', 'Pass the options as an object', 'wrongType')]);
  }
  const values = options as { [option: string]: unknown };
  check(typeProblems(Object.fromEntries(Object.entries(kinds).map(([option, kind]) => [option, [values[option], kind]]))));
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

/** GitLab's `namespace_path`: groups and subgroups separated by single `/`, no wildcard (required claims match exactly). */
function namespacePathProblems(value: string): Problem[] {
  const text = textProblems('namespacePath', value, 'Give the path as GitLab shows it, e.g. "my-group/platform"');
  if (text.length > 0 || Token.isUnresolved(value) || /^[^/*\s]+(\/[^/*\s]+)*$/.test(value)) return text;
  return [invalid('namespacePath', value, 'it must be a group path such as "my-group/platform": no "*", no empty, leading or trailing "/", '
    + 'as a required claim matches the token\'s namespace_path exactly', 'Give the path as GitLab shows it')];
}
