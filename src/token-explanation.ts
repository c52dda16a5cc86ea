/**
 * What kube-apiserver's OIDC authenticator, configured as an identity provider configures it,
 * makes of a token: the Kubernetes user and groups it logs in as, or why it is refused.
 *
 * The token's signature is checked only when the issuer's keys are given (`ExplainOptions.jwks`;
 * there are none at synth time): without them, a token that is accepted here is refused by the
 * cluster if it was not signed by the issuer's key.
 */
export interface TokenExplanation {
  /** Whether the cluster accepts the token (its signature aside, unless `signatureChecked`). */
  readonly accepted: boolean;

  /**
   * Whether the signature was checked, against the issuer's keys given: its header's `alg`, its
   * `kid` matching a key, and the signature itself, as kube-apiserver checks them. When it was not,
   * `accepted` says nothing of the signature.
   */
  readonly signatureChecked: boolean;

  /**
   * The Kubernetes user name the token logs in as.
   *
   * @default - none: the token is refused
   */
  readonly username?: string;

  /**
   * The Kubernetes groups the token logs in with, without `system:authenticated`, which every
   * authenticated user has. Empty when the token is refused.
   */
  readonly groups: string[];

  /**
   * Why the token is refused: each names the claim, the value found, the value expected and the
   * fix. Empty when it is accepted.
   */
  readonly problems: string[];

  /**
   * When the token expires, as an ISO 8601 timestamp.
   *
   * @default - the token has no readable `exp`
   */
  readonly expiresAt?: string;

  /**
   * The token's issuer (`iss`).
   *
   * @default - the token has no readable `iss`
   */
  readonly issuer?: string;
}
