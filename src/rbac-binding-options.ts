/**
 * Who a binding grants its role to, as the identity provider names them.
 */
export interface RbacSubjectOptions {
  /**
   * Groups as the identity provider lists them in the groups claim (e.g. `engineering`).
   * They become `Group` subjects spelled with the provider's groups prefix; the provider
   * needs a `groupsClaim`.
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
   * @default - derived from the provider's construct path, the binding's id and its role, unique in the app
   */
  readonly name?: string;
}

/**
 * A ClusterRoleBinding: a ClusterRole granted in every namespace.
 */
export interface ClusterRoleBindingOptions extends RbacSubjectOptions {
  /**
   * The ClusterRole to grant, e.g. `view`, `edit`, `admin` or one of your own.
   */
  readonly clusterRole: string;
}

/**
 * A RoleBinding: a Role, or a ClusterRole, granted in one namespace.
 */
export interface RoleBindingOptions extends RbacSubjectOptions {
  /**
   * The namespace in which the role is granted.
   */
  readonly namespace: string;

  /**
   * The ClusterRole to grant in the namespace, e.g. `edit`. Give this or `role`.
   *
   * @default - `role` is granted
   */
  readonly clusterRole?: string;

  /**
   * The Role of the namespace to grant. Give this or `clusterRole`.
   *
   * @default - `clusterRole` is granted
   */
  readonly role?: string;
}
