import { Token } from 'aws-cdk-lib';
import { invalid } from './errors';

/**
 * Kubernetes' naming rules (apimachinery `validation.IsDNS1123Subdomain`, `IsDNS1123Label`,
 * and `path.ValidatePathSegmentName`, which RBAC uses for role names). Tokens are never judged.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function subdomainProblems(property: string, name: string): string[] {
  if (Token.isUnresolved(name) || (name.length <= 253 && DNS1123_SUBDOMAIN.test(name))) return [];
  return [invalid(property, name, 'it must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, "-" and ".", '
    + 'starting and ending with a letter or digit', 'Use a name like "platform-viewers"')];
}

export function labelProblems(property: string, name: string): string[] {
  if (Token.isUnresolved(name) || (name.length <= 63 && DNS1123_LABEL.test(name))) return [];
  return [invalid(property, name, 'it must be a DNS-1123 label: at most 63 characters of lowercase letters, digits and "-", '
    + 'starting and ending with a letter or digit', 'Use a namespace name like "team-a"')];
}

/** Role and ClusterRole names may hold any character but `/` and `%`, and must not be `.` or `..`. */
export function roleNameProblems(property: string, name: string): string[] {
  if (Token.isUnresolved(name) || (name !== '' && name !== '.' && name !== '..' && !/[/%]/.test(name))) return [];
  return [invalid(property, name, 'a Kubernetes role name must not be empty, ".", "..", or contain "/" or "%"',
    'Use the name of the role as `kubectl get clusterroles` (or `roles`) shows it')];
}

/** A subject name of the form `system:...` is reserved for Kubernetes' own users and groups. */
export function reservedSubjectProblems(kind: string, name: string, claimValue: string): string[] {
  if (Token.isUnresolved(name) || !name.startsWith('system:')) return [];
  return [invalid(`${kind === 'User' ? 'users' : 'groups'} entry`, claimValue, `it becomes the ${kind} "${name}", and names starting with "system:" are reserved for Kubernetes itself`,
    `Bind a value that the identity provider issues, or set a ${kind === 'User' ? 'usernamePrefix' : 'groupsPrefix'} such as "oidc:"`)];
}
