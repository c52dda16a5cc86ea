import { createHash } from 'crypto';
import { Annotations, Names, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import type { IOidcIdentityProvider } from '../oidc-identity-provider';
import type { RbacSubjectOptions } from '../rbac-binding';
import { V1_CLUSTER_BASE, V2_CLUSTER_BASE } from './aws-cdk-internals';
import { claimBindingName } from './cluster-bindings';
import { check, fail, invalid, Problem, shown } from './errors';
import { typeProblems } from './js-types';
import { builtInBindingProblems, reservedSubjectProblems, subdomainProblems } from './kubernetes-rules';

const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
/** Stands for an unresolved token in a fingerprint: its text changes from one synth to the next. */
const DEPLOY_TIME_VALUE = '<deploy-time value>';

/** What a binding is, as Kubernetes identifies it: changing any of it makes another object. */
export interface BindingIdentity {
  readonly kind: 'ClusterRoleBinding' | 'RoleBinding';
  readonly namespace?: string;
  readonly roleRef: { readonly kind: string; readonly name: string };
}

/** What a binding construct is given: its provider and subjects, and its name if any. */
export interface BindingInput extends RbacSubjectOptions {
  readonly provider: IOidcIdentityProvider;
}

/**
 * The manifest of one binding, under the binding's construct, applied by a `KubernetesManifest`
 * of its own without pruning: CloudFormation's create, update and delete of that resource create,
 * update and delete exactly that object. (The kubectl handler prunes with `kubectl apply --prune
 * -l <label>` and kubectl's default prune kinds, which have no RBAC kind: a pruned manifest never
 * revokes a binding removed from it.) Returns the binding's name and the manifest.
 */
export function bindingManifest(binding: Construct, input: BindingInput, identity: BindingIdentity,
  problems: Problem[]): { name: string; manifest: Construct } {
  const name = input.name ?? defaultName(binding, identity.roleRef);
  const subjects = subjectsOf(binding, input);
  check([
    ...problems,
    ...subdomainProblems('name', name),
    ...builtInBindingProblems(identity.kind, identity.namespace, name),
    ...subjects.flatMap(s => s.problems),
  ], binding);
  const cluster = kubectlCluster(binding, input.provider);
  claimBindingName(cluster, { ...identity, name }, binding, input.name !== undefined);
  if (identity.roleRef.kind === 'ClusterRole' && identity.roleRef.name === 'cluster-admin') {
    Annotations.of(binding).addWarningV2('cdk-eks-oidc:clusterAdminBinding', identity.namespace === undefined
      ? 'This binding makes its subjects superusers of the whole cluster (cluster-admin). Prefer admin, edit or view, or a ClusterRole '
        + 'of your own; acknowledge this warning if it is intended'
      : `This binding gives its subjects every permission in namespace ${shown(identity.namespace)}, its role bindings included (cluster-admin). `
        + 'Prefer admin or edit, or a Role of your own; acknowledge this warning if it is intended');
  }
  const object = {
    apiVersion: `${RBAC_API_GROUP}/v1`,
    kind: identity.kind,
    metadata: { name, ...(identity.namespace !== undefined ? { namespace: identity.namespace } : {}) },
    roleRef: { apiGroup: RBAC_API_GROUP, ...identity.roleRef },
    subjects: subjects.map(s => s.subject),
  };
  // The manifest's construct id, and so its CloudFormation logical id, carries what the binding
  // is: a change of it is a new resource (created, then the old one deleted), since the handler's
  // Update would `kubectl apply` the new object and leave the old one granting its role. Only a
  // change of subjects keeps the id, and is applied in place.
  const id = `Manifest-${fingerprint(identity.kind, identity.namespace ?? '', name, identity.roleRef.kind, identity.roleRef.name)}`;
  const manifest = { manifest: [object], prune: false, overwrite: false };
  return {
    name,
    manifest: cluster instanceof V2_CLUSTER_BASE
      ? new eksv2.KubernetesManifest(binding, id, { cluster, ...manifest })
      : new eks.KubernetesManifest(binding, id, { cluster: cluster as eks.ICluster, ...manifest }),
  };
}

function subjectsOf(binding: Construct, input: BindingInput) {
  check(typeProblems({ users: [input.users, 'string list?'], groups: [input.groups, 'string list?'], name: [input.name, 'string?'] }), binding);
  const groups = input.groups ?? [];
  const users = input.users ?? [];
  if (groups.length + users.length === 0) {
    check([invalid('users', input.users, 'a binding needs at least one subject, but has no users and no groups',
      'Give users (values of the username claim), groups (values of the groups claim), or both')], binding);
  }
  const subject = (kind: string, claimValue: string, name: string) => ({
    subject: { kind, apiGroup: RBAC_API_GROUP, name },
    problems: reservedSubjectProblems(kind, name, claimValue),
  });
  return [
    ...users.map(value => subject('User', value, input.provider.usernameFor(value))),
    ...groups.map(value => subject('Group', value, input.provider.groupFor(value))),
  ];
}

/**
 * `<binding path>-<role fingerprint>`, lowercased to a DNS-1123 subdomain. The path part carries
 * a hash of the whole path, which keeps it unique in the app (ids that differ only in case or
 * punctuation too); the role part gives a binding whose role changes a new name, since
 * Kubernetes cannot change a binding's `roleRef` and the new object is created while the old one
 * still exists.
 */
function defaultName(binding: Construct, roleRef: BindingIdentity['roleRef']): string {
  const unique = Names.uniqueResourceName(binding, { maxLength: 200, separator: '-', allowedSpecialCharacters: '-' });
  const base = unique.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return `${base}-${fingerprint(roleRef.kind, roleRef.name)}`;
}

/** The provider's cluster, when bindings can be applied to it with kubectl. */
function kubectlCluster(binding: Construct, provider: IOidcIdentityProvider): eks.ICluster | eksv2.ICluster {
  const cluster = provider.cluster;
  // An owned aws-eks Cluster always has kubectl; imports need a role or provider for it.
  if (cluster instanceof eks.Cluster || (cluster instanceof V1_CLUSTER_BASE && (cluster.kubectlRole ?? cluster.kubectlProvider) !== undefined)) {
    return cluster;
  }
  if (cluster instanceof V2_CLUSTER_BASE && cluster.kubectlProvider !== undefined) return cluster;
  return fail(invalid('cluster', cluster?.node.path, 'bindings are applied with kubectl, and the provider\'s cluster gives no kubectl access '
    + '(it is a CfnCluster, an import without a kubectl role or provider, an aws-eks-v2 Cluster without kubectlProviderOptions, or unknown)',
  'Pass an aws-eks Cluster, an aws-eks-v2 Cluster with kubectlProviderOptions, or an import with kubectlRoleArn (aws-eks) or kubectlProvider (aws-eks-v2)',
  'noKubectlAccess'), binding);
}

/** Eight hex digits that change whenever one of the values does. */
function fingerprint(...values: string[]): string {
  const stable = values.map(value => (Token.isUnresolved(value) ? DEPLOY_TIME_VALUE : value));
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex').slice(0, 8);
}
