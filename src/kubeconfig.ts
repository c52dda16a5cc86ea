import { KubeconfigLogin } from './kubeconfig-login';

/**
 * Options of a kubeconfig that logs in to the cluster with tokens of an OIDC identity provider.
 */
export interface KubeconfigOptions {
  /**
   * The cluster's API server endpoint, `https://...`.
   *
   * @default - the cluster's own: an aws-eks or aws-eks-v2 `Cluster`, a `CfnCluster`, or an
   * import created with `clusterEndpoint`
   */
  readonly clusterEndpoint?: string;

  /**
   * The cluster's certificate authority, base64-encoded, as EKS returns it
   * (`certificateAuthority.data`).
   *
   * @default - the cluster's own: an aws-eks or aws-eks-v2 `Cluster`, a `CfnCluster`, or an
   * import created with `clusterCertificateAuthorityData`
   */
  readonly certificateAuthorityData?: string;

  /**
   * Scopes kubelogin requests beyond `openid` (which it always requests), each passed as
   * `--oidc-extra-scope`. Given, it replaces the default. Some identity providers need `groups`
   * for a groups claim (Dex, Okta with a `groups` scope); others reject unknown scopes. Only
   * kubelogin requests scopes: refused with another `login`.
   *
   * @default - `email` when the username claim is `email`, plus the scopes of the provider's
   * `OidcIssuer` preset (`profile` for Entra ID)
   */
  readonly extraScopes?: string[];

  /**
   * How the kubeconfig logs in: through kubelogin for people (`KubeconfigLogin.kubelogin()`,
   * with kubelogin's options), from a token file for CI jobs whose token lives as long as the job
   * (`KubeconfigLogin.tokenFile(path)`), or with a fresh token from the runner each time kubectl
   * needs one in GitHub Actions (`KubeconfigLogin.gitHubActions()`).
   *
   * @default - `KubeconfigLogin.kubelogin()`: people log in through kubelogin (`kubectl oidc-login get-token`)
   */
  readonly login?: KubeconfigLogin;

  /**
   * The name of the context, and of its cluster and user entries.
   *
   * @default - `<cluster name>-<identity provider config name>`
   */
  readonly contextName?: string;
}
