import { OidcIssuer } from './oidc-issuer';

/**
 * How a cluster's API server reads the tokens of one OpenID Connect identity provider: the issuer
 * and client, and the claims that name users and groups.
 *
 * The settings combine with the `issuer`'s in one way everywhere (the provider, an import, the
 * kubeconfig and the token judge): a claim given here wins over the issuer's; required claims
 * are merged, a key given here winning; the default username claim is `sub`.
 */
export interface OidcSettings {
  /**
   * The identity provider, with the settings its tokens need: a preset such as
   * `OidcIssuer.entraId({ tenantId })` or `OidcIssuer.gitHubActions({ ownerId, owner })`, or
   * `OidcIssuer.fromUrl(url, options)` for any other issuer.
   */
  readonly issuer: OidcIssuer;

  /**
   * The client ID of the application registered with the identity provider. Tokens are
   * accepted only when their `aud` claim contains it.
   */
  readonly clientId: string;

  /**
   * The token claim whose value becomes the Kubernetes user name.
   *
   * @default - the issuer's `usernameClaim`, or 'sub'
   */
  readonly usernameClaim?: string;

  /**
   * The prefix put before the username claim value. `-` means no prefix. Must not contain
   * `system:`.
   *
   * @default - no prefix for the `email` claim, `<issuerUrl>#` for any other claim
   */
  readonly usernamePrefix?: string;

  /**
   * The token claim that lists the user's groups.
   *
   * @default - the issuer's `groupsClaim`, or none: no groups come from the token (every user
   * still has `system:authenticated`)
   */
  readonly groupsClaim?: string;

  /**
   * The prefix put before each group name from the groups claim. Ignored without a
   * groups claim. Must not contain `system:`.
   *
   * @default - no prefix
   */
  readonly groupsPrefix?: string;

  /**
   * Claims that every token must carry with exactly these values. Keys are 1 to 63
   * characters, values 1 to 253. Merged with the issuer's required claims, a key given here
   * winning.
   *
   * @default - the issuer's required claims, or none
   */
  readonly requiredClaims?: { [claim: string]: string };
}
