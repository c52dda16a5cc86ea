import { Token } from 'aws-cdk-lib';
import { invalid, Problem } from './errors';

/**
 * Kubernetes' naming rules (apimachinery `validation.IsDNS1123Subdomain`, `IsDNS1123Label`,
 * and `path.ValidatePathSegmentName`, which RBAC uses for role names). Tokens are never judged.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function subdomainProblems(property: string, name: string): Problem[] {
  if (Token.isUnresolved(name) || (name.length <= 253 && DNS1123_SUBDOMAIN.test(name))) return [];
  return [invalid(property, name, 'it must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, "-" and ".", '
    + 'starting and ending with a letter or digit', 'Use a name like "platform-viewers"')];
}

export function labelProblems(property: string, name: string): Problem[] {
  if (Token.isUnresolved(name) || (name.length <= 63 && DNS1123_LABEL.test(name))) return [];
  return [invalid(property, name, 'it must be a DNS-1123 label: at most 63 characters of lowercase letters, digits and "-", '
    + 'starting and ending with a letter or digit', 'Use a namespace name like "team-a"')];
}

/** Role and ClusterRole names may hold any character but `/` and `%`, and must not be `.` or `..`. */
export function roleNameProblems(property: string, name: string): Problem[] {
  if (Token.isUnresolved(name) || (name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name))) return [];
  return [invalid(property, name, 'a Kubernetes role name must not be empty, ".", "..", or contain "/" or "%"',
    'Use the name of the role as `kubectl get clusterroles` (or `roles`) shows it')];
}

/** A subject name of the form `system:...` is reserved for Kubernetes' own users and groups. */
export function reservedSubjectProblems(kind: string, name: string, claimValue: string): Problem[] {
  const property = `${kind === 'User' ? 'users' : 'groups'} entry`;
  if (claimValue === '') {
    return [invalid(property, claimValue, `it would be the ${kind} "${name}", and no token carries an empty ${kind === 'User' ? 'username' : 'group'}`,
      'Give the value as the identity provider issues it')];
  }
  if (Token.isUnresolved(name) || !name.startsWith('system:')) return [];
  return [invalid(property, claimValue, `it becomes the ${kind} "${name}", and names starting with "system:" are reserved for Kubernetes itself`,
    `Bind a value that the identity provider issues, or set a ${kind === 'User' ? 'usernamePrefix' : 'groupsPrefix'} such as "oidc:"`)];
}

/**
 * The bindings a fresh EKS cluster has whose names are valid for ours (the rest start with
 * `system:` or `eks:`, which no DNS-1123 subdomain does). `kubectl create` would fail on them
 * at deploy time, and a later `kubectl apply` would take them over and change their subjects.
 * Sources: Kubernetes' RBAC bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
 * testdata/cluster-role-bindings.yaml); the VPC CNI's manifest (aws/amazon-vpc-cni-k8s
 * config/master/aws-k8s-cni.yaml); the EKS user guide, "Default Amazon EKS created Kubernetes
 * roles and users" (default-roles-users), and aws/amazon-vpc-resource-controller-k8s
 * docs/troubleshooting.md for the VPC resource controller's bindings.
 */
const BUILT_IN_BINDINGS: ReadonlyArray<{ kind: string; namespace?: string; name: string; owner: string }> = [
  { kind: 'ClusterRoleBinding', name: 'cluster-admin', owner: 'Kubernetes' },
  { kind: 'ClusterRoleBinding', name: 'aws-node', owner: 'the Amazon VPC CNI' },
  { kind: 'ClusterRoleBinding', name: 'vpc-resource-controller-rolebinding', owner: 'EKS\'s VPC resource controller' },
  { kind: 'RoleBinding', namespace: 'kube-system', name: 'eks-vpc-resource-controller-rolebinding', owner: 'EKS\'s VPC resource controller' },
];

export function builtInBindingProblems(kind: string, namespace: string | undefined, name: string): Problem[] {
  const builtIn = BUILT_IN_BINDINGS.find(b => b.kind === kind && b.namespace === namespace && b.name === name);
  if (builtIn === undefined) return [];
  return [invalid('name', name, `${builtIn.owner} already has a ${kind} of this name${namespace ? ` in namespace ${namespace}` : ''} in every EKS cluster, `
    + 'and deploying this binding would fail or take it over', 'Give the binding a name of your own, or leave name out to get one derived from the id')];
}
