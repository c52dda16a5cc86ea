import { Token } from 'aws-cdk-lib';
import { IClusterRef } from 'aws-cdk-lib/aws-eks';
import { IConstruct } from 'constructs';
import { kubernetesVersionOf } from './aws-cdk-internals';
import { invalid, Problem } from './errors';
import { clusterKey, PerApp } from './same-cluster';

/** What the per-cluster rules need to know of one provider. */
export interface ClusterMember {
  readonly construct: IConstruct;
  /** The association resource, which alone waits for the previous one (not, e.g., RBAC manifests). */
  readonly association: IConstruct;
  readonly identityProviderConfigName: string;
  readonly issuerUrl: string;
  /** The OIDC settings as rendered into the template, for the per-cluster size limit. */
  readonly oidc: object;
}

/** EKS limits per cluster (EKS user guide, "Authenticate users for your cluster from an OIDC identity provider"). */
const MAX_PROVIDERS = 10;
const MAX_PROVIDERS_BEFORE_1_32 = 1;
const MAX_CONFIG_BYTES = 12 * 1024;

/** The providers of each cluster of an app, in construct order. */
const membersOfClusters = new PerApp(() => new Map<string, ClusterMember[]>());

/**
 * Enrols a provider with its cluster: it is made to wait for the cluster's previous
 * provider (EKS associates one at a time; a second concurrent association fails with 409
 * ResourceInUseException), and the first provider carries the rules that concern all
 * providers of the cluster, checked once the whole app is built.
 */
export function enrol(cluster: IClusterRef, member: ClusterMember): void {
  const registry = membersOfClusters.of(cluster);
  const key = clusterKey(cluster);
  const members = registry.get(key);
  if (members === undefined) {
    const group = [member];
    registry.set(key, group);
    // Validation results are messages: each carries its rule's id, as thrown errors do.
    member.construct.node.addValidation({ validate: () => clusterProblems(cluster, group).map(p => `${p.message} [${p.id}]`) });
    return;
  }
  member.association.node.addDependency(members[members.length - 1].association);
  members.push(member);
}

function clusterProblems(cluster: IClusterRef, members: ClusterMember[]): Problem[] {
  const clusterName = cluster.node.path;
  const problems = [
    ...duplicates(members, m => m.identityProviderConfigName).map(([name, paths]) =>
      invalid('identityProviderConfigName', name, `providers ${paths.join(', ')} of cluster ${clusterName} share it, and EKS needs a unique name per cluster`,
        'Give each provider its own identityProviderConfigName, or leave it out to get a generated one')),
    ...duplicates(members, m => m.issuerUrl).map(([url, paths]) =>
      invalid('issuerUrl', url, `providers ${paths.join(', ')} of cluster ${clusterName} share it, and EKS needs a unique issuer URL per cluster, even with another client id`,
        'Keep one provider per issuer; one provider accepts tokens of one client id')),
  ];
  const version = kubernetesVersionOf(cluster);
  const max = version !== undefined && olderThan132(version) ? MAX_PROVIDERS_BEFORE_1_32 : MAX_PROVIDERS;
  if (members.length > max) {
    problems.push(invalid('cluster', clusterName, `it has ${members.length} OIDC identity providers, and EKS allows at most ${max}`
      + (max === MAX_PROVIDERS_BEFORE_1_32 ? ` before Kubernetes 1.32 (this cluster runs ${version})` : ' per cluster'),
    max === MAX_PROVIDERS_BEFORE_1_32 ? 'Upgrade the cluster to Kubernetes 1.32 or later, or keep one provider' : 'Remove providers'));
  }
  const bytes = configBytes(members);
  if (bytes !== undefined && bytes > MAX_CONFIG_BYTES) {
    problems.push(invalid('cluster', clusterName, `the OIDC settings of its ${members.length} providers take ${bytes} bytes together, and EKS allows at most ${MAX_CONFIG_BYTES}`,
      'Shorten required claims or remove providers'));
  }
  return problems;
}

/** Values shared by more than one member, with the paths of those members. Tokens are never judged. */
function duplicates(members: ClusterMember[], valueOf: (m: ClusterMember) => string): Array<[string, string[]]> {
  const byValue = new Map<string, string[]>();
  for (const member of members) {
    const value = valueOf(member);
    if (Token.isUnresolved(value)) continue;
    byValue.set(value, [...byValue.get(value) ?? [], member.construct.node.path]);
  }
  return [...byValue].filter(([, paths]) => paths.length > 1);
}

function olderThan132(version: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match !== null && (Number(match[1]) < 1 || (Number(match[1]) === 1 && Number(match[2]) < 32));
}

/** The size of all members' OIDC settings as JSON, unknown while any of it is a token. */
function configBytes(members: ClusterMember[]): number | undefined {
  const json = JSON.stringify(members.map(m => m.oidc));
  return Token.isUnresolved(json) ? undefined : Buffer.byteLength(json, 'utf8');
}
