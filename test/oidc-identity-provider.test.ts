import { App, Lazy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { IOidcIdentityProvider, KubeconfigLogin, OidcIdentityProvider, OidcIdentityProviderProps, OidcIssuer, OidcSettings, RoleRef } from '../src';
import { errorOf, importedCluster, ISSUER, newStack, provider } from './util';

const TYPE = 'AWS::EKS::IdentityProviderConfig';

describe('props', () => {
  test('required props render a minimal config, optional ones stay out of the template but the username claim', () => {
    const stack = newStack();
    provider(stack);
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ClusterName: 'prod',
      Type: 'oidc',
      IdentityProviderConfigName: Match.stringLikeRegexp('^Stack-Provider-'),
      Oidc: {
        IssuerUrl: ISSUER,
        ClientId: 'kubernetes',
        // Always written: the effective claim, 'sub' by default, is what EKS applies.
        UsernameClaim: 'sub',
        UsernamePrefix: Match.absent(),
        GroupsClaim: Match.absent(),
        GroupsPrefix: Match.absent(),
        RequiredClaims: Match.absent(),
      },
      Tags: Match.absent(),
    });
  });

  test('every prop lands in the template, requiredClaims and tags as key/value lists', () => {
    const stack = newStack();
    provider(stack, {
      identityProviderConfigName: 'okta',
      usernameClaim: 'email',
      usernamePrefix: 'okta:',
      groupsClaim: 'groups',
      groupsPrefix: 'okta-group:',
      requiredClaims: { hd: 'example.com', tier: 'prod' },
      tags: { team: 'platform', env: 'prod' },
    });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ClusterName: 'prod',
      Type: 'oidc',
      IdentityProviderConfigName: 'okta',
      Oidc: {
        IssuerUrl: ISSUER,
        ClientId: 'kubernetes',
        UsernameClaim: 'email',
        UsernamePrefix: 'okta:',
        GroupsClaim: 'groups',
        GroupsPrefix: 'okta-group:',
        RequiredClaims: [{ Key: 'hd', Value: 'example.com' }, { Key: 'tier', Value: 'prod' }],
      },
      Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'platform' }],
    });
  });

  test('requiredClaims are listed by claim name, whatever order the map iterates in', () => {
    // Tags are sorted by aws-cdk-lib's TagManager; a Java Map.of iterates in a different order
    // from one JVM to the next, and a reordered list would replace the association.
    const claims = (stack: Stack) => Object.values(Template.fromStack(stack).findResources(TYPE))[0].Properties.Oidc.RequiredClaims;
    const forward = newStack();
    provider(forward, { requiredClaims: { hd: 'example.com', aud2: 'x', tier: 'prod' } });
    const backward = newStack();
    provider(backward, { requiredClaims: { tier: 'prod', aud2: 'x', hd: 'example.com' } });
    expect(claims(forward)).toEqual([
      { Key: 'aud2', Value: 'x' }, { Key: 'hd', Value: 'example.com' }, { Key: 'tier', Value: 'prod' },
    ]);
    expect(claims(backward)).toEqual(claims(forward));
  });

  test('Tags.of() reaches the resource beside the tags prop', () => {
    const stack = newStack();
    provider(stack, { tags: { team: 'platform' } });
    Tags.of(stack).add('cost-center', '42');
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      Tags: [{ Key: 'cost-center', Value: '42' }, { Key: 'team', Value: 'platform' }],
    });
  });

  test('the L1 is the default child, with id Resource', () => {
    const stack = newStack();
    const p = provider(stack);
    expect(p.node.defaultChild).toBe(p.node.findChild('Resource'));
    expect(p.node.defaultChild).toBeInstanceOf(eks.CfnIdentityProviderConfig);
  });
});

describe('clusters', () => {
  test('aws-eks-v2 Cluster: the name is a reference to the cluster', () => {
    const stack = newStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    provider(stack, { cluster });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ClusterName: { Ref: stack.getLogicalId(cluster.node.defaultChild as eks.CfnCluster) },
    });
  });

  test('CfnCluster', () => {
    const stack = newStack();
    const cluster = new eks.CfnCluster(stack, 'Cluster', {
      roleArn: 'arn:aws:iam::111111111111:role/eks',
      resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
    });
    provider(stack, { cluster });
    Template.fromStack(stack).hasResourceProperties(TYPE, { ClusterName: { Ref: stack.getLogicalId(cluster) } });
  });

  test('imported aws-eks and aws-eks-v2 clusters: the literal name', () => {
    const stack = newStack();
    provider(stack, { cluster: importedCluster(stack, 'blue') }, 'Blue');
    provider(stack, {
      cluster: eksv2.Cluster.fromClusterAttributes(stack, 'Green', { clusterName: 'green' }),
      issuer: OidcIssuer.fromUrl('https://other.example.com'),
    }, 'GreenProvider');
    const template = Template.fromStack(stack);
    template.hasResourceProperties(TYPE, { ClusterName: 'blue' });
    template.hasResourceProperties(TYPE, { ClusterName: 'green' });
  });
});

describe('attributes', () => {
  test('resolve to the resource and its props', () => {
    const stack = newStack();
    const p = provider(stack, { identityProviderConfigName: 'okta' });
    const logicalId = stack.getLogicalId(p.node.defaultChild as eks.CfnIdentityProviderConfig);
    expect(stack.resolve(p.identityProviderConfigArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'IdentityProviderConfigArn'] });
    expect(p.identityProviderConfigName).toBe('okta');
    expect(p.clusterName).toBe('prod');
    expect(p.issuerUrl).toBe(ISSUER);
    expect(p.usernameClaim).toBe('sub');
    expect(p.groupsClaim).toBeUndefined();
  });

  test('aws-cdk-lib APIs that take an IIdentityProviderConfigRef accept the provider', () => {
    const stack = newStack();
    const p = provider(stack, { identityProviderConfigName: 'okta' });
    expect(stack.resolve(eks.CfnIdentityProviderConfig.arnForIdentityProviderConfig(p)))
      .toEqual(stack.resolve(p.identityProviderConfigArn));
    expect(p.identityProviderConfigRef).toEqual({
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: p.identityProviderConfigArn,
      clusterName: 'prod',
      type: 'oidc',
    });
  });
});

describe('imports', () => {
  const ARN = 'arn:aws:eks:us-west-2:222222222222:identityproviderconfig/prod/oidc/okta/0ab1c2d3-e4f5-6789-abcd-ef0123456789';

  test('fromOidcIdentityProviderAttributes', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN,
    });
    expect(imported.identityProviderConfigRef).toEqual({
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, type: 'oidc',
    });
    expect(imported.env).toEqual({ account: '222222222222', region: 'us-west-2' });
  });

  test('fromIdentityProviderConfigArn reads cluster and name from the ARN', () => {
    const stack = newStack();
    const imported = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Imported', ARN);
    expect(imported.clusterName).toBe('prod');
    expect(imported.identityProviderConfigName).toBe('okta');
    expect(imported.identityProviderConfigArn).toBe(ARN);
    expect(imported.env).toEqual({ account: '222222222222', region: 'us-west-2' });
  });

  test('fromIdentityProviderConfigArn with a token ARN selects the parts with CloudFormation functions', () => {
    const stack = newStack();
    const arn = Token.asString({ Ref: 'ProviderArn' });
    const imported = OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Imported', arn);
    const split = { 'Fn::Split': ['/', { Ref: 'ProviderArn' }] };
    expect(stack.resolve(imported.clusterName)).toEqual({ 'Fn::Select': [1, split] });
    expect(stack.resolve(imported.identityProviderConfigName)).toEqual({ 'Fn::Select': [3, split] });
  });

  test.each([
    'arn:aws:eks:us-west-2:222222222222:cluster/prod',
    'arn:aws:eks:us-west-2:222222222222:identityproviderconfig/prod/oidc/okta',
    'arn:aws:eks:us-west-2:222222222222:identityproviderconfig/prod/saml/okta/0ab1',
    'arn:aws:iam:us-west-2:222222222222:identityproviderconfig/prod/oidc/okta/0ab1',
    'arn:aws:eks:us-west-2:222222222222:identityproviderconfig//oidc/okta/0ab1',
  ])('fromIdentityProviderConfigArn rejects %s', (arn) => {
    const stack = newStack();
    expect(() => OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Imported', arn)).toThrow(new Error(
      `Invalid identityProviderConfigArn "${arn}": it is not the ARN of an EKS OIDC identity provider configuration. `
      + 'Pass the identityProviderConfigArn that `aws eks describe-identity-provider-config` shows: '
      + 'arn:<partition>:eks:<region>:<account>:identityproviderconfig/<cluster>/oidc/<name>/<uuid> [cdk-eks-oidc:invalidIdentityProviderConfigArn]'));
  });

  test('the cluster given to an import is its cluster; a definition\'s is the one it was given', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    expect(provider(stack, { cluster }).cluster).toBe(cluster);
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, cluster,
    });
    expect(imported.cluster).toBe(cluster);
    expect(OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'ByArn', ARN).cluster).toBeUndefined();
  });
});

describe('an import with settings behaves exactly like the definition', () => {
  const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3-e4f5-6789-abcd-ef0123456789';
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const connection = { clusterEndpoint: 'https://ABC.gr7.eu-west-1.eks.amazonaws.com', certificateAuthorityData: 'Q0E=' };

  /** A definition and an import of the same settings, on the same cluster and with the same names. */
  function pair(settings: OidcSettings) {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const defined = new OidcIdentityProvider(stack, 'Defined', { cluster, identityProviderConfigName: 'okta', ...settings });
    const imported = OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, cluster, settings,
    });
    return { defined, imported };
  }

  test.each<[string, OidcSettings]>([
    ['a plain issuer', { issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes', groupsClaim: 'groups' }],
    ['every setting', {
      issuer: OidcIssuer.fromUrl(ISSUER),
      clientId: 'kubernetes',
      usernameClaim: 'email',
      usernamePrefix: 'oidc:',
      groupsClaim: 'roles',
      groupsPrefix: 'oidc-group:',
      requiredClaims: { hd: 'example.com' },
    }],
    ['a preset', { issuer: OidcIssuer.okta({ domain: 'example.okta.com' }), clientId: '0oa1b2c3' }],
    ['a preset and settings over it', { issuer: OidcIssuer.gitHubActions({ ownerId: '1234567', owner: 'octo-org' }), clientId: 'eks', usernamePrefix: 'gh:', groupsClaim: 'environment' }],
  ])('usernameFor, groupFor and kubeconfig, %s', (_, settings) => {
    const { defined, imported } = pair(settings);
    for (const value of ['alice', 'alice@example.com', 'repo:octo-org/infra:ref:refs/heads/main']) {
      expect(imported.usernameFor(value)).toBe(defined.usernameFor(value));
      expect(imported.groupFor(value)).toBe(defined.groupFor(value));
    }
    expect(imported.kubeconfig(connection)).toBe(defined.kubeconfig(connection));
    for (const login of [KubeconfigLogin.tokenFile('/var/run/token'), KubeconfigLogin.gitHubActions()]) {
      expect(imported.kubeconfig({ ...connection, login })).toBe(defined.kubeconfig({ ...connection, login }));
    }
  });

  test('an Entra ID import\'s kubeconfig requests the profile scope, as the definition\'s does', () => {
    const { defined, imported } = pair({ issuer: OidcIssuer.entraId({ tenantId: TENANT }), clientId: 'app' });
    expect(imported.kubeconfig(connection)).toContain('- "--oidc-extra-scope=profile"');
    expect(imported.kubeconfig(connection)).toBe(defined.kubeconfig(connection));
  });

  test('an import\'s settings are checked like a definition\'s, at the import\'s path', () => {
    const stack = newStack();
    expect(() => OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod',
      identityProviderConfigName: 'okta',
      identityProviderConfigArn: ARN,
      settings: { issuer: OidcIssuer.fromUrl(ISSUER), clientId: '', usernamePrefix: 'system:' },
    })).toThrow(new Error([
      'Invalid clientId "": it must not be empty. Use the client ID of the application registered with your identity provider [cdk-eks-oidc:invalidClientId]',
      'Invalid usernamePrefix "system:": a prefix must not contain "system:", which Kubernetes reserves for its own users and groups. '
        + 'Use a prefix of your own, such as "oidc:" [cdk-eks-oidc:invalidUsernamePrefix]',
      '  at Stack/Imported',
    ].join('\n')));
  });
});

describe('an import by name alone refuses what needs the settings, with one error', () => {
  const ARN = 'arn:aws:eks:eu-west-1:111111111111:identityproviderconfig/prod/oidc/okta/0ab1c2d3-e4f5-6789-abcd-ef0123456789';
  const message = (cannot: string) => `The provider was imported by name alone, so it cannot ${cannot}. Import it with fromOidcIdentityProviderAttributes() `
    + 'and settings: the issuer, clientId, claims and prefixes it was defined with [cdk-eks-oidc:importWithoutSettings]\n  at Stack/Imported';
  const kubectlCluster = (stack: Stack) => eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'prod', kubectlRoleArn: 'arn:aws:iam::111111111111:role/kubectl',
  });
  const imports: Array<[string, (stack: Stack) => IOidcIdentityProvider]> = [
    ['fromIdentityProviderConfigArn', stack => OidcIdentityProvider.fromIdentityProviderConfigArn(stack, 'Imported', ARN)],
    ['fromOidcIdentityProviderAttributes without settings', stack => OidcIdentityProvider.fromOidcIdentityProviderAttributes(stack, 'Imported', {
      clusterName: 'prod', identityProviderConfigName: 'okta', identityProviderConfigArn: ARN, cluster: kubectlCluster(stack),
    })],
  ];
  describe.each(imports)('%s', (_, make) => {
    test.each<[string, (p: IOidcIdentityProvider) => unknown, string]>([
      ['usernameFor', p => p.usernameFor('alice'), 'spell user names'],
      ['groupFor', p => p.groupFor('engineering'), 'spell group names'],
      ['addClusterRoleBinding', p => p.addClusterRoleBinding('Viewers', { clusterRole: 'view', users: ['alice'] }), 'spell user names'],
      ['addRoleBinding of groups', p => p.addRoleBinding('Editors', { namespace: 'apps', role: RoleRef.clusterRole('edit'), groups: ['dev'] }), 'spell group names'],
      ['kubeconfig', p => p.kubeconfig({ clusterEndpoint: 'https://x.example.com', certificateAuthorityData: 'Q0E=' }), 'render a kubeconfig'],
      ['addKubeconfigOutput', p => p.addKubeconfigOutput('Kubeconfig', { clusterEndpoint: 'https://x.example.com', certificateAuthorityData: 'Q0E=' }),
        'render a kubeconfig'],
      ['explainToken', p => p.explainToken('a.b.c'), 'judge tokens'],
    ])('%s', (__, use, cannot) => {
      const p = make(newStack());
      expect(() => use(p)).toThrow(new Error(message(cannot)));
    });
  });

  test('the names alone it has', () => {
    const imported = OidcIdentityProvider.fromIdentityProviderConfigArn(newStack(), 'Imported', ARN);
    expect([imported.clusterName, imported.identityProviderConfigName, imported.identityProviderConfigArn]).toEqual(['prod', 'okta', ARN]);
    expect(errorOf(() => imported.identityProviderConfigRef)).toBeUndefined();
  });
});

describe('generated names', () => {
  test('letters, digits and hyphens, at most 63 characters, even from a long path', () => {
    const stack = newStack();
    let scope: Construct = stack;
    for (let i = 0; i < 8; i++) scope = new Construct(scope, `Very_Long.Construct Id ${i}`);
    const p = provider(stack, { cluster: importedCluster(stack) }, 'Provider');
    const deep = new OidcIdentityProvider(scope, 'Provider', {
      cluster: importedCluster(stack, 'other'), issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes',
    });
    for (const name of [p.identityProviderConfigName, deep.identityProviderConfigName]) {
      expect(name).toMatch(/^[A-Za-z0-9-]{1,63}$/);
    }
  });

  test('unique for equal ids in different scopes, stable across synths', () => {
    const names = () => {
      const stack = newStack();
      return ['A', 'B'].map(scopeId => new OidcIdentityProvider(new Construct(stack, scopeId), 'Provider', {
        cluster: importedCluster(stack, `cluster-${scopeId}`), issuer: OidcIssuer.fromUrl(ISSUER), clientId: 'kubernetes',
      }).identityProviderConfigName);
    };
    const first = names();
    expect(first[0]).not.toBe(first[1]);
    expect(names()).toEqual(first);
  });
});

describe('Kubernetes names', () => {
  test.each([
    ['default claim sub: the issuer and #', {}, `${ISSUER}#0a1b2c`, '0a1b2c'],
    ['other claim without prefix: the issuer and #', { usernameClaim: 'preferred_username' }, `${ISSUER}#alice`, 'alice'],
    ['issuer with a path and trailing slash: kept byte for byte', { issuer: OidcIssuer.fromUrl('https://idp.example.com/realms/x/') },
      'https://idp.example.com/realms/x/#alice', 'alice'],
    ['email claim without prefix: the address alone', { usernameClaim: 'email' }, 'alice@example.com', 'alice@example.com'],
    ['email claim with a prefix', { usernameClaim: 'email', usernamePrefix: 'okta:' }, 'okta:alice@example.com', 'alice@example.com'],
    ['explicit prefix', { usernamePrefix: 'oidc:' }, 'oidc:0a1b2c', '0a1b2c'],
    ['"-": no prefix at all', { usernamePrefix: '-' }, '0a1b2c', '0a1b2c'],
  ])('usernameFor, %s', (_, props: Partial<OidcIdentityProviderProps>, expected, value) => {
    expect(provider(newStack(), props).usernameFor(value)).toBe(expected);
  });

  test.each([
    ['no prefix', { groupsClaim: 'groups' }, 'engineering'],
    ['a prefix', { groupsClaim: 'groups', groupsPrefix: 'oidc:' }, 'oidc:engineering'],
    ['"-" is a literal prefix for groups', { groupsClaim: 'groups', groupsPrefix: '-' }, '-engineering'],
  ])('groupFor, %s', (_, props, expected) => {
    expect(provider(newStack(), props).groupFor('engineering')).toBe(expected);
  });

  test('groupFor without a groups claim says that no group can match', () => {
    const p = provider(newStack());
    expect(() => p.groupFor('engineering')).toThrow(new Error(
      'Invalid groupsClaim (missing): the provider has no groups claim, so tokens carry no groups and no group '
      + '"engineering" can ever match. Set groupsClaim (e.g. "groups") to the claim in which your identity provider lists the user\'s groups '
      + '[cdk-eks-oidc:invalidGroupsClaim]\n  at Stack/Provider'));
  });

  test('a token issuer gives a token name that resolves with the issuer', () => {
    const stack = newStack();
    const issuerUrl = Lazy.string({ produce: () => ISSUER });
    const name = provider(stack, { issuer: OidcIssuer.fromUrl(issuerUrl) }).usernameFor('alice');
    expect(stack.resolve(name)).toBe(`${ISSUER}#alice`);
  });
});

describe('snapshots', () => {
  test('two providers and a Fargate profile on an aws-eks-v2 cluster', () => {
    const app = new App();
    const stack = new Stack(app, 'Snapshot');
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    cluster.addFargateProfile('System', { selectors: [{ namespace: 'kube-system' }] });
    new OidcIdentityProvider(stack, 'Okta', {
      cluster,
      issuer: OidcIssuer.fromUrl('https://example.okta.com/oauth2/default'),
      clientId: '0oa1b2c3',
      usernameClaim: 'email',
      groupsClaim: 'groups',
      groupsPrefix: 'okta:',
      requiredClaims: { hd: 'example.com' },
      tags: { team: 'platform' },
    });
    new OidcIdentityProvider(stack, 'Keycloak', {
      cluster,
      issuer: OidcIssuer.fromUrl('https://sso.example.com/realms/ci'),
      clientId: 'kubernetes',
    });
    expect(Template.fromStack(stack).findResources(TYPE)).toMatchSnapshot();
  });
});
