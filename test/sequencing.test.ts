import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { OidcIdentityProvider, OidcIssuer } from '../src';
import { dependsOn, importedCluster, newStack, provider } from './util';

const logicalId = (c: { node: { defaultChild?: unknown } }, stack: Stack) => stack.getLogicalId(c.node.defaultChild as CfnResource);

describe('providers of one cluster are associated one at a time, in construct order', () => {
  test('each waits for the one before it', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    const [first, second] = ['First', 'Second', 'Third'].map((id, i) =>
      provider(stack, { cluster, issuer: OidcIssuer.fromUrl(`https://idp${i}.example.com`) }, id));
    expect(dependsOn(stack, 'First')).toEqual([]);
    expect(dependsOn(stack, 'Second')).toEqual([logicalId(first, stack)]);
    expect(dependsOn(stack, 'Third')).toEqual([logicalId(second, stack)]);
  });

  test('two imports of the same cluster name are one cluster', () => {
    const stack = newStack();
    const first = provider(stack, { cluster: importedCluster(stack, 'prod', 'ImportA') }, 'First');
    provider(stack, { cluster: importedCluster(stack, 'prod', 'ImportB'), issuer: OidcIssuer.fromUrl('https://other.example.com') }, 'Second');
    expect(dependsOn(stack, 'Second')).toEqual([logicalId(first, stack)]);
  });

  test('providers of different clusters do not wait for each other', () => {
    const stack = newStack();
    provider(stack, { cluster: importedCluster(stack, 'blue') }, 'First');
    provider(stack, { cluster: importedCluster(stack, 'green') }, 'Second');
    expect(dependsOn(stack, 'Second')).toEqual([]);
  });

  test('across stacks, the later stack depends on the earlier one', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'Cluster');
    const cluster = new eksv2.Cluster(clusterStack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    new OidcIdentityProvider(a, 'First', { cluster, issuer: OidcIssuer.fromUrl('https://a.example.com'), clientId: 'k' });
    new OidcIdentityProvider(b, 'Second', { cluster, issuer: OidcIssuer.fromUrl('https://b.example.com'), clientId: 'k' });
    app.synth();
    expect(b.dependencies).toContain(a);
    expect(a.dependencies).not.toContain(b);
  });
});

describe('providers wait for the Fargate profiles of their cluster in the same stack', () => {
  test('aws-eks-v2 profiles added before and after the provider', () => {
    const stack = newStack();
    const cluster = new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    const before = cluster.addFargateProfile('Before', { selectors: [{ namespace: 'a' }] });
    provider(stack, { cluster }, 'First');
    const after = cluster.addFargateProfile('After', { selectors: [{ namespace: 'b' }] });
    expect(dependsOn(stack, 'First')).toEqual([logicalId(after, stack), logicalId(before, stack)].sort());
  });

  test('CfnFargateProfile on an imported cluster, matched by name; another cluster\'s profile is ignored', () => {
    const stack = newStack();
    const profile = (id: string, clusterName: string) => new eks.CfnFargateProfile(stack, id, {
      clusterName, podExecutionRoleArn: 'arn:aws:iam::111111111111:role/pods', selectors: [{ namespace: 'a' }],
    });
    const same = profile('Same', 'prod');
    profile('Other', 'staging');
    provider(stack, { cluster: importedCluster(stack, 'prod') }, 'First');
    expect(dependsOn(stack, 'First')).toEqual([stack.getLogicalId(same)]);
  });

  test('aws-eks (v1) profiles, which are custom resources, on an owned cluster', () => {
    const stack = newStack();
    const cluster = new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.V1_32,
      kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'),
      defaultCapacity: 0,
    });
    provider(stack, { cluster }, 'First');
    const profile = cluster.addFargateProfile('After', { selectors: [{ namespace: 'b' }] });
    expect(dependsOn(stack, 'First')).toContain(logicalId(profile, stack));
  });

  test('a profile of the same cluster in another stack is not waited for', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const cluster = new eksv2.Cluster(a, 'Cluster', { version: eksv2.KubernetesVersion.V1_32 });
    cluster.addFargateProfile('Profile', { selectors: [{ namespace: 'a' }] });
    const b = new Stack(app, 'B');
    new OidcIdentityProvider(b, 'First', { cluster, issuer: OidcIssuer.fromUrl('https://a.example.com'), clientId: 'k' });
    expect(dependsOn(b, 'First')).toEqual([]);
  });
});

describe('per-cluster limits, checked once the whole app is built', () => {
  const synthError = (stack: Stack) => {
    try {
      (stack.node.root as App).synth();
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  };

  test('configuration names are unique per cluster', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    provider(stack, { cluster, identityProviderConfigName: 'sso', issuer: OidcIssuer.fromUrl('https://a.example.com') }, 'First');
    provider(stack, { cluster, identityProviderConfigName: 'sso', issuer: OidcIssuer.fromUrl('https://b.example.com') }, 'Second');
    expect(synthError(stack)).toContain('Invalid identityProviderConfigName "sso": providers Stack/First, Stack/Second of cluster Stack/prod share it, '
      + 'and EKS needs a unique name per cluster. Give each provider its own identityProviderConfigName, or leave it out to get a generated one [cdk-eks-oidc:invalidIdentityProviderConfigName]');
  });

  test('issuer URLs are unique per cluster, even with another client id', () => {
    const stack = newStack();
    const cluster = importedCluster(stack);
    provider(stack, { cluster, clientId: 'a' }, 'First');
    provider(stack, { cluster, clientId: 'b' }, 'Second');
    expect(synthError(stack)).toContain('Invalid issuerUrl "https://idp.example.com": providers Stack/First, Stack/Second of cluster Stack/prod share it, '
      + 'and EKS needs a unique issuer URL per cluster, even with another client id. Keep one provider per issuer; one provider accepts tokens of one client id [cdk-eks-oidc:invalidIssuerUrl]');
  });

  test('the same name and issuer on two clusters is fine', () => {
    const stack = newStack();
    provider(stack, { cluster: importedCluster(stack, 'blue'), identityProviderConfigName: 'sso' }, 'First');
    provider(stack, { cluster: importedCluster(stack, 'green'), identityProviderConfigName: 'sso' }, 'Second');
    expect(synthError(stack)).toBe('');
  });

  const providers = (stack: Stack, cluster: eks.IClusterRef, n: number) => {
    for (let i = 0; i < n; i++) provider(stack, { cluster, issuer: OidcIssuer.fromUrl(`https://idp${i}.example.com`) }, `P${i}`);
  };

  test('at most 10 providers per cluster', () => {
    const stack = newStack();
    providers(stack, importedCluster(stack), 11);
    expect(synthError(stack)).toContain('Invalid cluster "Stack/prod": it has 11 OIDC identity providers, and EKS allows at most 10 per cluster. Remove providers [cdk-eks-oidc:invalidCluster]');
    const ten = newStack();
    providers(ten, importedCluster(ten), 10);
    expect(synthError(ten)).toBe('');
  });

  test.each([
    ['aws-eks Cluster', (stack: Stack, version: string) => new eks.Cluster(stack, 'Cluster', {
      version: eks.KubernetesVersion.of(version), kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'), defaultCapacity: 0,
    })],
    ['aws-eks-v2 Cluster', (stack: Stack, version: string) => new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.of(version) })],
    ['CfnCluster', (stack: Stack, version: string) => new eks.CfnCluster(stack, 'Cluster', {
      version, roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
    })],
  ])('at most 1 provider before Kubernetes 1.32 (%s)', (_, makeCluster) => {
    const old = newStack();
    providers(old, makeCluster(old, '1.31'), 2);
    expect(synthError(old)).toContain('Invalid cluster "Stack/Cluster": it has 2 OIDC identity providers, and EKS allows at most 1 '
      + 'before Kubernetes 1.32 (this cluster runs 1.31). Upgrade the cluster to Kubernetes 1.32 or later, or keep one provider [cdk-eks-oidc:invalidCluster]');
    const one = newStack();
    providers(one, makeCluster(one, '1.31'), 1);
    expect(synthError(one)).toBe('');
    const current = newStack();
    providers(current, makeCluster(current, '1.32'), 2);
    expect(synthError(current)).toBe('');
  });

  test('all OIDC settings of a cluster together stay under 12 KB', () => {
    const claims = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`claim${i}`, 'v'.repeat(253)]));
    const over = newStack();
    const cluster = importedCluster(over);
    provider(over, { cluster, requiredClaims: claims(30) }, 'First');
    provider(over, { cluster, requiredClaims: claims(30), issuer: OidcIssuer.fromUrl('https://b.example.com') }, 'Second');
    expect(synthError(over)).toMatch(/Invalid cluster "Stack\/prod": the OIDC settings of its 2 providers take \d+ bytes together, and EKS allows at most 12288. Shorten required claims or remove providers \[cdk-eks-oidc:invalidCluster\]/);
    const under = newStack();
    provider(under, { cluster: importedCluster(under), requiredClaims: claims(30) }, 'First');
    expect(synthError(under)).toBe('');
  });
});
