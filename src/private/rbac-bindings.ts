import { createHash } from 'crypto';
import { Annotations, Names, Resource, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { ClusterRoleBindingOptions, RbacSubjectOptions, RoleBindingOptions } from '../rbac-binding-options';
import { claimBindingName } from './cluster-bindings';
import { invalid } from './errors';
import { builtInBindingProblems, labelProblems, reservedSubjectProblems, roleNameProblems, subdomainProblems } from './kubernetes-rules';

const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
/** Stands for an unresolved token in a fingerprint: its text changes from one synth to the next. */
const DEPLOY_TIME_VALUE = '<deploy-time value>';
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

/** What a binding is, as Kubernetes identifies it: changing any of it makes another object. */
interface BindingIdentity {
  readonly kind: 'ClusterRoleBinding' | 'RoleBinding';
  readonly namespace?: string;
  readonly name: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
}

/**
 * The RBAC bindings of one provider, each applied by a `KubernetesManifest` of its own, without
 * pruning: CloudFormation's create, update and delete of that resource create, update and delete
 * exactly that object. (The kubectl handler prunes with `kubectl apply --prune -l <label>` and
 * kubectl's default prune kinds, which have no RBAC kind: a pruned manifest never revokes a
 * binding removed from it.)
 */
export class RbacBindings {
  private readonly ids = new Set<string>();
  private scope?: Construct;

  constructor(private readonly host: BindingHost) {}

  public addClusterRoleBinding(id: string, options: ClusterRoleBindingOptions): IConstruct {
    const problems = roleNameProblems('clusterRole', options.clusterRole);
    return this.add(id, { kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: options.clusterRole } }, options, problems);
  }

  public addRoleBinding(id: string, options: RoleBindingOptions): IConstruct {
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
    return this.add(id, { kind: 'RoleBinding', namespace, roleRef }, options, problems);
  }

  private add(id: string, what: Omit<BindingIdentity, 'name'>, options: RbacSubjectOptions, problems: string[]): IConstruct {
    const path = `${this.host.scope.node.path} binding "${id}"`;
    const binding: BindingIdentity = { ...what, name: options.name ?? this.defaultName(id, what.roleRef) };
    const subjects = this.subjects(options);
    problems.push(
      ...subdomainProblems('name', binding.name),
      ...builtInBindingProblems(binding.kind, binding.namespace, binding.name),
      ...subjects.flatMap(s => s.problems));
    if (this.ids.has(id)) {
      problems.push(invalid('id', id, `the provider ${this.host.scope.node.path} already has a binding with this id`, 'Give each binding its own id'));
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    const cluster = this.kubectlCluster();
    claimBindingName(cluster, binding, path);
    if (binding.roleRef.kind === 'ClusterRole' && binding.roleRef.name === 'cluster-admin') {
      Annotations.of(this.host.scope).addWarningV2('cdk-eks-oidc:clusterAdminBinding', invalid('clusterRole', binding.roleRef.name,
        `binding "${binding.name}" makes its subjects superusers of the whole cluster`, 'Prefer admin, edit or view, or a ClusterRole of your own; acknowledge this warning if it is intended'));
    }
    this.ids.add(id);
    const object = {
      apiVersion: `${RBAC_API_GROUP}/v1`,
      kind: binding.kind,
      metadata: { name: binding.name, ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}) },
      roleRef: { apiGroup: RBAC_API_GROUP, ...binding.roleRef },
      subjects: subjects.map(s => s.subject),
    };
    // The construct id, and so the CloudFormation logical id, carries what the binding is: a
    // change of it is a new resource (created, then the old one deleted), since the handler's
    // Update would `kubectl apply` the new object and leave the old one granting its role.
    // Only a change of subjects keeps the id, and is applied in place.
    this.scope ??= new Construct(this.host.scope, 'RbacBindings');
    const manifest = { manifest: [object], prune: false, overwrite: false };
    const constructId = `${id}-${fingerprint(binding.kind, binding.namespace ?? '', binding.name, binding.roleRef.kind, binding.roleRef.name)}`;
    return cluster instanceof V2_CLUSTER_BASE
      ? new eksv2.KubernetesManifest(this.scope, constructId, { cluster, ...manifest })
      : new eks.KubernetesManifest(this.scope, constructId, { cluster: cluster as eks.ICluster, ...manifest });
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

  /**
   * `<provider path>-<id>-<role fingerprint>`, lowercased to a DNS-1123 subdomain. The path part
   * carries a hash that keeps it unique in the app; the role part gives a binding whose role
   * changes a new name, since Kubernetes cannot change a binding's `roleRef` and the new object
   * is created while the old one still exists.
   */
  private defaultName(id: string, roleRef: BindingIdentity['roleRef']): string {
    const unique = Names.uniqueResourceName(this.host.scope, { maxLength: 200, separator: '-', allowedSpecialCharacters: '-' });
    const base = `${unique}-${id}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
    return `${base.slice(0, 243).replace(/-$/, '')}-${fingerprint(roleRef.kind, roleRef.name)}`;
  }

  /** The cluster, when bindings can be applied to it with kubectl. */
  private kubectlCluster(): eks.ICluster | eksv2.ICluster {
    const cluster = this.host.cluster;
    // An owned aws-eks Cluster always has kubectl; imports need a role or provider for it.
    if (cluster instanceof eks.Cluster || (cluster instanceof V1_CLUSTER_BASE && (cluster.kubectlRole ?? cluster.kubectlProvider) !== undefined)) {
      return cluster;
    }
    if (cluster instanceof V2_CLUSTER_BASE && cluster.kubectlProvider !== undefined) return cluster;
    throw new Error(invalid('cluster', cluster?.node.path, 'bindings are applied with kubectl, and this cluster gives no kubectl access '
      + '(it is a CfnCluster, an import without a kubectl role or provider, an aws-eks-v2 Cluster without kubectlProviderOptions, or unknown)',
    'Pass an aws-eks Cluster, an aws-eks-v2 Cluster with kubectlProviderOptions, or an import with kubectlRoleArn (aws-eks) or kubectlProvider (aws-eks-v2)'));
  }
}

/** Eight hex digits that change whenever one of the values does. */
function fingerprint(...values: string[]): string {
  const stable = values.map(value => (Token.isUnresolved(value) ? DEPLOY_TIME_VALUE : value));
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 8);
}
