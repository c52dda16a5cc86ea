import { App, Lazy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { OidcIdentityProvider } from '../src';
import { importedCluster, ISSUER, newStack, provider } from './util';

const TYPE = 'AWS::EKS::IdentityProviderConfig';

describe('props', () => {
  test('required props render a minimal config, optional ones stay out of the template', () => {
    const stack = newStack();
    provider(stack);
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      ClusterName: 'prod',
      Type: 'oidc',
      IdentityProviderConfigName: Match.stringLikeRegexp('^Stack-Provider-'),
      Oidc: {
        IssuerUrl: ISSUER,
        ClientId: 'kubernetes',
        UsernameClaim: Match.absent(),
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
      issuerUrl: 'https://other.example.com',
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
      + 'arn:<partition>:eks:<region>:<account>:identityproviderconfig/<cluster>/oidc/<name>/<uuid>'));
  });
});

describe('generated names', () => {
  test('letters, digits and hyphens, at most 63 characters, even from a long path', () => {
    const stack = newStack();
    let scope: Construct = stack;
    for (let i = 0; i < 8; i++) scope = new Construct(scope, `Very_Long.Construct Id ${i}`);
    const p = provider(stack, { cluster: importedCluster(stack) }, 'Provider');
    const deep = new OidcIdentityProvider(scope, 'Provider', {
      cluster: importedCluster(stack, 'other'), issuerUrl: ISSUER, clientId: 'kubernetes',
    });
    for (const name of [p.identityProviderConfigName, deep.identityProviderConfigName]) {
      expect(name).toMatch(/^[A-Za-z0-9-]{1,63}$/);
    }
  });

  test('unique for equal ids in different scopes, stable across synths', () => {
    const names = () => {
      const stack = newStack();
      return ['A', 'B'].map(scopeId => new OidcIdentityProvider(new Construct(stack, scopeId), 'Provider', {
        cluster: importedCluster(stack, `cluster-${scopeId}`), issuerUrl: ISSUER, clientId: 'kubernetes',
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
    ['issuer with a path and trailing slash: kept byte for byte', { issuerUrl: 'https://idp.example.com/realms/x/' }, 'https://idp.example.com/realms/x/#alice', 'alice'],
    ['email claim without prefix: the address alone', { usernameClaim: 'email' }, 'alice@example.com', 'alice@example.com'],
    ['email claim with a prefix', { usernameClaim: 'email', usernamePrefix: 'okta:' }, 'okta:alice@example.com', 'alice@example.com'],
    ['explicit prefix', { usernamePrefix: 'oidc:' }, 'oidc:0a1b2c', '0a1b2c'],
    ['"-": no prefix at all', { usernamePrefix: '-' }, '0a1b2c', '0a1b2c'],
  ])('usernameFor, %s', (_, props, expected, value) => {
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
      'Invalid groupsClaim undefined: the provider Stack/Provider has no groups claim, so tokens carry no groups and no group '
      + '"engineering" can ever match. Set groupsClaim (e.g. "groups") to the claim in which your identity provider lists the user\'s groups'));
  });

  test('a token issuer gives a token name that resolves with the issuer', () => {
    const stack = newStack();
    const issuerUrl = Lazy.string({ produce: () => ISSUER });
    const name = provider(stack, { issuerUrl }).usernameFor('alice');
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
      issuerUrl: 'https://example.okta.com/oauth2/default',
      clientId: '0oa1b2c3',
      usernameClaim: 'email',
      groupsClaim: 'groups',
      groupsPrefix: 'okta:',
      requiredClaims: { hd: 'example.com' },
      tags: { team: 'platform' },
    });
    new OidcIdentityProvider(stack, 'Keycloak', {
      cluster,
      issuerUrl: 'https://sso.example.com/realms/ci',
      clientId: 'kubernetes',
    });
    expect(Template.fromStack(stack).findResources(TYPE)).toMatchSnapshot();
  });
});
