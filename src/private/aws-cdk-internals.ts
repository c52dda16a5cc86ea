// Every reach into aws-cdk-lib beyond its public API, in one place. Each is pinned by a test in
// test/aws-cdk-internals.test.ts that fails loudly, on the newest aws-cdk-lib and on the declared
// floor, if aws-cdk-lib changes underneath: without it a rule would silently stop firing.
import { CfnResource, Resource, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';

/**
 * 1. Each module's `ClusterBase`, which is not exported: the class between the module's
 * `Cluster` (and its imported clusters) and `Resource`. It tells the two modules apart, imports
 * included, which `instanceof Cluster` cannot.
 */
export function clusterBaseOf(cluster: { prototype: object }): abstract new () => eks.ICluster & eksv2.ICluster {
  let prototype = cluster.prototype;
  while (Object.getPrototypeOf(prototype) !== Resource.prototype) prototype = Object.getPrototypeOf(prototype);
  return prototype.constructor as abstract new () => eks.ICluster & eksv2.ICluster;
}
export const V1_CLUSTER_BASE = clusterBaseOf(eks.Cluster);
export const V2_CLUSTER_BASE = clusterBaseOf(eksv2.Cluster);

/**
 * 2. The Kubernetes version, where the cluster declares one: `CfnCluster.version` is a string,
 * and the aws-eks and aws-eks-v2 `Cluster` classes keep their `KubernetesVersion` in a
 * (TypeScript-private) `version` field. Imported clusters have none.
 */
export function kubernetesVersionOf(cluster: IConstruct): string | undefined {
  const version = (cluster as { version?: unknown }).version;
  const text = typeof version === 'string' ? version : (version as { version?: unknown } | undefined)?.version;
  return typeof text === 'string' && !Token.isUnresolved(text) ? text : undefined;
}

/**
 * 3. The cluster name of aws-eks's (v1) Fargate profile, a custom resource whose cluster is not
 * public but is in its (internal) properties, `Config.clusterName`.
 */
export function v1FargateProfileClusterName(profile: CfnResource): string | undefined {
  return (profile as unknown as { _cfnProperties?: { Config?: { clusterName?: string } } })._cfnProperties?.Config?.clusterName;
}

/**
 * 4. An attribute of an imported cluster that may not have been given: its getter throws then
 * (e.g. `clusterEndpoint` of an import created without it), which here means unknown.
 */
export function attributeIfKnown(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
