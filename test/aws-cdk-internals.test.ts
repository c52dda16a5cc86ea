// Each reach into aws-cdk-lib beyond its public API (src/private/aws-cdk-internals.ts), pinned:
// when aws-cdk-lib changes underneath, these fail here, loudly, instead of a rule silently no
// longer firing.
import { KubectlV32Layer } from '@aws-cdk/lambda-layer-kubectl-v32';
import { CfnResource, Lazy, Resource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { newStack } from './util';
import {
  attributeIfKnown, clusterBaseOf, kubernetesVersionOf, V1_CLUSTER_BASE, V2_CLUSTER_BASE, v1FargateProfileClusterName,
} from '../src/private/aws-cdk-internals';

/** An owned aws-eks (v1) cluster: cheap to construct, slow to synthesize (these tests never do). */
const v1Cluster = (stack: Stack, version = eks.KubernetesVersion.V1_32) => new eks.Cluster(stack, 'V1', {
  version, kubectlLayer: new KubectlV32Layer(stack, 'Kubectl'), defaultCapacity: 0,
});
const v2Cluster = (stack: Stack, version = eksv2.KubernetesVersion.V1_32) => new eksv2.Cluster(stack, 'V2', { version });
const cfnCluster = (stack: Stack, version?: string) => new eks.CfnCluster(stack, 'Cfn', {
  version, roleArn: 'arn:aws:iam::111111111111:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'] },
});

describe('1. clusterBaseOf: each module\'s ClusterBase', () => {
  test('aws-eks and aws-eks-v2 have distinct bases, directly below Resource, above their Cluster', () => {
    expect(V1_CLUSTER_BASE).not.toBe(V2_CLUSTER_BASE);
    for (const [base, cluster] of [[V1_CLUSTER_BASE, eks.Cluster], [V2_CLUSTER_BASE, eksv2.Cluster]] as const) {
      expect(Object.getPrototypeOf(base.prototype)).toBe(Resource.prototype);
      expect(base).not.toBe(cluster);
      expect(cluster.prototype).toBeInstanceOf(base);
      expect(clusterBaseOf(cluster)).toBe(base);
    }
  });

  test('an owned cluster and an import of each module are instances of its base, and not of the other\'s', () => {
    const stack = newStack();
    const v1 = [v1Cluster(stack), eks.Cluster.fromClusterAttributes(stack, 'V1Import', { clusterName: 'a' })];
    const v2 = [v2Cluster(stack), eksv2.Cluster.fromClusterAttributes(stack, 'V2Import', { clusterName: 'b' })];
    for (const cluster of v1) {
      expect(cluster).toBeInstanceOf(V1_CLUSTER_BASE);
      expect(cluster).not.toBeInstanceOf(V2_CLUSTER_BASE);
    }
    for (const cluster of v2) {
      expect(cluster).toBeInstanceOf(V2_CLUSTER_BASE);
      expect(cluster).not.toBeInstanceOf(V1_CLUSTER_BASE);
    }
    // Why the reach: `instanceof Cluster` misses imports.
    expect(v1[1]).not.toBeInstanceOf(eks.Cluster);
    expect(v2[1]).not.toBeInstanceOf(eksv2.Cluster);
    // A CfnCluster is neither.
    const cfn = cfnCluster(stack);
    expect(cfn).not.toBeInstanceOf(V1_CLUSTER_BASE);
    expect(cfn).not.toBeInstanceOf(V2_CLUSTER_BASE);
  });
});

describe('2. kubernetesVersionOf: the version a cluster declares', () => {
  test('an aws-eks-v2 Cluster', () => {
    const stack = newStack();
    expect(kubernetesVersionOf(v2Cluster(stack, eksv2.KubernetesVersion.of('1.31')))).toBe('1.31');
  });

  test('an aws-eks Cluster (constructed, never synthesized)', () => {
    const stack = newStack();
    expect(kubernetesVersionOf(v1Cluster(stack, eks.KubernetesVersion.of('1.31')))).toBe('1.31');
  });

  test('a CfnCluster: its version, or none', () => {
    expect(kubernetesVersionOf(cfnCluster(newStack(), '1.30'))).toBe('1.30');
    expect(kubernetesVersionOf(cfnCluster(newStack()))).toBeUndefined();
    expect(kubernetesVersionOf(cfnCluster(newStack(), Lazy.string({ produce: () => '1.30' })))).toBeUndefined();
  });

  test('imports: undefined', () => {
    const stack = newStack();
    expect(kubernetesVersionOf(eks.Cluster.fromClusterAttributes(stack, 'V1Import', { clusterName: 'a' }))).toBeUndefined();
    expect(kubernetesVersionOf(eksv2.Cluster.fromClusterAttributes(stack, 'V2Import', { clusterName: 'b' }))).toBeUndefined();
  });
});

describe('3. v1FargateProfileClusterName: the cluster of an aws-eks (v1) Fargate profile', () => {
  test('read from the profile\'s custom resource', () => {
    const stack = newStack();
    const cluster = v1Cluster(stack);
    const profile = cluster.addFargateProfile('Profile', { selectors: [{ namespace: 'a' }] });
    const resources = profile.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c)
      && c.cfnResourceType === 'Custom::AWSCDK-EKS-FargateProfile');
    expect(resources).toHaveLength(1);
    const clusterName = v1FargateProfileClusterName(resources[0]);
    expect(clusterName).toBeDefined();
    expect(stack.resolve(clusterName)).toEqual(stack.resolve(cluster.clusterName));
    expect(stack.resolve(clusterName)).toEqual({ Ref: expect.stringMatching(/^V1[0-9A-F]{8}$/) });
  });

  test('undefined for a resource of another type', () => {
    const stack = newStack();
    expect(v1FargateProfileClusterName(new CfnResource(stack, 'Other', { type: 'AWS::SNS::Topic' }))).toBeUndefined();
  });
});

describe('4. attributeIfKnown: an attribute an import may not have been given', () => {
  test.each([
    ['aws-eks', (stack: Stack, attrs: { clusterEndpoint?: string; clusterCertificateAuthorityData?: string }) =>
      eks.Cluster.fromClusterAttributes(stack, 'Import', { clusterName: 'prod', ...attrs })],
    ['aws-eks-v2', (stack: Stack, attrs: { clusterEndpoint?: string; clusterCertificateAuthorityData?: string }) =>
      eksv2.Cluster.fromClusterAttributes(stack, 'Import', { clusterName: 'prod', ...attrs })],
  ])('%s import: undefined when not given, where the getter throws; the value when given', (_, importCluster) => {
    const bare = importCluster(newStack(), {});
    // The reach is still needed: the getters throw rather than return undefined.
    expect(() => bare.clusterEndpoint).toThrow();
    expect(() => bare.clusterCertificateAuthorityData).toThrow();
    expect(attributeIfKnown(() => bare.clusterEndpoint)).toBeUndefined();
    expect(attributeIfKnown(() => bare.clusterCertificateAuthorityData)).toBeUndefined();
    const known = importCluster(newStack(), { clusterEndpoint: 'https://example.eks.amazonaws.com', clusterCertificateAuthorityData: 'Q0E=' });
    expect(attributeIfKnown(() => known.clusterEndpoint)).toBe('https://example.eks.amazonaws.com');
    expect(attributeIfKnown(() => known.clusterCertificateAuthorityData)).toBe('Q0E=');
  });
});
