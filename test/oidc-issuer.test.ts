import { Annotations as CoreAnnotations, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { OidcIdentityProviderProps, OidcIssuer } from '../src';
import { errorOf, importedCluster, ISSUER, newStack, provider } from './util';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
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
    ['GitHub Actions, an owner', () => OidcIssuer.gitHubActions({ owner: 'octo-org' }),
      { IssuerUrl: 'https://token.actions.githubusercontent.com', UsernameClaim: 'sub', RequiredClaims: [{ Key: 'repository_owner', Value: 'octo-org' }] }],
    ['GitHub Actions, one repository', () => OidcIssuer.gitHubActions({ owner: 'octo-org', repository: 'infra' }),
      {
        IssuerUrl: 'https://token.actions.githubusercontent.com',
        UsernameClaim: 'sub',
        RequiredClaims: [{ Key: 'repository', Value: 'octo-org/infra' }, { Key: 'repository_owner', Value: 'octo-org' }],
      }],
    ['GitLab', () => OidcIssuer.gitLab({ namespacePath: 'my-group/platform' }),
      { IssuerUrl: 'https://gitlab.com', UsernameClaim: 'sub', RequiredClaims: [{ Key: 'namespace_path', Value: 'my-group/platform' }] }],
    ['GitLab self-managed', () => OidcIssuer.gitLab({ namespacePath: 'platform', url: 'https://gitlab.example.com/' }),
      { IssuerUrl: 'https://gitlab.example.com', UsernameClaim: 'sub', RequiredClaims: [{ Key: 'namespace_path', Value: 'platform' }] }],
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
    const p = fromPreset(stack, OidcIssuer.gitHubActions({ owner: 'octo-org', repository: 'infra' }), {
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
        { Key: 'repository_owner', Value: 'octo-org' },
      ],
    });
    expect(p.usernameFor('octo-org/other')).toBe('gh:octo-org/other');
    expect(p.groupFor('prod')).toBe('prod');
  });

  test('every helper uses the effective settings: user names of a preset\'s claim and issuer', () => {
    const stack = newStack();
    const gitHub = fromPreset(stack, OidcIssuer.gitHubActions({ owner: 'octo-org' }));
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
    ['GitHub Actions: none', () => OidcIssuer.gitHubActions({ owner: 'octo-org' }), {}, []],
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
    expect(errorOf(() => OidcIssuer.gitLab({ namespacePath: 'group', url: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC' })))
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
    ['GitHub owner/repository as the owner', () => OidcIssuer.gitHubActions({ owner: 'octo-org/infra' }),
      'Invalid owner "octo-org/infra": it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#". Give the name alone'],
    ['GitHub owner with a zero-width space', () => OidcIssuer.gitHubActions({ owner: 'octo\u200borg' }),
      'Invalid owner "octo\\u200borg": it contains the invisible formatting character U+200B. Remove it; it was most likely pasted by mistake'],
    ['GitHub repository with its owner', () => OidcIssuer.gitHubActions({ owner: 'octo-org', repository: 'octo-org/infra' }),
      'Invalid repository "octo-org/infra": it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#". Give the name alone'],
    ['GitLab namespace empty', () => OidcIssuer.gitLab({ namespacePath: '' }),
      'Invalid namespacePath "": it must not be empty. Give the path as GitLab shows it, e.g. "my-group/platform"'],
    ['GitLab url over http', () => OidcIssuer.gitLab({ namespacePath: 'group', url: 'http://gitlab.example.com' }),
      'Invalid url "http://gitlab.example.com": it must be an https:// URL with a host, without query string, fragment or whitespace. '
        + 'Give the server\'s URL, e.g. "https://keycloak.example.com"'],
  ])('%s', (_, make, message) => {
    expect(errorOf(make)).toBe(message);
  });

  test.each(['*', 'my-group/*', '/my-group', 'my-group/', 'my-group//platform', '/'])('GitLab namespacePath %j: an error', (namespacePath) => {
    expect(errorOf(() => OidcIssuer.gitLab({ namespacePath }))).toBe(`Invalid namespacePath ${JSON.stringify(namespacePath)}: it must be a group path such as `
      + '"my-group/platform": no "*", no empty, leading or trailing "/", as a required claim matches the token\'s namespace_path exactly. '
      + 'Give the path as GitLab shows it');
  });

  test.each(['my-group', 'my-group/platform', 'my-group/platform/sub-group', 'user.name'])('GitLab namespacePath %j: accepted', (namespacePath) => {
    expect(errorOf(() => OidcIssuer.gitLab({ namespacePath }))).toBeUndefined();
  });

  test('preset errors are thrown without a construct path, with their ids', () => {
    expect(() => OidcIssuer.gitLab({ namespacePath: '*' })).toThrow(/exactly\. Give the path as GitLab shows it \[cdk-eks-oidc:invalidNamespacePath\]$/);
    expect(() => OidcIssuer.entraId({ tenantId: 'common' })).toThrow(/ \[cdk-eks-oidc:invalidTenantId\]$/);
    expect(() => OidcIssuer.googleWorkspace({ domain: 'example.com:443' })).toThrow(/ \[cdk-eks-oidc:invalidDomain\]$/);
  });
});

describe('the shared-issuer guard', () => {
  const warningOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('/Stack/Provider', Match.stringLikeRegexp('sharedIssuerNotPinned'));
  const GITHUB = 'https://token.actions.githubusercontent.com';
  const GITHUB_PINS = 'repository_owner, repository_owner_id, repository, repository_id';
  const GITHUB_WHO = 'any GitHub Actions workflow of any repository on GitHub, which can ask for any audience';

  test.each<[string, string, Record<string, string> | undefined, [string, string] | undefined]>([
    ['GitHub Actions, no required claims', GITHUB, undefined, [GITHUB_WHO, GITHUB_PINS]],
    ['GitHub Actions with a trailing slash', `${GITHUB}/`, undefined, [GITHUB_WHO, GITHUB_PINS]],
    ['GitHub Actions, a claim that pins nothing', GITHUB, { ref: 'refs/heads/main' }, [GITHUB_WHO, GITHUB_PINS]],
    ['GitHub Actions pinned by repository_owner', GITHUB, { repository_owner: 'octo-org' }, undefined],
    ['GitHub Actions pinned by repository_owner_id', GITHUB, { repository_owner_id: '123' }, undefined],
    ['GitHub Actions pinned by repository', GITHUB, { repository: 'octo-org/infra' }, undefined],
    ['GitHub Actions pinned by repository_id', GITHUB, { repository_id: '456' }, undefined],
    ['GitHub Actions pinned by an exact sub', GITHUB, { sub: 'repo:octo-org/infra:ref:refs/heads/main' }, undefined],
    ['gitlab.com, unpinned', 'https://gitlab.com', { ref: 'main' },
      ['any CI job of any project on gitlab.com, which can ask for any audience', 'namespace_path, namespace_id, project_path, project_id']],
    ['gitlab.com pinned by project_id', 'https://gitlab.com', { project_id: '42' }, undefined],
    ['gitlab.com pinned by an exact sub', 'https://gitlab.com', { sub: 'project_path:group/project:ref_type:branch:ref:main' }, undefined],
    ['Google, unpinned', 'https://accounts.google.com', undefined, ['any Google account holder who signs in to your OAuth client', 'hd']],
    ['Google pinned by hd', 'https://accounts.google.com', { hd: 'example.com' }, undefined],
    ['a self-managed GitLab', 'https://gitlab.example.com', undefined, undefined],
    ['an issuer of its own', 'https://idp.example.com', undefined, undefined],
  ])('%s', (_, issuerUrl, requiredClaims, expected) => {
    const stack = newStack();
    provider(stack, { issuer: OidcIssuer.fromUrl(issuerUrl), requiredClaims });
    const warnings = warningOf(stack);
    if (expected === undefined) {
      expect(warnings).toEqual([]);
      return;
    }
    const [who, pins] = expected;
    expect(warnings.map(w => w.entry.data)).toEqual([`The issuer "${issuerUrl}" signs tokens for ${who}, and no required claim pins your organisation: `
      + 'every one of them can log in to this cluster (as system:authenticated, with whatever is bound to it). '
      + `Require one of ${pins} or an exact sub (the OidcIssuer presets do), or acknowledge this warning if any of them may log in `
      + '[ack: cdk-eks-oidc:sharedIssuerNotPinned]']);
  });

  test('the required claims that pin may come from the issuer, the props, or both', () => {
    const fromIssuer = newStack();
    provider(fromIssuer, { issuer: OidcIssuer.fromUrl(GITHUB, { requiredClaims: { repository_owner: 'octo-org' } }) });
    expect(warningOf(fromIssuer)).toEqual([]);
    const fromProps = newStack();
    provider(fromProps, { issuer: OidcIssuer.fromUrl(GITHUB, { requiredClaims: { ref: 'main' } }), requiredClaims: { repository: 'octo-org/infra' } });
    expect(warningOf(fromProps)).toEqual([]);
  });

  test('the presets of shared issuers pin, an unpinned fromUrl warns, and the warning can be acknowledged', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const all = () => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('sharedIssuerNotPinned'));
    fromPreset(stack, OidcIssuer.gitHubActions({ owner: 'octo-org' }), { cluster }, 'GitHub');
    fromPreset(stack, OidcIssuer.gitLab({ namespacePath: 'group' }), { cluster }, 'GitLab');
    fromPreset(stack, OidcIssuer.googleWorkspace({ domain: 'example.com' }), { cluster }, 'Google');
    expect(all()).toEqual([]);
    const open = fromPreset(stack, OidcIssuer.fromUrl(GITHUB), { cluster: importedCluster(stack, 'other') }, 'Open');
    expect(all()).toHaveLength(1);
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
