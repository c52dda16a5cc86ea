/**
 * How the Kubernetes API server's OIDC authenticator (which EKS configures from the identity
 * provider config) names the user and groups of a token. See `--oidc-username-prefix` and
 * `--oidc-groups-prefix` in the kube-apiserver reference.
 */
export interface OidcNaming {
  readonly issuerUrl: string;
  readonly usernameClaim?: string;
  readonly usernamePrefix?: string;
  readonly groupsClaim?: string;
  readonly groupsPrefix?: string;
}

/** The default username claim, as in EKS and kube-apiserver. */
export const DEFAULT_USERNAME_CLAIM = 'sub';

/** `-` as the username prefix means "no prefix at all". */
const NO_PREFIX = '-';

/** The username prefix the API server puts before the username claim's value. */
export function usernamePrefixOf(naming: OidcNaming): string {
  if (naming.usernamePrefix === NO_PREFIX) return '';
  if (naming.usernamePrefix !== undefined) return naming.usernamePrefix;
  // Without a prefix, e-mail addresses are used as they are; any other claim value is
  // qualified with the issuer so that two issuers' `sub` values cannot collide.
  if ((naming.usernameClaim ?? DEFAULT_USERNAME_CLAIM) === 'email') return '';
  return `${naming.issuerUrl}#`;
}

/** `-` has no special meaning for groups: the prefix is taken as it is. */
export function groupsPrefixOf(naming: OidcNaming): string {
  return naming.groupsPrefix ?? '';
}
