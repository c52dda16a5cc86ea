import { Annotations as CoreAnnotations, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { OidcIdentityProviderProps, OidcIssuer } from '../src';
import { errorOf, importedCluster, ISSUER, newStack, provider } from './util';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const GITHUB_OWNER_CHARACTERS = 'a GitHub owner name has only ASCII letters, digits, "-", "_" and "." (and is not "." or "..")';
const GITHUB_REPOSITORY_CHARACTERS = 'a GitHub repository name has only ASCII letters, digits, "-", "_" and "." (and is not "." or "..")';
const FIND_OWNER_ID = 'Find it with `gh api orgs/<org> --jq .id` (a user: `gh api users/<user> --jq .id`), '
  + 'or as "id" of the REST API\'s GET /orgs/{org} (GET /users/{username})';
const FIND_REPOSITORY_ID = 'Find it with `gh api repos/<owner>/<repo> --jq .id`, or as "id" of the REST API\'s GET /repos/{owner}/{repo}';
const FIND_NAMESPACE_ID = 'Find it on the group\'s overview page ("Group ID"), or as "id" of GET /api/v4/groups/<URL-encoded path> '
  + '(a user\'s namespace: GET /api/v4/namespaces/<username>)';
const FIND_PROJECT_ID = 'Find it on the project\'s overview page ("Project ID"), or as "id" of GET /api/v4/projects/<URL-encoded path>';
const CONFIG = 'AWS::EKS::IdentityProviderConfig';

/** A provider from a preset, on an imported cluster. */
const fromPreset = (stack: Stack, issuer: OidcIssuer, props: Partial<OidcIdentityProviderProps> = {}, id = 'Provider') =>
  provider(stack, { issuer, ...props }, id);

/** The `Oidc` property of the stack's one identity provider config. */
function oidcOf(stack: Stack): any {
  const [config] = Object.values(Template.fromStack(stack).findResources(CONFIG)) as any[];
  return config.Properties.Oidc;
}

describe('each preset\'s template', () => {
  test.each<[string, () => OidcIssuer, object]>([
    ['Entra ID', () => OidcIssuer.entraId({ tenantId: TENANT }),
      { IssuerUrl: `https://login.microsoftonline.com/${TENANT}/v2.0`, UsernameClaim: 'oid', GroupsClaim: 'groups' }],
    ['Okta, default authorization server', () => OidcIssuer.okta({ domain: 'example.okta.com' }),
      { IssuerUrl: 'https://example.okta.com/oauth2/default', UsernameClaim: 'email', GroupsClaim: 'groups' }],
    ['Okta, a custom authorization server', () => OidcIssuer.okta({ domain: 'login.example.com', authorizationServerId: 'aus1a2b3c4' }),
      { IssuerUrl: 'https://login.example.com/oauth2/aus1a2b3c4', UsernameClaim: 'email', GroupsClaim: 'groups' }],
    ['Google Workspace', () => OidcIssuer.googleWorkspace({ domain: 'example.com' }),
      { IssuerUrl: 'https://accounts.google.com', UsernameClaim: 'email', RequiredClaims: [{ Key: 'hd', Value: 'example.com' }] }],
    ['Keycloak', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com', realm: 'platform' }),
      { IssuerUrl: 'https://keycloak.example.com/realms/platform', UsernameClaim: 'preferred_username', GroupsClaim: 'groups' }],
    ['Keycloak, a URL with a trailing slash', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com/', realm: 'platform' }),
      { IssuerUrl: 'https://keycloak.example.com/realms/platform', UsernameClaim: 'preferred_username', GroupsClaim: 'groups' }],
    ['Keycloak before 17', () => OidcIssuer.keycloak({ url: 'https://sso.example.com/auth', realm: 'platform' }),
      { IssuerUrl: 'https://sso.example.com/auth/realms/platform', UsernameClaim: 'preferred_username', GroupsClaim: 'groups' }],
    ['Auth0', () => OidcIssuer.auth0({ domain: 'example.eu.auth0.com' }),
      { IssuerUrl: 'https://example.eu.auth0.com/', UsernameClaim: 'email' }],
    ['GitHub Actions, an owner by its ID', () => OidcIssuer.gitHubActions({ ownerId: '1234567' }),
      { IssuerUrl: 'https://token.actions.githubusercontent.com', UsernameClaim: 'sub', RequiredClaims: [{ Key: 'repository_owner_id', Value: '1234567' }] }],
    ['GitHub Actions, an owner by its ID and name', () => OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org' }),
      {
        IssuerUrl: 'https://token.actions.githubusercontent.com',
        UsernameClaim: 'sub',
        RequiredClaims: [{ Key: 'repository_owner', Value: 'octo-org' }, { Key: 'repository_owner_id', Value: '1234567' }],
      }],
    ['GitHub Actions, one repository by its ID', () => OidcIssuer.gitHubActions({ ownerId: '1234567', repositoryId: '7654321' }),
      {
        IssuerUrl: 'https://token.actions.githubusercontent.com',
        UsernameClaim: 'sub',
        RequiredClaims: [{ Key: 'repository_id', Value: '7654321' }, { Key: 'repository_owner_id', Value: '1234567' }],
      }],
    ['GitHub Actions, one repository by IDs and names', () => OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org', repositoryId: '7654321', repository: 'infra' }),
      {
        IssuerUrl: 'https://token.actions.githubusercontent.com',
        UsernameClaim: 'sub',
        RequiredClaims: [
          { Key: 'repository', Value: 'octo-org/infra' }, { Key: 'repository_id', Value: '7654321' },
          { Key: 'repository_owner', Value: 'octo-org' }, { Key: 'repository_owner_id', Value: '1234567' },
        ],
      }],
    ['GitLab, a namespace by its ID', () => OidcIssuer.gitLab({ namespaceId: '4242' }),
      { IssuerUrl: 'https://gitlab.com', UsernameClaim: 'sub', RequiredClaims: [{ Key: 'namespace_id', Value: '4242' }] }],
    ['GitLab, a namespace by its ID and path', () => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: 'my-group/platform' }),
      {
        IssuerUrl: 'https://gitlab.com',
        UsernameClaim: 'sub',
        RequiredClaims: [{ Key: 'namespace_id', Value: '4242' }, { Key: 'namespace_path', Value: 'my-group/platform' }],
      }],
    ['GitLab, one project by IDs and paths', () => OidcIssuer.gitLab({
      namespaceId: '4242', namespacePath: 'my-group/platform', projectId: '31337', projectPath: 'my-group/platform/app',
    }), {
      IssuerUrl: 'https://gitlab.com',
      UsernameClaim: 'sub',
      RequiredClaims: [
        { Key: 'namespace_id', Value: '4242' }, { Key: 'namespace_path', Value: 'my-group/platform' },
        { Key: 'project_id', Value: '31337' }, { Key: 'project_path', Value: 'my-group/platform/app' },
      ],
    }],
    ['GitLab self-managed', () => OidcIssuer.gitLab({ namespaceId: '7', url: 'https://gitlab.example.com/' }),
      { IssuerUrl: 'https://gitlab.example.com', UsernameClaim: 'sub', RequiredClaims: [{ Key: 'namespace_id', Value: '7' }] }],
    ['any other issuer', () => OidcIssuer.fromUrl('https://dex.example.com'), { IssuerUrl: 'https://dex.example.com', UsernameClaim: 'sub' }],
    ['any other issuer, with the settings of its tokens', () => OidcIssuer.fromUrl('https://dex.example.com', {
      usernameClaim: 'email', groupsClaim: 'groups', requiredClaims: { tier: 'prod' }, kubeconfigScopes: ['groups'],
    }), { IssuerUrl: 'https://dex.example.com', UsernameClaim: 'email', GroupsClaim: 'groups', RequiredClaims: [{ Key: 'tier', Value: 'prod' }] }],
  ])('%s', (_, issuer, expected) => {
    const stack = newStack();
    const p = fromPreset(stack, issuer());
    // Exactly these settings: presets leave the prefixes at their defaults.
    expect(oidcOf(stack)).toEqual({ ClientId: 'kubernetes', ...expected });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    const settings = expected as { IssuerUrl: string; UsernameClaim?: string; GroupsClaim?: string };
    expect([p.issuerUrl, p.usernameClaim, p.groupsClaim]).toEqual([settings.IssuerUrl, settings.UsernameClaim, settings.GroupsClaim]);
  });

  test('a Cognito user pool of the app: the issuer is a deploy-time value, rendered as a CloudFormation function', () => {
    const stack = newStack();
    const pool = new cognito.UserPool(stack, 'Pool');
    const p = fromPreset(stack, OidcIssuer.cognitoUserPool(pool));
    expect(oidcOf(stack)).toEqual({
      ClientId: 'kubernetes',
      IssuerUrl: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [stack.getLogicalId(pool.node.defaultChild as cognito.CfnUserPool), 'ProviderName'] }]] },
      UsernameClaim: 'cognito:username',
      GroupsClaim: 'cognito:groups',
    });
    expect(p.groupFor('admins')).toBe('admins');
  });

  test('an imported Cognito user pool: its region and id', () => {
    const stack = newStack();
    const pool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_AbCdEf123');
    fromPreset(stack, OidcIssuer.cognitoUserPool(pool));
    expect(stack.resolve(oidcOf(stack).IssuerUrl)).toEqual({ 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/eu-west-1_AbCdEf123']] });
  });

  test('a tenant that is a parameter is not judged, and lands in the issuer URL', () => {
    const stack = newStack();
    const tenant = new CfnParameter(stack, 'Tenant');
    fromPreset(stack, OidcIssuer.entraId({ tenantId: tenant.valueAsString }));
    expect(oidcOf(stack).IssuerUrl).toEqual({ 'Fn::Join': ['', ['https://login.microsoftonline.com/', { Ref: 'Tenant' }, '/v2.0']] });
  });
});

describe('explicit props win over the preset', () => {
  test('claims, and required claims merge with the explicit value winning per key', () => {
    const stack = newStack();
    const p = fromPreset(stack, OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org', repositoryId: '7654321', repository: 'infra' }), {
      usernameClaim: 'repository',
      usernamePrefix: 'gh:',
      groupsClaim: 'environment',
      requiredClaims: { repository: 'octo-org/other', environment: 'prod' },
    });
    expect(oidcOf(stack)).toEqual({
      IssuerUrl: 'https://token.actions.githubusercontent.com',
      ClientId: 'kubernetes',
      UsernameClaim: 'repository',
      UsernamePrefix: 'gh:',
      GroupsClaim: 'environment',
      RequiredClaims: [
        { Key: 'environment', Value: 'prod' },
        { Key: 'repository', Value: 'octo-org/other' },
        { Key: 'repository_id', Value: '7654321' },
        { Key: 'repository_owner', Value: 'octo-org' },
        { Key: 'repository_owner_id', Value: '1234567' },
      ],
    });
    expect(p.usernameFor('octo-org/other')).toBe('gh:octo-org/other');
    expect(p.groupFor('prod')).toBe('prod');
  });

  test('every helper uses the effective settings: user names of a preset\'s claim and issuer', () => {
    const stack = newStack();
    const gitHub = fromPreset(stack, OidcIssuer.gitHubActions({ ownerId: '1234567' }));
    expect(gitHub.usernameFor('repo:octo-org/infra:ref:refs/heads/main'))
      .toBe('https://token.actions.githubusercontent.com#repo:octo-org/infra:ref:refs/heads/main');
    const okta = fromPreset(stack, OidcIssuer.okta({ domain: 'example.okta.com' }), { cluster: importedCluster(stack, 'okta') }, 'Okta');
    expect(okta.usernameFor('alice@example.com')).toBe('alice@example.com');
  });

  test('two providers of one preset on one cluster share the issuer, which EKS refuses', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    fromPreset(stack, OidcIssuer.okta({ domain: 'example.okta.com' }), { cluster }, 'A');
    fromPreset(stack, OidcIssuer.okta({ domain: 'example.okta.com' }), { cluster, clientId: 'other' }, 'B');
    expect(() => Template.fromStack(stack)).toThrow(/Invalid issuerUrl "https:\/\/example.okta.com\/oauth2\/default": providers Stack\/A, Stack\/B of cluster Stack\/prod share it/);
  });
});


describe('how the issuer and the provider\'s props combine', () => {
  test('a claim given in the props wins over the issuer\'s; one left out comes from the issuer', () => {
    const issuer = OidcIssuer.fromUrl('https://dex.example.com', { usernameClaim: 'email', groupsClaim: 'groups' });
    const stack = newStack();
    const p = fromPreset(stack, issuer, { usernameClaim: 'preferred_username', groupsClaim: 'roles' });
    expect(oidcOf(stack)).toEqual({ IssuerUrl: 'https://dex.example.com', ClientId: 'kubernetes', UsernameClaim: 'preferred_username', GroupsClaim: 'roles' });
    // The issuer's username claim was email (no prefix); the effective one is not, so the issuer prefixes.
    expect(p.usernameFor('alice')).toBe('https://dex.example.com#alice');
    const fromIssuer = newStack();
    const q = fromPreset(fromIssuer, issuer);
    expect(oidcOf(fromIssuer)).toEqual({ IssuerUrl: 'https://dex.example.com', ClientId: 'kubernetes', UsernameClaim: 'email', GroupsClaim: 'groups' });
    expect(q.usernameFor('alice@example.com')).toBe('alice@example.com');
  });

  test('required claims are merged, the provider\'s value winning for a key both give, and listed by key', () => {
    const issuer = OidcIssuer.fromUrl('https://dex.example.com', { requiredClaims: { tier: 'prod', hd: 'example.com' } });
    const stack = newStack();
    fromPreset(stack, issuer, { requiredClaims: { hd: 'example.org', env: 'ci' } });
    expect(oidcOf(stack).RequiredClaims).toEqual([
      { Key: 'env', Value: 'ci' }, { Key: 'hd', Value: 'example.org' }, { Key: 'tier', Value: 'prod' },
    ]);
    // The issuer is not changed by the merge: it can serve the next provider as it was.
    expect(issuer.requiredClaims).toEqual({ tier: 'prod', hd: 'example.com' });
  });

  test('with no username claim in either, it is sub, and it is written to the template', () => {
    const stack = newStack();
    const p = fromPreset(stack, OidcIssuer.fromUrl('https://dex.example.com', { groupsClaim: 'groups' }));
    expect(oidcOf(stack).UsernameClaim).toBe('sub');
    expect(p.usernameClaim).toBe('sub');
    expect(p.usernameFor('0a1b')).toBe('https://dex.example.com#0a1b');
  });

  test('OidcIssuer.fromUrl(url, options) is a preset of your own, reused by providers on several clusters', () => {
    // What a platform team writes once for its Dex.
    const dex = OidcIssuer.fromUrl('https://dex.example.com', {
      usernameClaim: 'email', groupsClaim: 'groups', requiredClaims: { hd: 'example.com' }, kubeconfigScopes: ['groups'],
    });
    expect([dex.issuerUrl, dex.usernameClaim, dex.groupsClaim, dex.requiredClaims, dex.kubeconfigScopes])
      .toEqual(['https://dex.example.com', 'email', 'groups', { hd: 'example.com' }, ['groups']]);
    const stack = newStack();
    const blue = fromPreset(stack, dex, { cluster: importedCluster(stack, 'blue') }, 'Blue');
    const green = fromPreset(stack, dex, { cluster: importedCluster(stack, 'green'), groupsPrefix: 'green:' }, 'Green');
    const configs = Object.values(Template.fromStack(stack).findResources(CONFIG)).map((c: any) => c.Properties.Oidc);
    const shared = { IssuerUrl: 'https://dex.example.com', ClientId: 'kubernetes', UsernameClaim: 'email', GroupsClaim: 'groups', RequiredClaims: [{ Key: 'hd', Value: 'example.com' }] };
    expect(configs).toEqual([shared, { ...shared, GroupsPrefix: 'green:' }]);
    expect([blue.groupFor('dev'), green.groupFor('dev')]).toEqual(['dev', 'green:dev']);
    const connection = { clusterEndpoint: 'https://x.example.com', certificateAuthorityData: 'Q0E=' };
    expect(scopesOf(blue.kubeconfig(connection))).toEqual(['email', 'groups']);
  });
});

/** The scopes a kubeconfig requests beyond openid. */
function scopesOf(kubeconfig: string): string[] {
  return [...kubeconfig.matchAll(/"--oidc-extra-scope=([^"]*)"/g)].map(m => m[1]);
}

describe('kubeconfig scopes: email for the effective username claim email, and the issuer\'s', () => {
  const connection = { clusterEndpoint: 'https://x.example.com', certificateAuthorityData: 'Q0E=' };
  test.each<[string, () => OidcIssuer, Partial<OidcIdentityProviderProps>, string[]]>([
    ['Okta (its claim is email): email', () => OidcIssuer.okta({ domain: 'example.okta.com' }), {}, ['email']],
    ['Okta with usernameClaim sub: none (the preset itself asks for no scope)', () => OidcIssuer.okta({ domain: 'example.okta.com' }), { usernameClaim: 'sub' }, []],
    ['Google Workspace: email', () => OidcIssuer.googleWorkspace({ domain: 'example.com' }), {}, ['email']],
    ['Auth0: email', () => OidcIssuer.auth0({ domain: 'example.eu.auth0.com' }), {}, ['email']],
    ['Auth0 with usernameClaim sub: none', () => OidcIssuer.auth0({ domain: 'example.eu.auth0.com' }), { usernameClaim: 'sub' }, []],
    ['Entra ID: profile', () => OidcIssuer.entraId({ tenantId: TENANT }), {}, ['profile']],
    ['Entra ID with usernameClaim email: both', () => OidcIssuer.entraId({ tenantId: TENANT }), { usernameClaim: 'email' }, ['email', 'profile']],
    ['a plain URL: none', () => OidcIssuer.fromUrl(ISSUER), {}, []],
    ['a plain URL with usernameClaim email in the props: email', () => OidcIssuer.fromUrl(ISSUER), { usernameClaim: 'email' }, ['email']],
    ['GitHub Actions: none', () => OidcIssuer.gitHubActions({ ownerId: '1234567' }), {}, []],
  ])('%s', (_, issuer, props, scopes) => {
    expect(scopesOf(fromPreset(newStack(), issuer(), props).kubeconfig(connection))).toEqual(scopes);
  });

  test('the presets carry only the scopes their claims need beyond the username claim', () => {
    expect(OidcIssuer.okta({ domain: 'example.okta.com' }).kubeconfigScopes).toBeUndefined();
    expect(OidcIssuer.googleWorkspace({ domain: 'example.com' }).kubeconfigScopes).toBeUndefined();
    expect(OidcIssuer.auth0({ domain: 'example.eu.auth0.com' }).kubeconfigScopes).toBeUndefined();
    expect(OidcIssuer.entraId({ tenantId: TENANT }).kubeconfigScopes).toEqual(['profile']);
  });
});

describe('validation', () => {
  test('issuer is required: a JavaScript caller of the old API, with issuerUrl alone, is told so', () => {
    const props = { issuer: undefined, issuerUrl: ISSUER } as unknown as Partial<OidcIdentityProviderProps>;
    expect(errorOf(() => provider(newStack(), props)))
      .toBe('Invalid issuer (missing): expected an OidcIssuer. Pass a preset such as OidcIssuer.okta({ domain }), or OidcIssuer.fromUrl(url)');
  });

  test('every issuer checks its URL when it is made, before any provider exists', () => {
    expect(errorOf(() => OidcIssuer.fromUrl('http://dex.example.com'))).toMatch(/^Invalid issuerUrl "http:\/\/dex.example.com": EKS only accepts/);
    expect(errorOf(() => OidcIssuer.keycloak({ url: 'https://sso.example.com/.well-known/openid-configuration', realm: 'x' }))).toBeUndefined();
    expect(errorOf(() => OidcIssuer.gitLab({ namespaceId: '4242', url: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC' })))
      .toMatch(/^Invalid issuerUrl "https:\/\/oidc.eks.us-east-1.amazonaws.com\/id\/ABC": this is an EKS cluster's own service-account issuer/);
  });

  const tenantFix = 'Use the Directory (tenant) ID that the Entra admin center shows under "Overview", e.g. "72f988bf-86f1-41af-91ab-2d7cd011db47"';
  const inUrl = ', in https://login.microsoftonline.com/<tenant ID>/v2.0';
  test.each(['common', 'organizations', 'consumers', 'Common'])('the Entra tenant alias %s: an error, as preset and as URL', (tenant) => {
    const why = `"${tenant}" is an alias of sign-in URLs, and no token carries it in "iss": tokens name the tenant that signed them`;
    expect(errorOf(() => OidcIssuer.entraId({ tenantId: tenant }))).toBe(`Invalid tenantId "${tenant}": ${why}. ${tenantFix}`);
    const url = `https://login.microsoftonline.com/${tenant}/v2.0`;
    expect(errorOf(() => OidcIssuer.fromUrl(url))).toBe(`Invalid issuerUrl "${url}": its tenant: ${why}. ${tenantFix}${inUrl}`);
  });

  test('an Entra tenant that is a domain name, or no GUID: an error, as preset and as URL', () => {
    const why = 'the issuer of Entra ID tokens names the tenant by its ID (a GUID), never by a domain or another name';
    for (const tenant of ['contoso.onmicrosoft.com', 'contoso', '', `${TENANT}x`]) {
      expect(errorOf(() => OidcIssuer.entraId({ tenantId: tenant }))).toBe(`Invalid tenantId ${JSON.stringify(tenant)}: ${why}. ${tenantFix}`);
    }
    for (const url of ['https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0', 'https://login.microsoftonline.com/contoso.com/']) {
      expect(errorOf(() => OidcIssuer.fromUrl(url))).toBe(`Invalid issuerUrl "${url}": its tenant: ${why}. ${tenantFix}${inUrl}`);
    }
    // Beside them: the tenant's GUID, in any case, and the same path on another host.
    expect(errorOf(() => OidcIssuer.entraId({ tenantId: TENANT.toUpperCase() }))).toBeUndefined();
    expect(errorOf(() => OidcIssuer.fromUrl(`https://login.microsoftonline.com/${TENANT}/v2.0`))).toBeUndefined();
    expect(errorOf(() => OidcIssuer.fromUrl(`https://login.microsoftonline.com/${TENANT.toUpperCase()}/`))).toBeUndefined();
    expect(errorOf(() => OidcIssuer.fromUrl('https://login.example.com/contoso.onmicrosoft.com/v2.0'))).toBeUndefined();
  });

  const domainWithPort = 'it must be a domain name alone, without "https://", a path, a trailing "/"';
  test.each<[string, () => OidcIssuer, string | undefined]>([
    ['Okta domain with a scheme', () => OidcIssuer.okta({ domain: 'https://example.okta.com' }),
      `Invalid domain "https://example.okta.com": ${domainWithPort}. Give the domain as in "example.com"`],
    ['Okta domain with a port: accepted', () => OidcIssuer.okta({ domain: 'example.okta.com:8443' }), undefined],
    ['Okta domain with leading whitespace', () => OidcIssuer.okta({ domain: ' example.okta.com' }),
      `Invalid domain " example.okta.com": ${domainWithPort}. Give the domain as in "example.com"`],
    ['Auth0 domain with a trailing slash', () => OidcIssuer.auth0({ domain: 'example.auth0.com/' }),
      `Invalid domain "example.auth0.com/": ${domainWithPort}. Give the domain as in "example.com"`],
    ['Auth0 domain alone: accepted', () => OidcIssuer.auth0({ domain: 'example.auth0.com' }), undefined],
    ['Google domain empty', () => OidcIssuer.googleWorkspace({ domain: '' }),
      `Invalid domain "": ${domainWithPort} or a port. Give the domain as in "example.com"`],
    ['Google domain with a port', () => OidcIssuer.googleWorkspace({ domain: 'example.com:443' }),
      `Invalid domain "example.com:443": ${domainWithPort} or a port. Give the domain as in "example.com"`],
    ['Google domain with digits: accepted', () => OidcIssuer.googleWorkspace({ domain: 'example443.com' }), undefined],
    ['Okta server with a slash', () => OidcIssuer.okta({ domain: 'example.okta.com', authorizationServerId: 'oauth2/default' }),
      'Invalid authorizationServerId "oauth2/default": it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#". Give the name alone'],
    ['Keycloak over http', () => OidcIssuer.keycloak({ url: 'http://keycloak.example.com', realm: 'platform' }),
      'Invalid url "http://keycloak.example.com": it must be an https:// URL with a host, without query string, fragment or whitespace. '
        + 'Give the server\'s URL, e.g. "https://keycloak.example.com"'],
    ['Keycloak url https:// without a host', () => OidcIssuer.keycloak({ url: 'https://', realm: 'platform' }),
      'Invalid url "https://": it must be an https:// URL with a host, without query string, fragment or whitespace. '
        + 'Give the server\'s URL, e.g. "https://keycloak.example.com"'],
    ['Keycloak url ending in /realms/<realm>', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com/realms/platform', realm: 'platform' }),
      'Invalid url "https://keycloak.example.com/realms/platform": it already ends with /realms/<realm>, and the preset adds the realm itself. '
        + 'Give the server\'s URL without /realms/<realm>, and the realm as realm'],
    ['Keycloak url ending in /realms/<realm>/', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com/auth/realms/x/', realm: 'x' }),
      'Invalid url "https://keycloak.example.com/auth/realms/x/": it already ends with /realms/<realm>, and the preset adds the realm itself. '
        + 'Give the server\'s URL without /realms/<realm>, and the realm as realm'],
    ['Keycloak url with /realms/ further up: accepted', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com/realms/x/auth', realm: 'x' }), undefined],
    ['Keycloak realm empty', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com', realm: '' }),
      'Invalid realm "": it must not be empty. Give the value as the identity provider shows it'],
    ['Keycloak realm with trailing whitespace', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com', realm: 'platform ' }),
      'Invalid realm "platform ": it starts or ends with whitespace, which no token value carries. Remove the surrounding whitespace'],
    ['GitHub owner/repository as the owner', () => OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org/infra' }),
      `Invalid owner "octo-org/infra": ${GITHUB_OWNER_CHARACTERS}. Give the name alone, as in github.com/<owner>/<repository>`],
    ['GitHub owner with a zero-width space', () => OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo\u200borg' }),
      'Invalid owner "octo\\u200borg": it contains the invisible formatting character U+200B. Remove it; it was most likely pasted by mistake'],
    ['GitHub owner with "-", "_", "." and digits: accepted', () => OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org_2.x' }), undefined],
    ['GitHub repository with its owner', () => OidcIssuer.gitHubActions({ ownerId: '1', owner: 'octo-org', repositoryId: '2', repository: 'octo-org/infra' }),
      `Invalid repository "octo-org/infra": ${GITHUB_REPOSITORY_CHARACTERS}. Give the name alone, as in github.com/<owner>/<repository>`],
    ['GitHub repository ".."', () => OidcIssuer.gitHubActions({ ownerId: '1', owner: 'octo-org', repositoryId: '2', repository: '..' }),
      `Invalid repository "..": ${GITHUB_REPOSITORY_CHARACTERS}. Give the name alone, as in github.com/<owner>/<repository>`],
    ['GitHub repository ".github": accepted', () => OidcIssuer.gitHubActions({ ownerId: '1', owner: 'octo-org', repositoryId: '2', repository: '.github' }), undefined],
    ['GitHub ownerId as a name', () => OidcIssuer.gitHubActions({ ownerId: 'octo-org' }),
      `Invalid ownerId "octo-org": it must be the owner's numeric ID, in decimal digits without a leading zero, as tokens carry it in repository_owner_id. ${FIND_OWNER_ID}`],
    ['GitHub ownerId with a leading zero', () => OidcIssuer.gitHubActions({ ownerId: '01234567' }),
      `Invalid ownerId "01234567": it must be the owner's numeric ID, in decimal digits without a leading zero, as tokens carry it in repository_owner_id. ${FIND_OWNER_ID}`],
    ['GitHub ownerId empty', () => OidcIssuer.gitHubActions({ ownerId: '' }),
      `Invalid ownerId "": it must be the owner's numeric ID, in decimal digits without a leading zero, as tokens carry it in repository_owner_id. ${FIND_OWNER_ID}`],
    ['GitHub ownerId of one digit: accepted', () => OidcIssuer.gitHubActions({ ownerId: '1' }), undefined],
    ['GitHub repositoryId with a space', () => OidcIssuer.gitHubActions({ ownerId: '1', repositoryId: '7654 321' }),
      `Invalid repositoryId "7654 321": it must be the repository's numeric ID, in decimal digits without a leading zero, as tokens carry it in repository_id. ${FIND_REPOSITORY_ID}`],
    ['GitHub repository by name alone', () => OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org', repository: 'infra' }),
      'Invalid repository "infra": a repository\'s name alone does not pin it: once the repository is deleted or renamed, anyone can register the name again. '
        + `Pin the repository by its ID: give repositoryId too. ${FIND_REPOSITORY_ID}`],
    ['GitHub repository without its owner', () => OidcIssuer.gitHubActions({ ownerId: '1234567', repositoryId: '7654321', repository: 'infra' }),
      'Invalid repository "infra": the repository claim is "<owner>/<repository>", so it needs the owner\'s name. '
        + 'Give owner too, or leave repository out: repositoryId pins the repository'],
    ['GitHub repository by its ID without names: accepted', () => OidcIssuer.gitHubActions({ ownerId: '1234567', repositoryId: '7654321' }), undefined],
    ['GitLab namespace path empty', () => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: '' }),
      'Invalid namespacePath "": it must not be empty. Give the path as GitLab shows it, e.g. "my-group/platform"'],
    ['GitLab namespaceId as a path', () => OidcIssuer.gitLab({ namespaceId: 'my-group' }),
      `Invalid namespaceId "my-group": it must be the namespace's numeric ID, in decimal digits without a leading zero, as tokens carry it in namespace_id. ${FIND_NAMESPACE_ID}`],
    ['GitLab projectId negative', () => OidcIssuer.gitLab({ namespaceId: '4242', projectId: '-31337' }),
      `Invalid projectId "-31337": it must be the project's numeric ID, in decimal digits without a leading zero, as tokens carry it in project_id. ${FIND_PROJECT_ID}`],
    ['GitLab project by path alone', () => OidcIssuer.gitLab({ namespaceId: '4242', projectPath: 'my-group/app' }),
      'Invalid projectPath "my-group/app": a project\'s path alone does not pin it: once the project is deleted or renamed, anyone can register the path again. '
        + `Pin the project by its ID: give projectId too. ${FIND_PROJECT_ID}`],
    ['GitLab projectPath without its namespace', () => OidcIssuer.gitLab({ namespaceId: '4242', projectId: '31337', projectPath: 'app' }),
      'Invalid projectPath "app": it is the project\'s full path, with its namespace, as the token\'s project_path carries it. Give it as in "my-group/platform/app"'],
    ['GitLab projectPath of another namespace', () => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: 'my-group', projectId: '31337', projectPath: 'my-group/sub/app' }),
      'Invalid projectPath "my-group/sub/app": a project directly in namespace "my-group" has the path "my-group/<project>", so no token would carry both. '
        + 'Give the full path of a project of namespacePath, or correct namespacePath'],
    ['GitLab projectPath of its namespace: accepted', () => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: 'my-group/sub', projectId: '31337', projectPath: 'my-group/sub/app' }), undefined],
    ['GitLab project by its ID without paths: accepted', () => OidcIssuer.gitLab({ namespaceId: '4242', projectId: '31337' }), undefined],
    ['GitLab url over http', () => OidcIssuer.gitLab({ namespaceId: '4242', url: 'http://gitlab.example.com' }),
      'Invalid url "http://gitlab.example.com": it must be an https:// URL with a host, without query string, fragment or whitespace. '
        + 'Give the server\'s URL, e.g. "https://keycloak.example.com"'],
  ])('%s', (_, make, message) => {
    expect(errorOf(make)).toBe(message);
  });

  test.each(['*', 'my-group/*', '/my-group', 'my-group/', 'my-group//platform', '/'])('GitLab namespacePath %j: an error', (namespacePath) => {
    expect(errorOf(() => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath }))).toBe(`Invalid namespacePath ${JSON.stringify(namespacePath)}: it must be a path such as `
      + '"my-group/platform": no "*", no empty, leading or trailing "/", as a required claim matches the token\'s namespace_path exactly. '
      + 'Give the path as GitLab shows it');
  });

  test.each(['my-group', 'my-group/platform', 'my-group/platform/sub-group', 'user.name'])('GitLab namespacePath %j: accepted', (namespacePath) => {
    expect(errorOf(() => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath }))).toBeUndefined();
  });

  test('preset errors are thrown without a construct path, with their ids', () => {
    expect(() => OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: '*' })).toThrow(/exactly\. Give the path as GitLab shows it \[cdk-eks-oidc:invalidNamespacePath\]$/);
    expect(() => OidcIssuer.entraId({ tenantId: 'common' })).toThrow(/ \[cdk-eks-oidc:invalidTenantId\]$/);
    expect(() => OidcIssuer.googleWorkspace({ domain: 'example.com:443' })).toThrow(/ \[cdk-eks-oidc:invalidDomain\]$/);
    expect(() => OidcIssuer.gitHubActions({ ownerId: 'octo-org' })).toThrow(/ \[cdk-eks-oidc:invalidOwnerId\]$/);
    expect(() => OidcIssuer.gitLab({ namespaceId: '4242', projectPath: 'g/p' })).toThrow(/ \[cdk-eks-oidc:invalidProjectPath\]$/);
  });

  test('every problem of a GitHub or GitLab preset at once', () => {
    expect(errorOf(() => OidcIssuer.gitHubActions({ ownerId: 'octo-org', repository: 'infra' })))
      .toBe([
        `Invalid ownerId "octo-org": it must be the owner's numeric ID, in decimal digits without a leading zero, as tokens carry it in repository_owner_id. ${FIND_OWNER_ID}`,
        'Invalid repository "infra": a repository\'s name alone does not pin it: once the repository is deleted or renamed, anyone can register the name again. '
          + `Pin the repository by its ID: give repositoryId too. ${FIND_REPOSITORY_ID}`,
        'Invalid repository "infra": the repository claim is "<owner>/<repository>", so it needs the owner\'s name. '
          + 'Give owner too, or leave repository out: repositoryId pins the repository',
      ].join('\n'));
    expect(errorOf(() => OidcIssuer.gitLab({ namespaceId: 'g', projectId: 'p' }))?.split('\n').map(line => line.slice(0, line.indexOf(':'))))
      .toEqual(['Invalid namespaceId "g"', 'Invalid projectId "p"']);
  });
});

describe('the shared-issuer guard', () => {
  const GUARD = /sharedIssuer(NotPinned|PinnedByName)/;
  const warningsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(GUARD.source))
    .map(w => w.entry.data as string);
  const GITHUB = 'https://token.actions.githubusercontent.com';
  const GITHUB_WHO = 'any GitHub Actions workflow of any repository on GitHub, which can ask for any audience';
  const GITLAB_WHO = 'any CI job of any project on gitlab.com, which can ask for any audience';
  const GOOGLE_WHO = 'any Google account holder who signs in to your OAuth client';
  const IMMUTABLE_SUB = 'an exact sub in GitHub\'s immutable form, repo:<owner>@<owner ID>/<repository>@<repository ID>:... (GitHubActionsSubject spells it)';
  const GITHUB_ADVICE = 'Require repository_owner_id or repository_id, IDs that GitHub never reuses (OidcIssuer.gitHubActions({ ownerId }) does), '
    + `or ${IMMUTABLE_SUB}`;
  const GITLAB_ADVICE = 'Require namespace_id or project_id, IDs that GitLab never reuses (OidcIssuer.gitLab({ namespaceId }) does)';
  const GOOGLE_ADVICE = 'Require hd, your Workspace domain (OidcIssuer.googleWorkspace({ domain }) does), or an exact sub';
  const notPinned = (issuerUrl: string, who: string, advice: string) => `The issuer "${issuerUrl}" signs tokens for ${who}, and no required claim `
    + 'pins your organisation: every one of them can log in to this cluster (as system:authenticated, with whatever is bound to it). '
    + `${advice}, or acknowledge this warning if any of them may log in [ack: cdk-eks-oidc:sharedIssuerNotPinned]`;
  const byName = (issuerUrl: string, who: string, names: string, recycled: string, instead: string) => `The issuer "${issuerUrl}" signs tokens for `
    + `${who}, and only names pin your organisation here (${names}). Names are recycled: once ${recycled} is deleted or renamed, anyone can `
    + 'register the old name and get tokens that carry it, and log in to this cluster. Pin by IDs, which are never reused: '
    + `require ${instead} (names may stay beside the IDs), or acknowledge this warning if you accept the risk [ack: cdk-eks-oidc:sharedIssuerPinnedByName]`;
  const gitHubByName = (names: string, instead: string, url = GITHUB) => byName(url, GITHUB_WHO, names, 'an organisation, user or repository', instead);
  const gitLabByName = (names: string, instead: string) => byName('https://gitlab.com', GITLAB_WHO, names, 'a group, user or project', instead);
  const NAME_SUB = 'repo:octo-org/infra:ref:refs/heads/main';
  const ID_SUB = 'repo:octo-org@1234567/infra@7654321:ref:refs/heads/main';

  test.each<[string, string, Record<string, string> | undefined, string | undefined]>([
    ['GitHub Actions, no required claims', GITHUB, undefined, notPinned(GITHUB, GITHUB_WHO, GITHUB_ADVICE)],
    ['GitHub Actions with a trailing slash', `${GITHUB}/`, undefined, notPinned(`${GITHUB}/`, GITHUB_WHO, GITHUB_ADVICE)],
    ['GitHub Actions, a claim that pins nothing', GITHUB, { ref: 'refs/heads/main' }, notPinned(GITHUB, GITHUB_WHO, GITHUB_ADVICE)],
    ['GitHub Actions pinned by repository_owner alone', GITHUB, { repository_owner: 'octo-org' },
      gitHubByName('repository_owner="octo-org"', 'repository_owner_id in place of repository_owner')],
    ['GitHub Actions pinned by repository_owner alone, with a trailing slash', `${GITHUB}/`, { repository_owner: 'octo-org' },
      gitHubByName('repository_owner="octo-org"', 'repository_owner_id in place of repository_owner', `${GITHUB}/`)],
    ['GitHub Actions pinned by repository alone', GITHUB, { repository: 'octo-org/infra' },
      gitHubByName('repository="octo-org/infra"', 'repository_id in place of repository')],
    ['GitHub Actions pinned by both names', GITHUB, { repository: 'octo-org/infra', repository_owner: 'octo-org', ref: 'refs/heads/main' },
      gitHubByName('repository="octo-org/infra", repository_owner="octo-org"', 'repository_id in place of repository, repository_owner_id in place of repository_owner')],
    ['GitHub Actions pinned by a name-only sub', GITHUB, { sub: NAME_SUB },
      gitHubByName(`sub="${NAME_SUB}"`, `${IMMUTABLE_SUB} in place of sub`)],
    ['GitHub Actions pinned by repository_owner_id', GITHUB, { repository_owner_id: '1234567' }, undefined],
    ['GitHub Actions pinned by repository_id', GITHUB, { repository_id: '7654321' }, undefined],
    ['GitHub Actions pinned by names and an ID', GITHUB, { repository_owner: 'octo-org', repository: 'octo-org/infra', repository_id: '7654321' }, undefined],
    ['GitHub Actions pinned by an immutable-form sub', GITHUB, { sub: ID_SUB }, undefined],
    ['GitHub Actions pinned by an immutable-form sub and a name', GITHUB, { sub: ID_SUB, repository_owner: 'octo-org' }, undefined],
    ['GitHub Actions, a sub with the changelog\'s first delimiter "-" is a name-only sub', GITHUB, { sub: 'repo:octo-org-1234567/infra-7654321:ref:refs/heads/main' },
      gitHubByName('sub="repo:octo-org-1234567/infra-7654321:ref:refs/heads/main"', `${IMMUTABLE_SUB} in place of sub`)],
    ['GitHub Actions, a sub with a name where the ID belongs is a name-only sub', GITHUB, { sub: 'repo:octo-org@octo/infra@7654321:ref:refs/heads/main' },
      gitHubByName('sub="repo:octo-org@octo/infra@7654321:ref:refs/heads/main"', `${IMMUTABLE_SUB} in place of sub`)],
    ['gitlab.com, unpinned', 'https://gitlab.com', { ref: 'main' }, notPinned('https://gitlab.com', GITLAB_WHO, GITLAB_ADVICE)],
    ['gitlab.com pinned by namespace_path alone', 'https://gitlab.com', { namespace_path: 'my-group' },
      gitLabByName('namespace_path="my-group"', 'namespace_id in place of namespace_path')],
    ['gitlab.com pinned by project_path and an exact sub', 'https://gitlab.com', { project_path: 'g/p', sub: 'project_path:g/p:ref_type:branch:ref:main' },
      gitLabByName('project_path="g/p", sub="project_path:g/p:ref_type:branch:ref:main"', 'project_id in place of project_path and sub')],
    ['gitlab.com pinned by namespace_id', 'https://gitlab.com', { namespace_id: '4242' }, undefined],
    ['gitlab.com pinned by project_id and paths', 'https://gitlab.com', { project_id: '31337', namespace_path: 'g', project_path: 'g/p' }, undefined],
    ['Google, unpinned', 'https://accounts.google.com', undefined, notPinned('https://accounts.google.com', GOOGLE_WHO, GOOGLE_ADVICE)],
    ['Google pinned by hd', 'https://accounts.google.com', { hd: 'example.com' }, undefined],
    ['Google pinned by an exact sub (never reused)', 'https://accounts.google.com', { sub: '110169484474386276334' }, undefined],
    ['a self-managed GitLab', 'https://gitlab.example.com', { namespace_path: 'g' }, undefined],
    ['an issuer of its own', 'https://idp.example.com', undefined, undefined],
  ])('%s', (_, issuerUrl, requiredClaims, expected) => {
    const stack = newStack();
    provider(stack, { issuer: OidcIssuer.fromUrl(issuerUrl), requiredClaims });
    expect(warningsOf(stack)).toEqual(expected === undefined ? [] : [expected]);
  });

  test('the required claims that pin may come from the issuer, the props, or both', () => {
    const fromIssuer = newStack();
    provider(fromIssuer, { issuer: OidcIssuer.fromUrl(GITHUB, { requiredClaims: { repository_owner_id: '1234567' } }) });
    expect(warningsOf(fromIssuer)).toEqual([]);
    const fromProps = newStack();
    provider(fromProps, { issuer: OidcIssuer.fromUrl(GITHUB, { requiredClaims: { repository_owner: 'octo-org' } }), requiredClaims: { repository_id: '7654321' } });
    expect(warningsOf(fromProps)).toEqual([]);
    const namesOnly = newStack();
    provider(namesOnly, { issuer: OidcIssuer.fromUrl(GITHUB, { requiredClaims: { repository_owner: 'octo-org' } }), requiredClaims: { repository: 'octo-org/infra' } });
    expect(warningsOf(namesOnly)).toEqual([gitHubByName('repository="octo-org/infra", repository_owner="octo-org"',
      'repository_id in place of repository, repository_owner_id in place of repository_owner')]);
  });

  test('the presets of shared issuers pin by IDs, an unpinned or name-pinned fromUrl warns, and each warning can be acknowledged on its own', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const all = () => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(GUARD.source)).map(w => [w.id, GUARD.exec(w.entry.data as string)![0]]);
    fromPreset(stack, OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org' }), { cluster }, 'GitHub');
    fromPreset(stack, OidcIssuer.gitLab({ namespaceId: '4242', namespacePath: 'group' }), { cluster }, 'GitLab');
    fromPreset(stack, OidcIssuer.googleWorkspace({ domain: 'example.com' }), { cluster }, 'Google');
    expect(all()).toEqual([]);
    const open = fromPreset(stack, OidcIssuer.fromUrl(GITHUB), { cluster: importedCluster(stack, 'other') }, 'Open');
    const named = fromPreset(stack, OidcIssuer.fromUrl(GITHUB, { requiredClaims: { repository_owner: 'octo-org' } }), { cluster: importedCluster(stack, 'third') }, 'Named');
    expect(all()).toEqual([['/Stack/Open', 'sharedIssuerNotPinned'], ['/Stack/Named', 'sharedIssuerPinnedByName']]);
    // Acknowledging one id leaves the other warning: they are distinct risks.
    CoreAnnotations.of(named).acknowledgeWarning('cdk-eks-oidc:sharedIssuerNotPinned', 'not this one');
    expect(all()).toEqual([['/Stack/Open', 'sharedIssuerNotPinned'], ['/Stack/Named', 'sharedIssuerPinnedByName']]);
    CoreAnnotations.of(named).acknowledgeWarning('cdk-eks-oidc:sharedIssuerPinnedByName', 'the organisation name is ours for good');
    CoreAnnotations.of(open).acknowledgeWarning('cdk-eks-oidc:sharedIssuerNotPinned', 'every repository may read');
    expect(all()).toEqual([]);
  });
});

test('a provider from a preset is the provider of the same settings given to fromUrl, or given one by one', () => {
  const url = `https://login.microsoftonline.com/${TENANT}/v2.0`;
  const connection = { clusterEndpoint: 'https://x.example.com', certificateAuthorityData: 'Q0E=' };
  const a = newStack();
  const preset = fromPreset(a, OidcIssuer.entraId({ tenantId: TENANT }));
  const b = newStack();
  const own = fromPreset(b, OidcIssuer.fromUrl(url, { usernameClaim: 'oid', groupsClaim: 'groups', kubeconfigScopes: ['profile'] }));
  const c = newStack();
  provider(c, { issuer: OidcIssuer.fromUrl(url), usernameClaim: 'oid', groupsClaim: 'groups' });
  expect(Template.fromStack(b).toJSON()).toEqual(Template.fromStack(a).toJSON());
  expect(Template.fromStack(c).toJSON()).toEqual(Template.fromStack(a).toJSON());
  expect(own.kubeconfig(connection)).toBe(preset.kubeconfig(connection));
});
