import { Construct } from 'constructs';
import type { IOidcIdentityProvider } from './oidc-identity-provider';
import { check, invalid, Problem } from './private/errors';
import { typeProblems } from './private/js-types';
import { labelProblems, roleNameProblems } from './private/kubernetes-rules';
import { bindingManifest } from './private/rbac-manifest';
import { RoleRef } from './role-ref';

/**
 * Who a binding grants its role to, as the identity provider names them, and the binding's name.
 */
export interface RbacSubjectOptions {
  /**
   * Groups as the identity provider lists them in the groups claim (e.g. `engineering`).
   * They become `Group` subjects spelled with the provider's groups prefix; the provider
   * needs a groups claim.
   *
   * @default - no group subjects (give `users`, `groups` or both)
   */
  readonly groups?: string[];

  /**
   * Users as the identity provider names them in the username claim (a `sub`, an e-mail
   * address, ...). They become `User` subjects spelled with the provider's username prefix.
   *
   * @default - no user subjects (give `users`, `groups` or both)
   */
  readonly users?: string[];

  /**
   * The binding's `metadata.name`: a DNS-1123 subdomain (lowercase letters, digits, `-` and
   * `.`, at most 253 characters), unique among the bindings of its kind and namespace of every
   * provider on the cluster, and not the name of a binding EKS or Kubernetes makes
   * (`cluster-admin`, `aws-node`, ...).
   *
   * Kubernetes cannot change the role of a binding, so a change of role replaces it: the new
   * binding is created before the old one is deleted. With an explicit name, change the name
   * together with the role, or the deploy fails (`AlreadyExists`) and the cluster keeps the old
   * binding.
   *
   * @default - derived from the binding's construct path and its role, unique in the app
   */
  readonly name?: string;
}

/** Options of `addClusterRoleBinding()`: a ClusterRole granted in every namespace. */
export interface ClusterRoleBindingOptions extends RbacSubjectOptions {
  /** The ClusterRole to grant, e.g. `view`, `edit`, `admin` or one of your own. */
  readonly clusterRole: string;
}

/** Properties of a `ClusterRoleBinding`. */
export interface ClusterRoleBindingProps extends ClusterRoleBindingOptions {
  /** The identity provider whose users and groups are granted the role. */
  readonly provider: IOidcIdentityProvider;
}

/** Options of `addRoleBinding()`: a role granted in one namespace. */
export interface RoleBindingOptions extends RbacSubjectOptions {
  /** The namespace in which the role is granted. */
  readonly namespace: string;

  /** The role to grant: `RoleRef.clusterRole('edit')` or `RoleRef.role('deployer')`. */
  readonly role: RoleRef;
}

/** Properties of a `RoleBinding`. */
export interface RoleBindingProps extends RoleBindingOptions {
  /** The identity provider whose users and groups are granted the role. */
  readonly provider: IOidcIdentityProvider;
}

/**
 * A Kubernetes ClusterRoleBinding that grants a ClusterRole, in every namespace, to users and
 * groups of an OIDC identity provider, applied with kubectl by the cluster's kubectl provider.
 *
 * It is a `KubernetesManifest` of its own: removing it from code deletes it from the cluster;
 * changing its subjects updates it in place; changing its role or name replaces it (the new
 * binding is created, then the old one deleted). Depend on it to wait for it.
 */
export class ClusterRoleBinding extends Construct {
  /** The binding's `metadata.name`, given or generated. */
  public readonly bindingName: string;
  /** `ClusterRoleBinding`. */
  public readonly kind: string = 'ClusterRoleBinding';
  /** The ClusterRole granted. */
  public readonly clusterRole: string;
  /** The `KubernetesManifest` (of aws-eks or aws-eks-v2, as the cluster's module) that applies it. */
  public readonly manifest: Construct;

  constructor(scope: Construct, id: string, props: ClusterRoleBindingProps) {
    super(scope, id);
    check([...providerTypeProblems(props?.provider), ...typeProblems({ clusterRole: [props?.clusterRole, 'string'] })], this);
    const { name, manifest } = bindingManifest(this, props, { kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: props.clusterRole } },
      roleNameProblems('clusterRole', props.clusterRole));
    this.bindingName = name;
    this.clusterRole = props.clusterRole;
    this.manifest = manifest;
  }
}

/**
 * A Kubernetes RoleBinding that grants a Role of its namespace, or a ClusterRole in its namespace
 * only, to users and groups of an OIDC identity provider, applied with kubectl by the cluster's
 * kubectl provider.
 *
 * It is a `KubernetesManifest` of its own: removing it from code deletes it from the cluster;
 * changing its subjects updates it in place; changing its namespace, role or name replaces it
 * (the new binding is created, then the old one deleted). Depend on it to wait for it.
 */
export class RoleBinding extends Construct {
  /** The binding's `metadata.name`, given or generated. */
  public readonly bindingName: string;
  /** `RoleBinding`. */
  public readonly kind: string = 'RoleBinding';
  /** The namespace in which the role is granted. */
  public readonly namespace: string;
  /** The role granted. */
  public readonly role: RoleRef;
  /** The `KubernetesManifest` (of aws-eks or aws-eks-v2, as the cluster's module) that applies it. */
  public readonly manifest: Construct;

  constructor(scope: Construct, id: string, props: RoleBindingProps) {
    super(scope, id);
    check([
      ...providerTypeProblems(props?.provider),
      ...typeProblems({ namespace: [props?.namespace, 'string'] }),
      ...(props?.role instanceof RoleRef ? [] : [invalid('role', props?.role === undefined ? undefined : '(not a RoleRef)', 'expected a RoleRef',
        'Pass RoleRef.clusterRole(name) or RoleRef.role(name)', 'wrongType')]),
    ], this);
    const { name, manifest } = bindingManifest(this, props,
      { kind: 'RoleBinding', namespace: props.namespace, roleRef: { kind: props.role.kind, name: props.role.name } },
      labelProblems('namespace', props.namespace));
    this.bindingName = name;
    this.namespace = props.namespace;
    this.role = props.role;
    this.manifest = manifest;
  }
}

/** A JavaScript caller's provider of the wrong type: anything without a provider's methods. */
function providerTypeProblems(provider: IOidcIdentityProvider | undefined): Problem[] {
  if (typeof provider?.usernameFor === 'function' && typeof provider.groupFor === 'function') return [];
  return [invalid('provider', provider === undefined ? undefined : '(not an identity provider)', 'expected an OIDC identity provider',
    'Pass an OidcIdentityProvider, or one imported with OidcIdentityProvider.fromOidcIdentityProviderAttributes()', 'wrongType')];
}
