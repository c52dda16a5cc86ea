import { Token } from 'aws-cdk-lib';
import { OidcSettings } from './oidc-settings';
import { check, invalid } from './private/errors';
import { checkOptions, typeProblems } from './private/js-types';
import { resolveOidc, ResolvedOidc } from './private/resolved-oidc';
import { explainToken } from './private/token-rules';
import { withSignature } from './private/token-signature';
import { TokenExplanation } from './token-explanation';

/** How `TokenJudge.explain()` judges a token. */
export interface ExplainOptions {
  /**
   * The issuer's JSON Web Key Set, as the text its `jwks_uri` serves (its discovery document
   * names it): the token's signature is then checked as kube-apiserver checks it (its header's
   * `alg` must be RS256, its `kid` must name a key of the set, and the signature must verify with
   * that key), and `TokenExplanation.signatureChecked` is true. A set kube-apiserver cannot decode
   * refuses every token, as it does in the cluster.
   *
   * @default - the signature is not checked
   */
  readonly jwks?: string;
}

/**
 * What a cluster makes of a token, judged from the OIDC settings alone: no construct, no app.
 * It applies the settings as kube-apiserver's OIDC authenticator does (EKS configures exactly
 * that authenticator): `iss` byte for byte, `aud`, `exp` (no leeway) and `nbf` (a minute), the
 * username claim and `email_verified`, required claims, the groups claim, and the prefixes, as of
 * the current time.
 *
 * The signature is checked only when the issuer's keys are given (`ExplainOptions.jwks`): without
 * them, a token that was not signed by the issuer is refused by the cluster however it reads here.
 */
export class TokenJudge {
  private readonly settings: ResolvedOidc;

  /**
   * @param settings the provider's settings, as an `OidcIdentityProvider` takes them. Deploy-time
   * values (tokens) cannot be judged: resolve them first.
   */
  constructor(settings: OidcSettings) {
    this.settings = resolveOidc(settings);
    const { kubeconfigScopes, ...judged } = this.settings;
    const unresolved = Object.entries({ ...judged, ...judged.requiredClaims }).find(([, value]) => typeof value === 'string' && Token.isUnresolved(value));
    if (unresolved !== undefined) {
      check([invalid(unresolved[0], '(a deploy-time value)', 'a token cannot be judged against a value that is only known at deploy time',
        'Judge the token against the deployed settings: give their values, or run `npx cdk-eks-oidc explain` on a template with literal settings',
        'deployTimeSettings')]);
    }
  }

  /**
   * What the cluster makes of the token: the Kubernetes user and groups it logs in as, or why
   * it is refused, each problem naming the claim, the value found, the value expected and the fix.
   * With the issuer's keys (`options.jwks`), the signature too.
   *
   * @param token the ID token, as kubectl sends it (kubelogin's `get-token` prints it)
   * @param options the issuer's keys, to check the signature with
   */
  public explain(token: string, options: ExplainOptions = {}): TokenExplanation {
    check(typeProblems({ token: [token, 'string'] }));
    checkOptions(options, { jwks: 'string?' });
    const explanation = explainToken(this.settings, token, Date.now());
    return options.jwks === undefined ? explanation : withSignature(explanation, token, options.jwks);
  }
}
