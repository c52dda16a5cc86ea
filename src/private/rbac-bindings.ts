import { Annotations, Names, Resource, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { ClusterRoleBindingOptions, RbacSubjectOptions, RoleBindingOptions } from '../rbac-binding-options';
import { invalid } from './errors';
import { labelProblems, reservedSubjectProblems, roleNameProblems, subdomainProblems } from './kubernetes-rules';

const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
/** What `KubernetesManifest` labels its objects with, and the kubectl handler prunes by: `aws.cdk.eks/prune-<addr>`. */
const PRUNE_LABEL_PREFIX = 'aws.cdk.eks/prune-';
/**
 * Each module's `ClusterBase`, which is not exported: the class between the module's
 * `Cluster` (and its imported clusters) and `Resource`. It tells the two modules apart.
 */
function clusterBaseOf(cluster: { prototype: object }): abstract new () => eks.ICluster & eksv2.ICluster {
  let prototype = cluster.prototype;
  while (Object.getPrototypeOf(prototype) !== Resource.prototype) prototype = Object.getPrototypeOf(prototype);
  return prototype.constructor as abstract new () => eks.ICluster & eksv2.ICluster;
}
const V1_CLUSTER_BASE = clusterBaseOf(eks.Cluster);
const V2_CLUSTER_BASE = clusterBaseOf(eksv2.Cluster);

/** How a provider spells subjects, and where its bindings go. */
export interface BindingHost {
  readonly scope: Construct;
  readonly cluster?: eks.IClusterRef;
  usernameFor(claimValue: string): string;
  groupFor(claimValue: string): string;
}

/**
 * All RBAC bindings of one provider, applied by ONE `KubernetesManifest` (one kubectl call
 * at deploy time) with pruning, so a binding removed from code is removed from the cluster.
 */
export class RbacBindings {
  private readonly objects: Array<Record<string, unknown>> = [];
  private readonly ids = new Set<string>();
  private readonly names = new Set<string>();
  private manifestConstruct?: IConstruct;

  constructor(private readonly host: BindingHost) {}

  /** The manifest that applies the bindings, once there is one. */
  public get manifest(): IConstruct | undefined {
    return this.manifestConstruct;
  }

  public addClusterRoleBinding(id: string, options: ClusterRoleBindingOptions): void {
    const problems = roleNameProblems('clusterRole', options.clusterRole);
    this.add(id, 'ClusterRoleBinding', undefined, { kind: 'ClusterRole', name: options.clusterRole }, options, problems);
  }

  public addRoleBinding(id: string, options: RoleBindingOptions): void {
    const { clusterRole, role, namespace } = options;
    if ((clusterRole === undefined) === (role === undefined)) {
      throw new Error(invalid('role', role, `a RoleBinding grants exactly one role, but clusterRole is ${JSON.stringify(clusterRole)}`,
        'Give either clusterRole (a ClusterRole granted in the namespace) or role (a Role of the namespace)'));
    }
    const roleRef = role !== undefined ? { kind: 'Role', name: role } : { kind: 'ClusterRole', name: clusterRole! };
    const problems = [
      ...labelProblems('namespace', namespace),
      ...roleNameProblems(role !== undefined ? 'role' : 'clusterRole', roleRef.name),
    ];
    this.add(id, 'RoleBinding', namespace, roleRef, options, problems);
  }

  private add(id: string, kind: string, namespace: string | undefined, roleRef: { kind: string; name: string },
    options: RbacSubjectOptions, problems: string[]): void {
    const name = options.name ?? this.defaultName(id);
    const subjects = this.subjects(options);
    problems.push(...subdomainProblems('name', name), ...subjects.flatMap(s => s.problems));
    if (this.ids.has(id)) {
      problems.push(invalid('id', id, `the provider ${this.host.scope.node.path} already has a binding with this id`, 'Give each binding its own id'));
    }
    const key = `${kind}/${namespace ?? ''}/${name}`;
    if (!Token.isUnresolved(name) && this.names.has(key)) {
      problems.push(invalid('name', name, `the provider ${this.host.scope.node.path} already has a ${kind} of this name${namespace ? ` in namespace ${namespace}` : ''}`,
        'Give each binding its own name, or leave name out to get one derived from the id'));
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    if (roleRef.kind === 'ClusterRole' && roleRef.name === 'cluster-admin') {
      Annotations.of(this.host.scope).addWarningV2('cdk-eks-oidc:clusterAdminBinding', invalid('clusterRole', roleRef.name,
        `binding "${name}" makes its subjects superusers of the whole cluster`, 'Prefer admin, edit or view, or a ClusterRole of your own; acknowledge this warning if it is intended'));
    }
    this.ids.add(id);
    this.names.add(key);
    // A fresh object for each binding: the manifest serializes them at synth time. Each gets the
    // prune label here, since KubernetesManifest labels only the objects it was created with, and
    // the kubectl handler applies only objects with the label (`kubectl apply --prune -l <label>`).
    this.objects.push({
      apiVersion: `${RBAC_API_GROUP}/v1`,
      kind,
      metadata: { name, ...(namespace !== undefined ? { namespace } : {}), labels: { [this.pruneLabel()]: '' } },
      roleRef: { apiGroup: RBAC_API_GROUP, ...roleRef },
      subjects: subjects.map(s => s.subject),
    });
  }

  private subjects(options: RbacSubjectOptions) {
    const groups = options.groups ?? [];
    const users = options.users ?? [];
    if (groups.length + users.length === 0) {
      throw new Error(invalid('users', options.users, 'a binding needs at least one subject, but has no users and no groups',
        'Give users (values of the username claim), groups (values of the groups claim), or both'));
    }
    const subject = (kind: string, claimValue: string, name: string) => ({
      subject: { kind, apiGroup: RBAC_API_GROUP, name },
      problems: reservedSubjectProblems(kind, name, claimValue),
    });
    return [
      ...users.map(value => subject('User', value, this.host.usernameFor(value))),
      ...groups.map(value => subject('Group', value, this.host.groupFor(value))),
    ];
  }

  /** `<provider path>-<id>`, lowercased to a DNS-1123 subdomain, with a hash that keeps it unique. */
  private defaultName(id: string): string {
    const unique = Names.uniqueResourceName(this.host.scope, { maxLength: 200, separator: '-', allowedSpecialCharacters: '-' });
    return `${unique}-${id}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 253);
  }

  private pruneLabel(): string {
    this.manifestConstruct ??= this.createManifest();
    return PRUNE_LABEL_PREFIX + this.manifestConstruct.node.addr;
  }

  private createManifest(): IConstruct {
    const cluster = this.host.cluster;
    const manifest = { manifest: this.objects, prune: true };
    // An owned aws-eks Cluster always has kubectl; imports need a role or provider for it.
    if (cluster instanceof eks.Cluster || (cluster instanceof V1_CLUSTER_BASE && (cluster.kubectlRole ?? cluster.kubectlProvider) !== undefined)) {
      return new eks.KubernetesManifest(this.host.scope, 'RbacBindings', { cluster, ...manifest });
    }
    if (cluster instanceof V2_CLUSTER_BASE && cluster.kubectlProvider !== undefined) {
      return new eksv2.KubernetesManifest(this.host.scope, 'RbacBindings', { cluster, ...manifest });
    }
    throw new Error(invalid('cluster', cluster?.node.path, 'bindings are applied with kubectl, and this cluster gives no kubectl access '
      + '(it is a CfnCluster, an import without a kubectl role or provider, an aws-eks-v2 Cluster without kubectlProviderOptions, or unknown)',
    'Pass an aws-eks Cluster, an aws-eks-v2 Cluster with kubectlProviderOptions, or an import with kubectlRoleArn (aws-eks) or kubectlProvider (aws-eks-v2)'));
  }
}
