import { Annotations as CoreAnnotations, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { OidcIdentityProviderProps, OidcIssuer } from '../src';
import { errorOf, importedCluster, newStack, provider } from './util';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CONFIG = 'AWS::EKS::IdentityProviderConfig';

/** A provider from a preset, on an imported cluster. */
const fromPreset = (stack: Stack, issuer: OidcIssuer, props: Partial<OidcIdentityProviderProps> = {}, id = 'Provider') =>
  provider(stack, { issuerUrl: undefined, issuer, ...props }, id);

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
    ['any other issuer', () => OidcIssuer.fromUrl('https://dex.example.com'), { IssuerUrl: 'https://dex.example.com' }],
  ])('%s', (_, issuer, expected) => {
    const stack = newStack();
    const p = fromPreset(stack, issuer());
    // Exactly these settings: presets leave the prefixes at their defaults.
    expect(oidcOf(stack)).toEqual({ ClientId: 'kubernetes', ...expected });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    const settings = expected as { IssuerUrl: string; UsernameClaim?: string; GroupsClaim?: string };
    expect([p.issuerUrl, p.usernameClaim, p.groupsClaim]).toEqual([settings.IssuerUrl, settings.UsernameClaim ?? 'sub', settings.GroupsClaim]);
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

describe('validation', () => {
  test('exactly one of issuer and issuerUrl', () => {
    const fix = 'Pass issuer (a preset such as OidcIssuer.okta({ domain }), or OidcIssuer.fromUrl(url)) or issuerUrl alone';
    expect(errorOf(() => provider(newStack(), { issuer: OidcIssuer.fromUrl('https://a.example.com') })))
      .toBe(`Invalid issuerUrl "https://idp.example.com": give exactly one of issuer and issuerUrl, but issuer is given too. ${fix}`);
    expect(errorOf(() => provider(newStack(), { issuerUrl: undefined })))
      .toBe(`Invalid issuerUrl undefined: give exactly one of issuer and issuerUrl, but issuer is missing too. ${fix}`);
  });

  test('a preset\'s URL is checked like any issuer URL', () => {
    expect(errorOf(() => fromPreset(newStack(), OidcIssuer.fromUrl('http://dex.example.com')))).toMatch(/^Invalid issuerUrl "http:\/\/dex.example.com": EKS only accepts/);
  });

  const tenantFix = 'Use the Directory (tenant) ID that the Entra admin center shows under "Overview", e.g. "72f988bf-86f1-41af-91ab-2d7cd011db47"';
  test.each(['common', 'organizations', 'consumers', 'Common'])('the Entra tenant alias %s: an error, as preset and as URL', (tenant) => {
    const why = `"${tenant}" is an alias of sign-in URLs, and no token carries it in "iss": tokens name the tenant that signed them`;
    expect(errorOf(() => OidcIssuer.entraId({ tenantId: tenant }))).toBe(`Invalid tenantId "${tenant}": ${why}. ${tenantFix}`);
    expect(errorOf(() => provider(newStack(), { issuerUrl: `https://login.microsoftonline.com/${tenant}/v2.0` })))
      .toBe(`Invalid issuerUrl tenant "${tenant}": ${why}. ${tenantFix}`);
  });

  test('an Entra tenant that is a domain name, or no GUID', () => {
    for (const tenant of ['contoso.onmicrosoft.com', 'contoso', '', `${TENANT}x`]) {
      expect(errorOf(() => OidcIssuer.entraId({ tenantId: tenant }))).toBe(`Invalid tenantId ${JSON.stringify(tenant)}: the issuer of Entra ID tokens `
        + `names the tenant by its ID (a GUID), never by a domain or another name. ${tenantFix}`);
    }
    expect(errorOf(() => OidcIssuer.entraId({ tenantId: TENANT.toUpperCase() }))).toBeUndefined();
    // A plain URL with a domain is the user's to choose: only the aliases are sure never to match.
    expect(errorOf(() => provider(newStack(), { issuerUrl: `https://login.microsoftonline.com/${TENANT}/v2.0` }))).toBeUndefined();
  });

  test.each<[string, () => OidcIssuer, string]>([
    ['Okta domain with a scheme', () => OidcIssuer.okta({ domain: 'https://example.okta.com' }),
      'Invalid domain "https://example.okta.com": it must be a domain name alone, without "https://", a path or a trailing "/". Give the domain as in "example.okta.com"'],
    ['Auth0 domain with a trailing slash', () => OidcIssuer.auth0({ domain: 'example.auth0.com/' }),
      'Invalid domain "example.auth0.com/": it must be a domain name alone, without "https://", a path or a trailing "/". Give the domain as in "example.okta.com"'],
    ['Google domain empty', () => OidcIssuer.googleWorkspace({ domain: '' }),
      'Invalid domain "": it must be a domain name alone, without "https://", a path or a trailing "/". Give the domain as in "example.okta.com"'],
    ['Okta server with a slash', () => OidcIssuer.okta({ domain: 'example.okta.com', authorizationServerId: 'oauth2/default' }),
      'Invalid authorizationServerId "oauth2/default": it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#". Give the name alone'],
    ['Keycloak over http', () => OidcIssuer.keycloak({ url: 'http://keycloak.example.com', realm: 'platform' }),
      'Invalid url "http://keycloak.example.com": it must be an https:// URL without query string, fragment or whitespace. Give the server\'s URL, e.g. "https://keycloak.example.com"'],
    ['Keycloak realm empty', () => OidcIssuer.keycloak({ url: 'https://keycloak.example.com', realm: '' }),
      'Invalid realm "": it must not be empty or contain whitespace or control characters. Give the value as the identity provider shows it'],
    ['GitHub owner/repository as the owner', () => OidcIssuer.gitHubActions({ owner: 'octo-org/infra' }),
      'Invalid owner "octo-org/infra": it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#". Give the name alone'],
    ['GitHub repository with its owner', () => OidcIssuer.gitHubActions({ owner: 'octo-org', repository: 'octo-org/infra' }),
      'Invalid repository "octo-org/infra": it becomes one segment of the issuer URL, so it must not contain "/", "?" or "#". Give the name alone'],
    ['GitLab namespace empty', () => OidcIssuer.gitLab({ namespacePath: '' }),
      'Invalid namespacePath "": it must not be empty or contain whitespace or control characters. Give the value as the identity provider shows it'],
  ])('%s', (_, make, message) => {
    expect(errorOf(make)).toBe(message);
  });
});

describe('the shared-issuer guard', () => {
  const warningOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('sharedIssuerNotPinned'));
  const GITHUB = 'https://token.actions.githubusercontent.com';

  test.each<[string, string, Record<string, string> | undefined, string | undefined]>([
    ['GitHub Actions, no required claims', GITHUB, undefined, 'repository_owner, repository_owner_id, repository, repository_id'],
    ['GitHub Actions with a trailing slash', `${GITHUB}/`, undefined, 'repository_owner, repository_owner_id, repository, repository_id'],
    ['GitHub Actions, a claim that pins nothing', GITHUB, { ref: 'refs/heads/main' }, 'repository_owner, repository_owner_id, repository, repository_id'],
    ['GitHub Actions pinned by repository_owner', GITHUB, { repository_owner: 'octo-org' }, undefined],
    ['GitHub Actions pinned by repository_owner_id', GITHUB, { repository_owner_id: '123' }, undefined],
    ['GitHub Actions pinned by repository', GITHUB, { repository: 'octo-org/infra' }, undefined],
    ['GitHub Actions pinned by repository_id', GITHUB, { repository_id: '456' }, undefined],
    ['gitlab.com, unpinned', 'https://gitlab.com', { ref: 'main' }, 'namespace_path, namespace_id, project_path, project_id'],
    ['gitlab.com pinned by project_id', 'https://gitlab.com', { project_id: '42' }, undefined],
    ['Google, unpinned', 'https://accounts.google.com', undefined, 'hd'],
    ['Google pinned by hd', 'https://accounts.google.com', { hd: 'example.com' }, undefined],
    ['a self-managed GitLab', 'https://gitlab.example.com', undefined, undefined],
    ['an issuer of its own', 'https://idp.example.com', undefined, undefined],
  ])('%s', (_, issuerUrl, requiredClaims, pins) => {
    const stack = newStack();
    provider(stack, { issuerUrl, requiredClaims });
    const warnings = warningOf(stack);
    if (pins === undefined) {
      expect(warnings).toEqual([]);
      return;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(new RegExp(`^Invalid requiredClaims .*: the issuer ${issuerUrl.replace(/\./g, '\\.')} signs tokens for .*; without a required claim `
      + 'that pins your organisation, every one of them can log in to this cluster \\(as system:authenticated, with whatever is bound to it\\)\\. '
      + `Require one of ${pins} \\(the OidcIssuer presets do\\), or acknowledge this warning if any of them may log in \\[ack: cdk-eks-oidc:sharedIssuerNotPinned\\]$`));
  });

  test('the presets of shared issuers pin, an unpinned fromUrl warns, and the warning can be acknowledged', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    fromPreset(stack, OidcIssuer.gitHubActions({ owner: 'octo-org' }), { cluster }, 'GitHub');
    fromPreset(stack, OidcIssuer.gitLab({ namespacePath: 'group' }), { cluster }, 'GitLab');
    fromPreset(stack, OidcIssuer.googleWorkspace({ domain: 'example.com' }), { cluster }, 'Google');
    expect(warningOf(stack)).toEqual([]);
    const open = fromPreset(stack, OidcIssuer.fromUrl(GITHUB), { cluster: importedCluster(stack, 'other') }, 'Open');
    expect(warningOf(stack)).toHaveLength(1);
    CoreAnnotations.of(open).acknowledgeWarning('cdk-eks-oidc:sharedIssuerNotPinned', 'every repository may read');
    expect(warningOf(stack)).toEqual([]);
  });
});

test('a provider from a preset is the provider of the same settings given one by one', () => {
  const a = newStack();
  fromPreset(a, OidcIssuer.entraId({ tenantId: TENANT }));
  const b = newStack();
  provider(b, { issuerUrl: `https://login.microsoftonline.com/${TENANT}/v2.0`, usernameClaim: 'oid', groupsClaim: 'groups' });
  expect(Template.fromStack(a).toJSON()).toEqual(Template.fromStack(b).toJSON());
});
